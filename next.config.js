/** @type {import('next').NextConfig} */
const nextConfig = {
  // The MLflow UI is served at /mlflow/ and loads its assets with relative
  // paths, so the trailing slash must survive (no /mlflow/ -> /mlflow redirect).
  skipTrailingSlashRedirect: true,
  // Node-only packages that must not be bundled into route handlers.
  serverExternalPackages: ["@jupyterlab/services", "ws", "better-sqlite3", "pg"],
  // Paths the server computes at run time (the virtualenv, the data folder)
  // are not part of the build's file trace.
  outputFileTracingExcludes: { "*": [".venv/**", ".venv-gateway/**", ".data/**"] },
  poweredByHeader: false,
  // forbidden() answers 403 with app/forbidden.tsx (a learner opening instructor pages).
  experimental: { authInterrupts: true },
  reactStrictMode: true,
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;

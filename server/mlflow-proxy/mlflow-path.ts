/**
 * The one rule for paths under /mlflow/: the raw path is decoded and normalized
 * once, every check runs on that one form, and that same form is what MLflow
 * receives. So a spelling the checks did not see cannot reach MLflow
 * (`%2F`, `%61pi`, `./`, `//`, `\`, `;` tricks).
 */

export type ParsedMlflowPath =
  | { ok: true; /** The decoded, normalized path after /mlflow, e.g. `/api/2.0/mlflow/runs/get`. */ path: string; /** The same, percent-encoded for the upstream request line. */ encoded: string }
  | { ok: false; status: 400 | 404; reason: string };

/** `mount`: where MLflow is mounted on the course's site (`/mlflow` for browsers, `/mlflow-gate` for kernels). */
export function parseMlflowPath(rawPathname: string, mount = "/mlflow"): ParsedMlflowPath {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPathname);
  } catch {
    return { ok: false, status: 400, reason: "the address has broken %-encoding" };
  }
  // Decoding once must give the final form: what still looks encoded was encoded twice.
  if (/%[0-9a-f]{2}/i.test(decoded)) return { ok: false, status: 400, reason: "the address is encoded twice" };
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return { ok: false, status: 400, reason: "the address holds control characters" };
  // Matrix parameters (`;a=b`) mean nothing to MLflow's routes but can hide a path from a check.
  if (decoded.includes(";")) return { ok: false, status: 400, reason: "the address holds a `;`" };

  const segments: string[] = [];
  const parts = decoded.replace(/\\/g, "/").split("/");
  const endsWithSlash = parts.length > 1 && parts[parts.length - 1] === "";
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (segments.length === 0) return { ok: false, status: 400, reason: "the address climbs above the site's root" };
      segments.pop();
      continue;
    }
    segments.push(part);
  }
  if (segments[0] !== mount.slice(1)) return { ok: false, status: 404, reason: `not under ${mount}/` };
  const inner = segments.slice(1);
  const path = `/${inner.join("/")}${endsWithSlash && inner.length ? "/" : ""}`;
  const encoded = `/${inner.map(encodeSegment).join("/")}${endsWithSlash && inner.length ? "/" : ""}`;
  return { ok: true, path, encoded };
}

function encodeSegment(segment: string): string {
  // encodeURIComponent leaves these alone, and MLflow's routes use some of them (e.g. `3.0`).
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Path shapes of MLflow routes the course forwards; anything else under /mlflow/ is 404. */
const API = String.raw`/(?:ajax-)?api/(?:2\.0|3\.0)`;
const ALLOWED: { name: string; pattern: RegExp }[] = [
  { name: "the UI", pattern: /^\/$/ },
  { name: "the UI's files", pattern: /^\/static-files\/[^/].*$/ },
  { name: "health and version", pattern: /^\/(?:health|version)$/ },
  { name: "artifact downloads", pattern: /^\/(?:model-versions\/)?get-artifact$/ },
  { name: "GraphQL (the UI's run and model queries)", pattern: /^\/(?:ajax-api\/)?graphql$/ },
  { name: "artifact store", pattern: new RegExp(String.raw`^${API}/mlflow-artifacts/artifacts(?:/.*)?$`) },
  {
    name: "tracking and registry",
    pattern: new RegExp(
      String.raw`^${API}/mlflow/(?:experiments|runs|metrics|registered-models|model-versions|logged-models|datasets|traces)(?:/[^/].*)?$`,
    ),
  },
  { name: "artifact listing and upload", pattern: new RegExp(String.raw`^${API}/mlflow/(?:artifacts/list|upload-artifact|get-trace-artifact)$`) },
  // A typo in MLflow's own routes that its UI calls.
  { name: "dataset search", pattern: /^\/(?:ajax-)?api\/2\.0mlflow\/experiments\/search-datasets$/ },
  { name: "server information", pattern: new RegExp(String.raw`^${API}/mlflow/server-info$`) },
  { name: "evaluation views (read only)", pattern: new RegExp(String.raw`^${API}/mlflow/(?:scorers/(?:list|get|versions)|label-schemas/(?:list|get|get-by-name)|issues/search)$`) },
];

/** The workspace API: managed by the course only (listed here so it is refused even if a family above grew). */
export const WORKSPACE_API = new RegExp(String.raw`^${API}/mlflow/workspaces(?:/.*)?$`);

export function isAllowedMlflowPath(path: string): boolean {
  if (WORKSPACE_API.test(path)) return false;
  return ALLOWED.some((rule) => rule.pattern.test(path));
}

/** REST and GraphQL routes whose bodies are JSON objects (artifact uploads are files). */
export function isJsonApiPath(path: string): boolean {
  return (/^\/(?:ajax-)?api\//.test(path) && !/^\/(?:ajax-)?api\/2\.0\/mlflow-artifacts\//.test(path) && !/\/upload-artifact$/.test(path)) || /graphql$/.test(path);
}

/** The path of a request URL exactly as the client sent it, still encoded. */
export function rawPathname(url: string): string {
  const afterOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  return afterOrigin.split(/[?#]/)[0] || "/";
}

/** Where the MLflow gate is mounted on the site (and the only addresses its unix socket answers). */
export const GATE_MOUNT = "/mlflow-gate";

/** Whether a request's address is under `mount`, as written and once normalized (what the gate's socket answers, nothing else). */
export function isUnderMount(url: string, mount: string): boolean {
  const raw = rawPathname(url);
  return raw.startsWith(`${mount}/`) && parseMlflowPath(raw, mount).ok;
}

/**
 * A raw request path as the entry point judges it before routing: without its query, decoded once
 * (left as it is when it does not decode) and lower-cased, so that every spelling Next.js might
 * route to a path (`%6Dlflow-gate`, `/MLflow-Gate`) is judged as that path.
 */
export function looseRawPath(rawPath: string): string {
  return safeDecode(rawPath.split("?")[0]).toLowerCase();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

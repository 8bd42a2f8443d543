// Installs whatever a fresh clone is missing, then returns. Plain Node.js with
// no dependencies, because it runs before node_modules exists.
//   node scripts/bootstrap.mjs [--no-build] [--browser]
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runStep } from "./step-runner.mjs";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const venvDir = path.join(projectRoot, ".venv");
const venvPython = path.join(venvDir, "bin", "python");

export function step(message) {
  console.log(`\u25b8 ${message}`);
}

export function fail(message) {
  console.error(`\n\u2716 ${message}\n`);
  process.exit(1);
}

/** Where each install step's full output is kept (named when a step fails). */
const installLogs = path.join(projectRoot, ".install-logs");

/** A long command as one step line with its elapsed time; its output in `.install-logs/<logName>.log`. */
function runLogged(label, logName, command, args, options = {}) {
  return runStep(label, command, args, { cwd: projectRoot, env: process.env, ...options, logDir: installLogs, logName });
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function hashFiles(files) {
  const hash = crypto.createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(projectRoot, file));
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : "missing");
  }
  return hash.digest("hex");
}

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out.sort();
}

export function ensureNodeVersion() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 9)) fail(`Node.js 20.9 or newer is needed; this is ${process.versions.node}.`);
}

export async function ensureNodeModules() {
  const lock = path.join(projectRoot, "package-lock.json");
  const installedLock = path.join(projectRoot, "node_modules", ".package-lock.json");
  const stamp = path.join(projectRoot, "node_modules", ".course-lock-hash");
  const wanted = hashFiles([lock, path.join(projectRoot, "package.json")]);
  if (fs.existsSync(installedLock) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) return;
  const result = await runLogged("Installing Node.js packages (npm ci)", "npm-ci", "npm", ["ci", "--no-audit", "--no-fund"], {
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  if (!result.ok) fail("npm ci failed (see above). Check that the npm registry is reachable, then run the command again.");
  fs.writeFileSync(stamp, wanted);
}

function findPython() {
  for (const candidate of ["python3.11", "python3.12", "python3.13", "python3.10", "python3"]) {
    if (!has(candidate)) continue;
    const probe = spawnSync(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    const [major, minor] = (probe.stdout ?? "").trim().split(".").map(Number);
    if (major === 3 && minor >= 10) return candidate;
  }
  return null;
}

export async function ensurePythonEnv() {
  await ensureVirtualenv({
    dir: venvDir,
    name: ".venv",
    requirements: ["-r", path.join(projectRoot, "python", "requirements.txt"), "-c", path.join(projectRoot, "python", "constraints.txt")],
    stampName: ".course-requirements-hash",
    installing: "Installing the Python packages (MLflow, Jupyter, scikit-learn, PySpark; a few minutes the first time)",
  });
}

/**
 * Jupyter Enterprise Gateway in a virtualenv of its own (.venv-gateway), for the integration
 * tests only: it pins older Jupyter packages than the course's, and the course never runs it.
 */
export async function ensureGatewayEnv() {
  await ensureVirtualenv({
    dir: path.join(projectRoot, ".venv-gateway"),
    name: ".venv-gateway",
    requirements: ["-r", path.join(projectRoot, "python", "gateway-requirements.txt")],
    stampName: ".gateway-requirements-hash",
    installing: "Installing Jupyter Enterprise Gateway for the tests (.venv-gateway, once)",
  });
}

/** A virtualenv at `dir` with `requirements` (pip arguments) installed; skipped while the files they name are unchanged. */
async function ensureVirtualenv({ dir, name, requirements, stampName, installing }) {
  const python = path.join(dir, "bin", "python");
  const stamp = path.join(dir, stampName);
  const wanted = hashFiles(requirements.filter((argument) => !argument.startsWith("-")));
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) return;

  if (!fs.existsSync(python)) {
    const system = findPython();
    if (!system) fail("Python 3.10 or newer (python3) is needed and was not found. On Debian/Ubuntu: apt-get install python3 python3-venv");
    const venvCheck = spawnSync(system, ["-c", "import venv, ensurepip"], { stdio: "ignore" });
    if (venvCheck.status !== 0) {
      fail(`${system} cannot create virtual environments (the venv/ensurepip module is missing). On Debian/Ubuntu: apt-get install python3-venv`);
    }
    const created = await runLogged(`Creating the Python virtual environment in ${name} (${system})`, `venv-${name.replace(/^\./, "")}`, system, ["-m", "venv", dir]);
    if (!created.ok) fail(`Creating ${name} failed (see above).`);
  }
  const pip = await runLogged(installing, `pip-${name.replace(/^\./, "")}`, python, ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", ...requirements]);
  if (!pip.ok) fail("pip install failed (see above). Check that PyPI is reachable, then run the command again.");
  fs.writeFileSync(stamp, wanted);
}

/**
 * MLflow's requirement answers for the lessons' models, recorded once per Python environment
 * (python/requirements_table.py): each learner's first `log_model` then skips a 3 s inference.
 * Optional: without the table, MLflow infers as usual.
 */
export async function ensureRequirementsTable() {
  const script = path.join(projectRoot, "python", "requirements_table.py");
  const stamp = path.join(venvDir, ".course-requirements-table-hash");
  const wanted = hashFiles([script, path.join(projectRoot, "python", "requirements.txt"), path.join(projectRoot, "python", "constraints.txt")]);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) return;
  const result = await runLogged("Recording MLflow's requirements for the lessons' models (once per install, about 20 s)", "requirements-table", venvPython, [script, "build"], {
    env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true", PYTHONWARNINGS: "ignore" },
  });
  if (!result.ok) {
    console.warn("  (could not record them; kernels will let MLflow infer requirements each time, which is slower)");
    return;
  }
  fs.writeFileSync(stamp, wanted);
}

const BUILD_INPUTS = ["app", "components", "contracts", "server", "grader"];
const BUILD_FILES = ["next.config.js", "package-lock.json", "postcss.config.mjs", "tsconfig.json"];

export async function ensureBuild({ force = false } = {}) {
  const files = [
    ...BUILD_INPUTS.flatMap((dir) => listFiles(path.join(projectRoot, dir))),
    ...BUILD_FILES.map((file) => path.join(projectRoot, file)),
  ].filter((file) => !/\.test\.tsx?$/.test(file));
  const wanted = hashFiles(files);
  const stamp = path.join(projectRoot, ".next", ".course-source-hash");
  const built = fs.existsSync(path.join(projectRoot, ".next", "BUILD_ID"));
  if (!force && built && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) return;
  const result = await runLogged("Building the course site (next build, about a minute)", "next-build", process.execPath, [path.join(projectRoot, "node_modules", "next", "dist", "bin", "next"), "build"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (!result.ok) fail("next build failed (see above).");
  fs.writeFileSync(stamp, wanted);
}

/** Installs Debian packages with apt-get (as root, or through sudo); false when that is not possible here. */
export async function aptInstall(packages, why) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = isRoot ? [] : has("sudo") ? ["sudo"] : null;
  if (!has("apt-get") || sudo === null) return false;
  const apt = (label, logName, args) =>
    runLogged(label, logName, sudo.length ? "sudo" : "apt-get", sudo.length ? ["apt-get", ...args] : args, {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  if (!(await apt("Updating Debian's package lists (apt-get update)", "apt-update", ["update"])).ok) fail("apt-get update failed (see above).");
  const installed = await apt(`Installing ${packages.join(", ")} from Debian's packages (apt-get, ${why})`, `apt-${packages[0]}`, ["install", "-y", "--no-install-recommends", ...packages]);
  if (!installed.ok) fail(`apt-get install ${packages.join(" ")} failed (see above).`);
  return true;
}

export async function ensureChromium() {
  if (fs.existsSync("/usr/bin/chromium")) return;
  if (!(await aptInstall(["chromium", "fonts-liberation"], "for the browser tests"))) {
    fail("The browser tests need Chromium at /usr/bin/chromium. Install it with your package manager (Debian: apt-get install chromium), then run npm test again.");
  }
}

/**
 * The sandbox for learner code: bubblewrap, socat (bridges into the sandbox), nsenter
 * (util-linux, whose setpriv the sandbox's tests also use), ip (iproute2: a learner's network
 * namespace), mkfs.ext4 (e2fsprogs: the learner folder's disk quota). Linux only; `required` (the tests) fails when they cannot be installed.
 */
export async function ensureSandboxTools({ required = false } = {}) {
  if (process.platform !== "linux") return;
  const tools = [["bwrap", "bubblewrap"], ["socat", "socat"], ["nsenter", "util-linux"], ["mount", "mount"], ["ip", "iproute2"], ["mkfs.ext4", "e2fsprogs"]];
  const missing = [...new Set(tools.filter(([command]) => !has(command)).map(([, pkg]) => pkg))];
  if (!missing.length) return;
  if (await aptInstall(missing, "the sandbox for learner code")) return;
  const message = `The sandbox for learner code needs ${missing.join(", ")} (Debian: apt-get install ${missing.join(" ")}).`;
  if (required) fail(message);
  console.warn(`! ${message} Without them, COURSE_SANDBOX=on cannot start.`);
}

/**
 * The multi-host test (server/supervisor/multi-host.integration.test.ts): HAProxy in front of two
 * course instances, and `ip` (iproute2) for the network namespaces that play the hosts.
 */
export async function ensureMultiHostTools() {
  if (process.platform !== "linux") return;
  const tools = [["haproxy", "haproxy"], ["ip", "iproute2"]];
  const missing = [...new Set(tools.filter(([command]) => !has(command)).map(([, pkg]) => pkg))];
  if (!missing.length) return;
  if (await aptInstall(missing, "the multi-host test's load balancer and network namespaces")) return;
  fail(`The multi-host test needs ${missing.join(", ")} (Debian: apt-get install ${missing.join(" ")}).`);
}

export async function bootstrap({ build = true, browser = false, sandboxRequired = false, gateway = false, multiHost = false } = {}) {
  ensureNodeVersion();
  await ensureNodeModules();
  await ensurePythonEnv();
  await ensureRequirementsTable();
  if (gateway) await ensureGatewayEnv();
  await ensureSandboxTools({ required: sandboxRequired });
  if (multiHost) await ensureMultiHostTools();
  if (browser) await ensureChromium();
  if (build) await ensureBuild();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bootstrap({ build: !process.argv.includes("--no-build"), browser: process.argv.includes("--browser") });
}

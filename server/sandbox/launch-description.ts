import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CPU_WEIGHTS, LAUNCH_DESCRIPTION_VERSION, launchDescriptionSchema, SANDBOX_PASSED_ON_ENV, type LaunchDescription } from "@/contracts/launch-description";
import { kernelOutputCapBytes, type CourseConfig } from "../config/config";

/** Environment variables a learner's sandboxed process may have: nothing of the course's own. */
const INHERITED = ["LANG", "LC_ALL", "TZ", "JAVA_HOME"];

/** The folders a sandbox sees read-only: the system and the course's Python, nothing else of the machine. */
function readOnlyFolders(config: CourseConfig): { readOnly: string[]; symlinks: Record<string, string> } {
  const python = fs.realpathSync(path.join(config.python.bin, "python"));
  // The virtualenv's interpreter lives in the base installation (e.g. pyenv's), outside /usr at times.
  const baseInstall = path.resolve(path.dirname(python), "..");
  const readOnly = ["/usr", "/etc", config.python.venvDir, ...(baseInstall.startsWith("/usr/") ? [] : [baseInstall])];
  const symlinks: Record<string, string> = {};
  for (const top of ["/bin", "/sbin", "/lib", "/lib64", "/lib32"]) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(top);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) symlinks[top] = fs.readlinkSync(top);
    else readOnly.push(top);
  }
  return { readOnly, symlinks };
}

/** One course's sandboxes (its cgroups, network namespaces) apart from another's on the same machine: from its data folder. */
export function courseSandboxId(config: CourseConfig): string {
  return crypto.createHash("sha256").update(config.dataDir).digest("hex").slice(0, 8);
}

export function sandboxNetnsPrefix(config: CourseConfig): string {
  return `mlt-${courseSandboxId(config)}-`;
}

/**
 * Writes what python/sandbox_launch.py needs to start this learner's kernel:
 * readable by the course's user only (it holds the learner's gate token).
 */
export function writeLaunchDescription(config: CourseConfig, learnerId: string, gateToken: string): void {
  const folder = path.join(config.sandbox.dir, learnerId);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Checked here too, so a description the launcher would refuse fails where it is made.
  const launch = launchDescriptionSchema.parse(launchDescription(config, learnerId, gateToken));
  const file = path.join(folder, "launch.json");
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(launch, null, 2), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

function launchDescription(config: CourseConfig, learnerId: string, gateToken: string): LaunchDescription {
  const { readOnly, symlinks } = readOnlyFolders(config);
  const inherited = Object.fromEntries(INHERITED.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
  return {
    schema_version: LAUNCH_DESCRIPTION_VERSION,
    uid: config.sandbox.uid,
    gid: config.sandbox.gid,
    python: path.join(config.python.bin, "python"),
    read_only: readOnly,
    symlinks,
    gate_socket: config.sandbox.gateSocket,
    // One cgroup per learner under a group per course (its data folder), so two courses on a machine do not share one.
    cgroup_group: courseSandboxId(config),
    // As root, a learner's kernel and model servers share one network namespace, named after the course and the learner.
    netns_prefix: sandboxNetnsPrefix(config),
    gate_path: "/mlflow-gate",
    limits: { memory_bytes: config.sandbox.memoryMb * 1024 * 1024, pids: config.sandbox.maxProcesses },
    cpu_weights: {
      v2: { learners: CPU_WEIGHTS.v2.learners, learner: CPU_WEIGHTS.v2.learner },
      v1: { learners: CPU_WEIGHTS.v1.learners, learner: CPU_WEIGHTS.v1.learner },
    },
    // The learner's folder becomes a filesystem of this size (as root), so what their code writes stops there.
    learner_folder: path.join(config.jupyter.rootDir, learnerId),
    disk_mb: config.sandbox.diskMb,
    mlflow_port: config.sandbox.mlflowPortInside,
    kernel_output_cap_bytes: kernelOutputCapBytes(config),
    passed_on: [...SANDBOX_PASSED_ON_ENV],
    env: {
      LANG: "C.UTF-8",
      ...inherited,
      PATH: `${config.python.bin}:/usr/local/bin:/usr/bin:/bin`,
      VIRTUAL_ENV: config.python.venvDir,
      PYTHONUNBUFFERED: "1",
      MPLBACKEND: "module://matplotlib_inline.backend_inline",
      MPLCONFIGDIR: "/tmp/matplotlib",
      MLFLOW_DISABLE_TELEMETRY: "true",
      DO_NOT_TRACK: "true",
      MLFLOW_TRACKING_TOKEN: gateToken,
      PYSPARK_PYTHON: path.join(config.python.bin, "python"),
      PYSPARK_DRIVER_PYTHON: path.join(config.python.bin, "python"),
      SPARK_LOCAL_IP: "127.0.0.1",
    },
  };
}

/** The learner's working folder belongs to the sandbox's user, so their code can write there and nowhere else. */
export function giveFolderToSandbox(config: CourseConfig, folder: string): void {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return;
  fs.chownSync(folder, config.sandbox.uid, config.sandbox.gid);
}

import { z } from "zod";

/**
 * The launch description: what the course (server/sandbox/launch-description.ts) tells
 * python/sandbox_launch.py about one learner's sandbox, in COURSE_SANDBOX_DIR/<learner>/launch.json
 * (0600: it holds the learner's gate token). The launcher and the kernel forker validate it
 * against this schema's JSON Schema (python/schemas/launch-description.schema.json) when they read
 * it and refuse to start a sandbox from one that does not match, naming the field.
 */

export const LAUNCH_DESCRIPTION_VERSION = 1 as const;

/**
 * Variables `sandbox_launch.py run` may add to the launch description's environment (the course
 * sets them per process: a helper's scratch folder, Python's settings). Not SPARK_MASTER: a
 * sandbox has no network to reach a cluster with, so Spark runs in local mode there.
 */
export const SANDBOX_PASSED_ON_ENV = ["TMPDIR", "SPARK_LOCAL_DIRS", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"] as const;

/**
 * CPU weights of learner cgroups: cgroup v2 `cpu.weight` and v1 `cpu.shares`. `learners` is all
 * learners together (every course's, the `mlflow-training` group) against the default weight of
 * the course's own services (100; v1: 1024): MLflow, the site and Jupyter serve everyone, so under
 * contention they run first and learner code takes what they leave (idle, they leave all).
 * `learner` is each learner's group, equal among learners (the launcher sets it whenever it puts a
 * process in one); `busyLearner` is what server/sandbox/cpu-fairness.ts lowers a learner to while
 * their code keeps a CPU busy (about 1%).
 */
export const CPU_WEIGHTS = {
  v2: { learners: 25, learner: 100, busyLearner: 1 },
  v1: { learners: 256, learner: 1024, busyLearner: 16 },
} as const;

const weight = z.number().int().positive();

export const launchDescriptionSchema = z.strictObject({
  schema_version: z.literal(LAUNCH_DESCRIPTION_VERSION),
  /** The sandbox's user and group (as root: `nobody`); never root's. */
  uid: z.number().int().positive(),
  gid: z.number().int().positive(),
  /** The course's Python, as learner code runs it. */
  python: z.string().min(1),
  /** Folders bound read-only (the system, the virtualenv and its base Python). */
  read_only: z.array(z.string().min(1)),
  /** Top-level links of the system (`/bin` -> `usr/bin`), made as links inside. */
  symlinks: z.record(z.string(), z.string()),
  /** The MLflow gate's unix socket, bound in read-only. */
  gate_socket: z.string().min(1),
  /** The course's cgroup under `mlflow-training`: one per course on a machine. */
  cgroup_group: z.string().min(1),
  /** Names of the learners' network namespaces start with this (as root). */
  netns_prefix: z.string().min(1),
  gate_path: z.string().regex(/^\//),
  limits: z.strictObject({ memory_bytes: z.number().int().positive(), pids: z.number().int().positive() }),
  cpu_weights: z.strictObject({
    v2: z.strictObject({ learners: weight, learner: weight }),
    v1: z.strictObject({ learners: weight, learner: weight }),
  }),
  /** The learner's folder, a filesystem of `disk_mb` of its own (as root). */
  learner_folder: z.string().min(1),
  disk_mb: z.number().int().positive(),
  /** Where MLflow is inside (a bridge to the gate). */
  mlflow_port: z.number().int().min(1).max(65535),
  kernel_output_cap_bytes: z.number().int().nonnegative(),
  /** The variables `run` may add to `env` (SANDBOX_PASSED_ON_ENV). */
  passed_on: z.array(z.enum(SANDBOX_PASSED_ON_ENV)),
  /** The whole environment of a sandboxed process, apart from `passed_on`, MLflow's address, HOME and TMPDIR. */
  env: z.record(z.string(), z.string()),
});
export type LaunchDescription = z.infer<typeof launchDescriptionSchema>;

import { LESSONS_MODEL_SERVER_PORT } from "@/grader/defaults";
import net from "node:net";
import path from "node:path";
import { z } from "zod";

/**
 * The one place configuration is read. Every process of the course (the supervisor, the site's
 * entry point, the CLI, the tests) calls `loadConfig` (the CLI: `loadGraderSettings`) once with an
 * environment and gets the same validated view of it; no other module reads a setting from
 * `process.env` (children inherit an allow-list of it: lib/process/child-env.ts). What the
 * supervisor decides at start (the sandbox, Jupyter's token) reaches the site through the run
 * folder (`run-handoff.ts`), not the environment.
 */

/** 32 bytes as 64 hexadecimal digits: the form of `COURSE_SESSION_SECRET`. */
export const SESSION_SECRET_PATTERN = /^[0-9a-fA-F]{64}$/;

/** An environment as a plain map (Next.js narrows process.env's own type). */
export type Env = Record<string, string | undefined>;

/**
 * A numeric variable: `fallback` when unset, else a number within [min, max]
 * (whole when `whole`), or an error that names the variable and what it accepts.
 */
const numberVar = (name: string, fallback: number, rule: { min: number; max: number; whole?: boolean; accepts: string }) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < rule.min || value > rule.max || (rule.whole && !Number.isInteger(value))) {
        ctx.addIssue({ code: "custom", message: `${name} must be ${rule.accepts} (got "${raw}")` });
        return z.NEVER;
      }
      return value;
    });

/** One of a few words (case and surrounding spaces ignored): `fallback` when unset or empty, else an error that names the variable and the words. */
const choiceVar = <const T extends string>(name: string, choices: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = (raw ?? "").trim().toLowerCase() || fallback;
      if (!(choices as readonly string[]).includes(value)) {
        const listed = choices.map((choice) => `"${choice}"`);
        ctx.addIssue({ code: "custom", message: `${name} must be ${listed.slice(0, -1).join(", ")} or ${listed.at(-1)} (got "${raw}")` });
        return z.NEVER;
      }
      return value as T;
    });

export const port = (name: string, fallback: number) => numberVar(name, fallback, { min: 1, max: 65535, whole: true, accepts: "a whole number between 1 and 65535" });

export const httpUrl = (name: string, what = "an MLflow server", hint = "; file stores and databricks URIs are not supported here") =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return undefined;
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        ctx.addIssue({ code: "custom", message: `${name} must be an http(s) URL (got "${raw}")` });
        return z.NEVER;
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        ctx.addIssue({
          code: "custom",
          message: `${name} must be an http(s) URL of ${what} (got "${raw}")${hint}`,
        });
        return z.NEVER;
      }
      return url.toString().replace(/\/+$/, "");
    });

/** The progress store's PostgreSQL URL (never echoed back: it may hold a password). */
const postgresUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return undefined;
      let url: URL | undefined;
      try {
        url = new URL(raw.trim());
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "postgres:" && url.protocol !== "postgresql:") || !url.hostname) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must be a postgres:// or postgresql:// URL such as postgresql://user:password@host:5432/course${url ? ` (got a "${url.protocol}" URL)` : ""}`,
        });
        return z.NEVER;
      }
      return raw.trim();
    });

const envSchema = z.object({
  PORT: port("PORT", 3000),
  HOST: z.string().optional(),
  MLFLOW_PORT: port("MLFLOW_PORT", 5000),
  JUPYTER_PORT: port("JUPYTER_PORT", 8888),
  COURSE_DATA_DIR: z.string().optional(),
  MLFLOW_TRACKING_URI: httpUrl("MLFLOW_TRACKING_URI"),
  MLFLOW_WORKERS: numberVar("MLFLOW_WORKERS", 2, { min: 1, max: 32, whole: true, accepts: "a whole number from 1 to 32" }),
  CELL_TIME_LIMIT_SECONDS: numberVar("CELL_TIME_LIMIT_SECONDS", 120, { min: 1, max: 3600, accepts: "a number of seconds from 1 to 3600" }),
  MODEL_SERVER_PORTS: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return { min: LESSONS_MODEL_SERVER_PORT, max: LESSONS_MODEL_SERVER_PORT + 49 };
      const match = /^(\d+)-(\d+)$/.exec(raw.trim());
      const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
      if (!match || min < 1024 || max > 65535 || min > max) {
        ctx.addIssue({ code: "custom", message: `MODEL_SERVER_PORTS must be a range such as 5050-5099, within 1024-65535 (got "${raw}")` });
        return z.NEVER;
      }
      return { min, max };
    }),
  COURSE_INSTANCE_HOST: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim();
      if (!value) return undefined;
      if (net.isIP(value) === 0 || value === "0.0.0.0" || value === "::") {
        ctx.addIssue({ code: "custom", message: `COURSE_INSTANCE_HOST must be this instance's own IP address as kernels and other instances reach it, such as 10.0.3.17 (got "${raw}")` });
        return z.NEVER;
      }
      return value;
    }),
  MODEL_SERVER_IDLE_MINUTES: numberVar("MODEL_SERVER_IDLE_MINUTES", 30, { min: 0.1, max: 24 * 60, accepts: "a number of minutes from 0.1 to 1440" }),
  // 0: derived from the machine (server/machine/spark-slots.ts, memory-floor.ts).
  COURSE_HELPER_SLOTS: numberVar("COURSE_HELPER_SLOTS", 0, { min: 0, max: 256, whole: true, accepts: "a whole number of Check helpers from 1 (0 or unset: one per core)" }),
  COURSE_SPARK_SLOTS: numberVar("COURSE_SPARK_SLOTS", 0, { min: 0, max: 256, whole: true, accepts: "a whole number of Spark sessions from 1 (0 or unset: from the machine's cores and memory)" }),
  COURSE_SPARK_IDLE_MINUTES: numberVar("COURSE_SPARK_IDLE_MINUTES", 10, { min: 0.1, max: 24 * 60, accepts: "a number of minutes from 0.1 to 1440" }),
  COURSE_MEMORY_FLOOR_MB: numberVar("COURSE_MEMORY_FLOOR_MB", 0, { min: 0, max: 1_048_576, whole: true, accepts: "a whole number of megabytes (0 or unset: a tenth of the machine's memory, at least 1024)" }),
  COURSE_MODE: choiceVar("COURSE_MODE", ["solo", "classroom"], "solo"),
  SPARK_MASTER: z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || undefined),
  COURSE_INSTRUCTOR_PASSWORD: z.string().optional(),
  COURSE_TRUST_PROXY: z
    .string()
    .optional()
    .transform((raw, ctx): TrustedProxies => {
      const value = (raw ?? "").trim();
      if (["", "0", "false", "no"].includes(value.toLowerCase())) return "none";
      if (["1", "true", "yes"].includes(value.toLowerCase())) return "peer";
      const addresses = value.split(",").map((part) => part.trim()).filter(Boolean);
      const bad = addresses.find((address) => net.isIP(address) === 0);
      if (bad !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `COURSE_TRUST_PROXY must be "true" (the direct peer is the course's reverse proxy) or a comma-separated list of the proxies' IP addresses (got "${bad}")`,
        });
        return z.NEVER;
      }
      return addresses;
    }),
  COURSE_PUBLIC_URL: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === "") return undefined;
      let url: URL | undefined;
      try {
        url = new URL(raw.trim());
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/" || url.search || url.hash || url.username) {
        ctx.addIssue({ code: "custom", message: `COURSE_PUBLIC_URL must be the address learners open, such as https://mlflow-course.example.edu or http://10.0.0.5:3000, without a path (got "${raw}")` });
        return z.NEVER;
      }
      return url.origin;
    }),
  COURSE_SANDBOX: choiceVar("COURSE_SANDBOX", ["auto", "on", "off"], "auto"),
  COURSE_KERNEL_FORKER: choiceVar("COURSE_KERNEL_FORKER", ["on", "off"], "on").transform((value) => value === "on"),
  COURSE_SANDBOX_MEMORY_MB: numberVar("COURSE_SANDBOX_MEMORY_MB", 3072, { min: 128, max: 1_048_576, whole: true, accepts: "a whole number of megabytes from 128" }),
  COURSE_LEARNER_DISK_MB: numberVar("COURSE_LEARNER_DISK_MB", 1024, { min: 16, max: 1_048_576, whole: true, accepts: "a whole number of megabytes from 16" }),
  COURSE_SANDBOX_MAX_PROCESSES: numberVar("COURSE_SANDBOX_MAX_PROCESSES", 1024, { min: 16, max: 100_000, whole: true, accepts: "a whole number from 16" }),
  COURSE_MLFLOW_UPLOAD_MAX_MB: numberVar("COURSE_MLFLOW_UPLOAD_MAX_MB", 100, { min: 1, max: 10_240, whole: true, accepts: "a whole number of megabytes from 1 to 10240" }),
  COURSE_SESSION_HOURS: numberVar("COURSE_SESSION_HOURS", 12, { min: 0.1, max: 24 * 30, accepts: "a number of hours from 0.1 to 720" }),
  JUPYTER_URL: httpUrl("JUPYTER_URL", "a Jupyter server or kernel gateway", ""),
  JUPYTER_TOKEN: z.string().optional(),
  JUPYTER_KERNEL_NAME: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = (raw ?? "").trim() || "python3";
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
        ctx.addIssue({ code: "custom", message: `JUPYTER_KERNEL_NAME must be a kernel spec's name such as python3 (letters, digits, ".", "_" and "-"; got "${raw}")` });
        return z.NEVER;
      }
      return value;
    }),
  COURSE_SESSION_SECRET: z
    .string()
    .optional()
    .refine((raw) => raw === undefined || raw.trim() === "" || SESSION_SECRET_PATTERN.test(raw.trim()), {
      message: "COURSE_SESSION_SECRET must be 64 hexadecimal digits (32 random bytes, e.g. from `openssl rand -hex 32`), the same on every course instance",
    })
    .transform((raw) => raw?.trim() || undefined),
  COURSE_GATE_URL: httpUrl("COURSE_GATE_URL", "the course's MLflow gate as kernels reach it, such as http://course.internal:3000/mlflow-gate", ""),
  DATABASE_URL: postgresUrl("DATABASE_URL"),
  COURSE_MLFLOW_DATABASE_URL: postgresUrl("COURSE_MLFLOW_DATABASE_URL"),
  COURSE_MLFLOW_ARTIFACTS_DIR: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw?.trim();
      if (!value) return undefined;
      if (!path.isAbsolute(value)) {
        ctx.addIssue({ code: "custom", message: `COURSE_MLFLOW_ARTIFACTS_DIR must be an absolute folder path, such as /mnt/course-artifacts (got "${raw}")` });
        return z.NEVER;
      }
      return path.normalize(value);
    }),
});

/**
 * Whose address a request comes from: "none" (the TCP peer), "peer" (the peer is the
 * course's reverse proxy: the right-most X-Forwarded-For entry), or the proxies' addresses
 * (walk X-Forwarded-For from the right past them).
 */
export type TrustedProxies = "none" | "peer" | string[];

export type CourseConfig = {
  /** Solo: one learner on this machine. Classroom: many learners, each in a private MLflow workspace. */
  mode: "solo" | "classroom";
  classroom: { instructorPassword?: string; sessionHours: number; trustedProxies: TrustedProxies };
  /** COURSE_SESSION_SECRET (hex): the key that signs sessions and gate tokens; unset, one is kept in the data folder. */
  sessionSecret?: string;
  projectRoot: string;
  dataDir: string;
  /**
   * url: where this machine opens the site. publicUrl: the address learners open
   * (COURSE_PUBLIC_URL), for links the course hands out; unset: taken from the request.
   */
  site: { host: string; port: number; url: string; publicUrl?: string };
  /** Request bodies are capped while they stream: `apiBytes` on every route, `mlflowUploadBytes` for artifact uploads through /mlflow/. */
  limits: { apiBytes: number; mlflowBytes: number; mlflowUploadBytes: number };
  mlflow: {
    /** Base URL the server side uses to reach MLflow (never sent to a browser). */
    url: string;
    /** True when MLFLOW_TRACKING_URI names an MLflow the course does not start. */
    external: boolean;
    port: number;
    workers: number;
    /** SQLite in the data folder, or PostgreSQL (COURSE_MLFLOW_DATABASE_URL): the latter lets several MLflow servers share one store. */
    backendStoreUri: string;
    /** The embedded MLflow's artifact store: in the data folder, or a shared folder (COURSE_MLFLOW_ARTIFACTS_DIR). */
    artifactsDir: string;
  };
  /**
   * Where learners' kernels run: the course's own Jupyter server (the default), or, with
   * `JUPYTER_URL`, an external one the course does not start: a Jupyter server or a kernel
   * gateway such as Jupyter Enterprise Gateway, whose kernels run elsewhere (`external`). Those
   * kernels are started by `kernelName` and reach MLflow through the gate at `gateUrl` with
   * their learner's token; `rootDir` is then only the course's own Jupyter's folder.
   */
  jupyter: { port: number; url: string; token: string | undefined; rootDir: string; external: boolean; kernelName: string; gateUrl: string };
  python: { venvDir: string; bin: string };
  cells: { timeLimitSeconds: number; outputCapBytes: number };
  /** `host`: where model servers bind and are called (this instance's address, or loopback). */
  modelServers: { portRange: { min: number; max: number }; idleMinutes: number; defaultPort: number; host: string };
  /**
   * What the machine may take on. `sparkSlots`: Spark sessions (JVMs) at once, machine-wide, the
   * learners' and the Spark Checks' (undefined: from the machine's cores and memory). `sparkIdleMinutes`:
   * a learner's session unused this long is stopped to free its slot. `memoryFloorMb`: below this
   * much available memory no kernel, model server or JVM is started (undefined: from the machine).
   * `helperSlots`: Check helpers that load a learner's model in Python at once, machine-wide
   * (undefined: one per core); the others wait their turn, which does not count against their time limit.
   */
  capacity: { sparkSlots?: number; sparkIdleMinutes: number; memoryFloorMb?: number; helperSlots?: number };
  /** SPARK_MASTER: the class's Spark cluster (undefined: local mode). The Spark Check uses it, and kernels that can reach it (not in the sandbox). */
  sparkMaster?: string;
  runDir: string;
  /**
   * Learner code in a bubblewrap sandbox: kernels, model servers and the Checks' helpers run
   * as an unprivileged user with a private filesystem and network, and reach MLflow only
   * through the gate (`/mlflow-gate/`, per-learner tokens) over `gateSocket`. `requested` is
   * COURSE_SANDBOX; `enabled` is what the course runs with, valid once `decided`: the supervisor
   * probes the machine (server/sandbox/sandbox-choice.ts) and hands the site its decision in the
   * run folder; a site started alone makes the same decision itself. Nothing starts a learner's
   * process on an undecided configuration.
   * `kernelForker` (COURSE_KERNEL_FORKER): sandboxed kernels are forks of one process that holds
   * the course's imports (python/kernel_forker.py; as root only).
   */
  sandbox: { requested: "auto" | "on" | "off"; enabled: boolean; decided: boolean; dir: string; gateSocket: string; uid: number; gid: number; mlflowPortInside: number; memoryMb: number; maxProcesses: number; diskMb: number; kernelForker: boolean };
  /** PostgreSQL URL of the progress store (`DATABASE_URL`); unset: SQLite under the data folder. */
  databaseUrl?: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Where a browser on this machine opens a site listening on `host` (a wildcard address is not one to open). */
export function browserHostFor(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "localhost" : host;
}

/**
 * The course's configuration from `env`. `projectRoot` is where the course's code is (the site and
 * the supervisor run there; tests name it).
 */
export function loadConfig(env: Env = process.env, { projectRoot: root = process.cwd() }: { projectRoot?: string } = {}): CourseConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const e = parsed.data;
  // The paths below are run-time locations, not build inputs: keep the bundler's file tracer off them.
  const projectRoot = path.resolve(/* turbopackIgnore: true */ root);
  const dataDir = path.resolve(/* turbopackIgnore: true */ projectRoot, e.COURSE_DATA_DIR?.trim() || ".data");
  const host = e.HOST?.trim() || "127.0.0.1";
  const browserHost = browserHostFor(host);
  const venvDir = path.join(/* turbopackIgnore: true */ projectRoot, ".venv");
  return {
    mode: e.COURSE_MODE,
    classroom: { instructorPassword: e.COURSE_INSTRUCTOR_PASSWORD || undefined, sessionHours: e.COURSE_SESSION_HOURS, trustedProxies: e.COURSE_TRUST_PROXY },
    ...(e.COURSE_SESSION_SECRET ? { sessionSecret: e.COURSE_SESSION_SECRET } : {}),
    projectRoot,
    dataDir,
    site: { host, port: e.PORT, url: `http://${browserHost}:${e.PORT}`, ...(e.COURSE_PUBLIC_URL ? { publicUrl: e.COURSE_PUBLIC_URL } : {}) },
    limits: { apiBytes: 1_000_000, mlflowBytes: 10_000_000, mlflowUploadBytes: e.COURSE_MLFLOW_UPLOAD_MAX_MB * 1_000_000 },
    mlflow: {
      url: e.MLFLOW_TRACKING_URI ?? `http://127.0.0.1:${e.MLFLOW_PORT}`,
      external: e.MLFLOW_TRACKING_URI !== undefined,
      port: e.MLFLOW_PORT,
      workers: e.MLFLOW_WORKERS,
      backendStoreUri: e.COURSE_MLFLOW_DATABASE_URL ?? `sqlite:///${path.join(/* turbopackIgnore: true */ dataDir, "mlflow", "mlflow.db")}`,
      artifactsDir: e.COURSE_MLFLOW_ARTIFACTS_DIR ?? path.join(/* turbopackIgnore: true */ dataDir, "mlflow", "artifacts"),
    },
    jupyter: {
      port: e.JUPYTER_PORT,
      url: e.JUPYTER_URL ?? `http://127.0.0.1:${e.JUPYTER_PORT}`,
      // The course's own Jupyter gets a token per start, from the supervisor (run-handoff.ts).
      token: e.JUPYTER_URL ? e.JUPYTER_TOKEN : undefined,
      external: e.JUPYTER_URL !== undefined,
      kernelName: e.JUPYTER_KERNEL_NAME,
      gateUrl: `${e.COURSE_GATE_URL ?? e.COURSE_PUBLIC_URL ?? `http://${browserHost}:${e.PORT}`}`.replace(/\/+$/, "") + (e.COURSE_GATE_URL ? "" : "/mlflow-gate"),
      rootDir: path.join(/* turbopackIgnore: true */ dataDir, "learners"),
    },
    python: { venvDir, bin: path.join(/* turbopackIgnore: true */ venvDir, "bin") },
    cells: { timeLimitSeconds: e.CELL_TIME_LIMIT_SECONDS, outputCapBytes: 1_000_000 },
    modelServers: { portRange: e.MODEL_SERVER_PORTS, idleMinutes: e.MODEL_SERVER_IDLE_MINUTES, defaultPort: e.MODEL_SERVER_PORTS.min, host: e.COURSE_INSTANCE_HOST ?? "127.0.0.1" },
    capacity: {
      ...(e.COURSE_SPARK_SLOTS > 0 ? { sparkSlots: e.COURSE_SPARK_SLOTS } : {}),
      ...(e.COURSE_HELPER_SLOTS > 0 ? { helperSlots: e.COURSE_HELPER_SLOTS } : {}),
      sparkIdleMinutes: e.COURSE_SPARK_IDLE_MINUTES,
      ...(e.COURSE_MEMORY_FLOOR_MB > 0 ? { memoryFloorMb: e.COURSE_MEMORY_FLOOR_MB } : {}),
    },
    ...(e.SPARK_MASTER ? { sparkMaster: e.SPARK_MASTER } : {}),
    runDir: path.join(/* turbopackIgnore: true */ dataDir, "run"),
    sandbox: {
      requested: e.COURSE_SANDBOX,
      // "off" needs no probe; "on" and "auto" are decided at start (sandbox-choice.ts).
      enabled: false,
      decided: e.COURSE_SANDBOX === "off",
      dir: path.join(/* turbopackIgnore: true */ dataDir, "run", "sandbox"),
      gateSocket: path.join(/* turbopackIgnore: true */ dataDir, "run", "gate", "mlflow-gate.sock"),
      // nobody:nogroup: learner code never runs as the course's user (when the course runs as root).
      uid: 65534,
      gid: 65534,
      mlflowPortInside: 5000,
      memoryMb: e.COURSE_SANDBOX_MEMORY_MB,
      maxProcesses: e.COURSE_SANDBOX_MAX_PROCESSES,
      diskMb: e.COURSE_LEARNER_DISK_MB,
      kernelForker: e.COURSE_KERNEL_FORKER,
    },
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
  };
}

/** Which environment variable moves each port: named in every port error. */
export const PORT_VARIABLES = {
  site: "PORT",
  mlflow: "MLFLOW_PORT",
  jupyter: "JUPYTER_PORT",
} as const;

/**
 * The kernel's own cap on a cell's printed output (python/course_kernel.py): a little over what
 * the app shows, so the app still says the output was cut, while a cell printing in a loop stops
 * costing the Jupyter server every learner shares.
 */
export function kernelOutputCapBytes(config: CourseConfig): number {
  return config.cells.outputCapBytes + 64 * 1024;
}

/** What the grader's command line (`npm run check`) needs, read with the same rules as the course's. */
export type GraderSettings = { mlflowUrl: string; mlflowExternal: boolean; siteUrl: string };

const graderEnvSchema = envSchema.pick({ MLFLOW_TRACKING_URI: true, MLFLOW_PORT: true, PORT: true, HOST: true });

/**
 * The command line grades MLflow's state only, so it reads only the variables it uses: a bad
 * DATABASE_URL, say, is no reason to refuse to grade.
 */
export function loadGraderSettings(env: Env = process.env): GraderSettings {
  const parsed = graderEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  const e = parsed.data;
  return {
    mlflowUrl: e.MLFLOW_TRACKING_URI ?? `http://127.0.0.1:${e.MLFLOW_PORT}`,
    mlflowExternal: e.MLFLOW_TRACKING_URI !== undefined,
    siteUrl: `http://${browserHostFor(e.HOST?.trim() || "127.0.0.1")}:${e.PORT}`,
  };
}

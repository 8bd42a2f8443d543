import path from "node:path";
import { AppError } from "../errors/app-error";
import type { LaunchCommand, ProcessSpec } from "@/grader/process-launch";
import { isPortFree } from "../net/free-port";
import { openSocketBridge, type SocketBridge } from "../net/socket-bridge";
import { groupAlive, startProcessGroup, type RunningProcess } from "../supervisor/process-group";
import type { Env } from "../config/config";
import { parseModelUri } from "./model-uri";
import { resolveModelVersion } from "./resolve-model";

export type ModelServerState = "starting" | "ready" | "failed" | "stopped";

export type ModelServerStatus = {
  state: ModelServerState;
  modelUri: string;
  port: number;
  version?: string;
  /** The command as a learner would type it. */
  command: string;
  url: string;
  startedAt: number;
  readyAt?: number;
  /** Why it failed, in plain words. */
  reason?: string;
  log: string[];
};

export type ManagerOptions = {
  pythonBin: string;
  mlflowUrl: string;
  baseEnv: Env;
  portRange: { min: number; max: number };
  idleTimeoutMs: number;
  readyTimeoutMs: number;
  /** Working folder of each learner's server. */
  workdirFor: (learnerId: string) => string;
  /**
   * Servers run in their learner's sandbox (network namespace shared with the learner's kernel):
   * the command that starts one there, and the unix socket through which the course reaches it.
   * Ports are then the learner's own: no learner's server can take another's.
   */
  sandbox?: { command(learnerId: string, spec: ProcessSpec, port: number): LaunchCommand; socketFor(learnerId: string): string };
};

type Entry = ModelServerStatus & {
  process?: RunningProcess;
  lastUsed: number;
  /** Where the course itself calls the server (a bridge to its sandbox, or `url`). */
  reachAt: string;
  bridge?: SocketBridge;
};

const LOG_LINES = 400;

/**
 * One `mlflow models serve` per learner, started and stopped on request,
 * replaced when started again, stopped when idle and when the app stops.
 */
export class ModelServerManager {
  private readonly servers = new Map<string, Entry>();
  private readonly idleTimer: NodeJS.Timeout;

  constructor(private readonly options: ManagerOptions) {
    this.idleTimer = setInterval(() => this.stopIdle(), 30_000);
    this.idleTimer.unref();
  }

  status(learnerId: string): ModelServerStatus | null {
    const entry = this.servers.get(learnerId);
    if (!entry) return null;
    const { process: _process, lastUsed: _lastUsed, reachAt: _reachAt, bridge: _bridge, ...status } = entry;
    return { ...status, log: [...status.log] };
  }

  /** The URL of the learner's server while it is ready (for the playground and the grader). */
  readyUrl(learnerId: string): string | null {
    const entry = this.servers.get(learnerId);
    return entry?.state === "ready" ? entry.reachAt : null;
  }

  /** The lowest port of the range no learner's server holds. */
  unusedPort(): number | null {
    const used = new Set([...this.servers.values()].filter((entry) => entry.state === "starting" || entry.state === "ready").map((entry) => entry.port));
    for (let port = this.options.portRange.min; port <= this.options.portRange.max; port++) if (!used.has(port)) return port;
    return null;
  }

  touch(learnerId: string) {
    const entry = this.servers.get(learnerId);
    if (entry) entry.lastUsed = Date.now();
  }

  async start(learnerId: string, modelUri: string, port: number, extraEnv: Env = {}): Promise<ModelServerStatus> {
    const uri = parseModelUri(modelUri);
    if (!uri) throw new AppError("bad_request", `"${modelUri}" is not a model URI the course can serve: use models:/IrisModel/Staging, models:/IrisModel/3 or models:/IrisModel@staging.`);
    const { min, max } = this.options.portRange;
    if (!Number.isInteger(port) || port < min || port > max) {
      throw new AppError("bad_request", `Port ${port} is outside the range the course allows for model servers (${min}-${max}).`);
    }
    // Starting again replaces the learner's running server (and frees its port).
    await this.stop(learnerId);
    const sandbox = this.options.sandbox;
    const takenByOther = [...this.servers.entries()].find(([other, entry]) => other !== learnerId && entry.port === port && entry.state !== "stopped" && entry.state !== "failed");
    if (!sandbox && (takenByOther || !(await isPortFree(port)))) {
      throw new AppError("conflict", `Port ${port} is in use by another program; choose another port between ${min} and ${max}.`);
    }
    const version = await resolveModelVersion(this.options.mlflowUrl, uri, extraEnv.MLFLOW_WORKSPACE ? { "X-MLFLOW-WORKSPACE": extraEnv.MLFLOW_WORKSPACE } : {});

    const args = ["models", "serve", "-m", modelUri.trim(), "-p", String(port), "--host", "127.0.0.1", "--env-manager", "local"];
    const entry: Entry = {
      state: "starting",
      modelUri: modelUri.trim(),
      port,
      version,
      command: `MLFLOW_TRACKING_URI=${this.options.mlflowUrl} mlflow models serve -m ${modelUri.trim()} -p ${port} --env-manager local`,
      url: `http://127.0.0.1:${port}`,
      startedAt: Date.now(),
      log: [`$ mlflow ${args.join(" ")}`],
      lastUsed: Date.now(),
      reachAt: `http://127.0.0.1:${port}`,
    };
    this.servers.set(learnerId, entry);
    const bin = path.dirname(this.options.pythonBin);
    const workdir = this.options.workdirFor(learnerId);
    const spec = {
      command: path.join(bin, "mlflow"),
      args,
      cwd: workdir,
      env: {
        ...this.options.baseEnv,
        ...extraEnv,
        // The scoring server is started as `uvicorn` from the virtualenv.
        PATH: `${bin}${path.delimiter}${this.options.baseEnv.PATH ?? ""}`,
        MLFLOW_TRACKING_URI: this.options.mlflowUrl,
        PYTHONUNBUFFERED: "1",
        MLFLOW_DISABLE_TELEMETRY: "true",
      },
    };
    if (sandbox) {
      entry.bridge = await openSocketBridge(sandbox.socketFor(learnerId));
      entry.reachAt = entry.bridge.url;
    }
    entry.process = startProcessGroup(
      sandbox ? sandbox.command(learnerId, { ...spec, writable: [workdir], readOnlyFiles: [] }, port) : spec,
      (line) => {
        entry.log.push(line);
        if (entry.log.length > LOG_LINES) entry.log.splice(0, entry.log.length - LOG_LINES);
      },
    );
    void entry.process.exited.then((exit) => {
      entry.process?.killGroup();
      entry.bridge?.close();
      if (entry.state === "stopped") return;
      entry.state = "failed";
      entry.reason = explainExit(entry.log, exit.code, port) ?? `The scoring server stopped (exit code ${exit.code ?? exit.signal}).`;
    });
    void this.waitReady(entry);
    return this.status(learnerId)!;
  }

  async stop(learnerId: string): Promise<boolean> {
    const entry = this.servers.get(learnerId);
    if (!entry?.process) return false;
    const running = entry.state === "starting" || entry.state === "ready";
    entry.state = "stopped";
    entry.log.push("Stopped.");
    await entry.process.stop(3000);
    entry.process = undefined;
    entry.bridge?.close();
    return running;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((learnerId) => this.stop(learnerId)));
  }

  /** Synchronous last resort when the app exits: no scoring server may outlive it. */
  killAllNow() {
    for (const entry of this.servers.values()) {
      if (entry.process && groupAlive(entry.process.pid)) entry.process.killGroup();
    }
  }

  dispose() {
    clearInterval(this.idleTimer);
  }

  private async waitReady(entry: Entry) {
    const deadline = entry.startedAt + this.options.readyTimeoutMs;
    while (entry.state === "starting" && Date.now() < deadline) {
      const ok = await fetch(`${entry.reachAt}/ping`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok && entry.state === "starting") {
        entry.state = "ready";
        entry.readyAt = Date.now();
        entry.log.push(`Ready: POST ${entry.url}/invocations`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    if (entry.state === "starting") {
      entry.state = "failed";
      entry.reason = `The scoring server did not answer /ping within ${Math.round(this.options.readyTimeoutMs / 1000)} s, so the course stopped it.`;
      await entry.process?.stop(2000);
    }
  }

  private stopIdle() {
    const now = Date.now();
    for (const [learnerId, entry] of this.servers) {
      if ((entry.state === "ready" || entry.state === "starting") && now - entry.lastUsed > this.options.idleTimeoutMs) {
        void this.stop(learnerId).then(() => entry.log.push(`Stopped after ${Math.round(this.options.idleTimeoutMs / 60_000)} minutes without requests.`));
      }
    }
  }
}

/** Plain words for the ways `mlflow models serve` commonly fails. */
export function explainExit(log: string[], code: number | null, port: number): string | null {
  const text = log.join("\n");
  if (/address already in use|Errno 98/i.test(text)) return `Port ${port} is in use; choose another port.`;
  const missing = /RESOURCE_DOES_NOT_EXIST: ([^\n]+)/.exec(text);
  if (missing) return `MLflow could not find the model: ${missing[1]}`;
  if (/ModuleNotFoundError: No module named '([^']+)'/.exec(text)) {
    return `The model needs the Python package ${/No module named '([^']+)'/.exec(text)![1]}, which the course does not have installed.`;
  }
  if (code === 127) return "The scoring server program (uvicorn) was not found in the course's Python environment.";
  return null;
}

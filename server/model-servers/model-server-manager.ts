import crypto from "node:crypto";
import { parseModelUri } from "@/contracts/model-uri";
import type { ModelServerStatus } from "@/contracts/model-server";
import { AppError } from "../errors/app-error";
import { helperProcessEnv } from "@/lib/process/child-env";
import type { LaunchCommand, ProcessSpec } from "@/lib/process/launch";
import { spawnGroup, type ProcessGroup } from "@/lib/process/process-group";
import { waitUntil } from "@/lib/process/wait-until";
import { isPortFree } from "../net/free-port";
import { openSocketBridge, type SocketBridge } from "../net/socket-bridge";
import type { Env } from "../config/config";
import { resolveModelVersion } from "./resolve-model";
import { isLive, memoryServerDirectory, type ServerDirectory, type ServerRecord } from "../store/model-servers";

export type ManagerOptions = {
  pythonBin: string;
  /** python/course_scoring_server.py: MLflow's scoring server for one model, in one process. */
  scoringServer: string;
  mlflowUrl: string;
  baseEnv: Env;
  portRange: { min: number; max: number };
  idleTimeoutMs: number;
  readyTimeoutMs: number;
  /** Working folder of each learner's server. */
  workdirFor: (learnerId: string) => string;
  /** Which instance runs each learner's server: the store when several instances share a class. */
  directory?: ServerDirectory;
  /** How often this instance heartbeats its servers, and when others call a silent one's servers gone. */
  timing?: { heartbeatMs: number; staleAfterMs: number };
  /** How a server is started: the course's launcher, for the learner. */
  launching: ModelServerLaunching;
  /**
   * Solo mode: the learner owns the machine. A server in the learner's own network (the sandbox)
   * also answers on this machine's loopback at its port, the address the Serve panel shows (curl,
   * a test, the command-line Check reach it). In a class no learner's server takes a port of the
   * machine, and a server on a shared address (no sandbox: every multi-host setup) answers only
   * under a private path of its own, which only its learner's kernel and the course are told.
   */
  soloLearner?: boolean;
};

/**
 * How the course's launcher starts a learner's server. `host`: the address servers bind and are
 * called at (loopback on one machine; this instance's own address, COURSE_INSTANCE_HOST, when kernels
 * and other instances run on other hosts; loopback inside a learner's own network). `socketFor`: the
 * unix socket through which the course reaches a server in the learner's own network, else null.
 * `ownPorts`: each learner's ports are their own, so no learner's server can take another's.
 */
export type ModelServerLaunching = {
  host: string;
  ownPorts: boolean;
  command(learnerId: string, spec: ProcessSpec, port: number): LaunchCommand;
  socketFor(learnerId: string): string | null;
};

/** A server this instance runs. */
type Entry = ModelServerStatus & {
  learnerId: string;
  process?: ProcessGroup;
  lastUsed: number;
  /** Where the course itself calls the server (a bridge to its sandbox, or `url`). */
  reachAt: string;
  bridge?: SocketBridge;
  logFlush?: NodeJS.Timeout;
};

const LOG_LINES = 400;
/** How often an instance tells the others it still runs its servers, and looks for stops they asked; a server whose instance has been silent for `staleAfterMs` went down with it. */
const TIMING = { heartbeatMs: 5_000, staleAfterMs: 20_000 };
/** A playground call from another instance counts as use at most this often (one write). */
const TOUCH_WRITE_MS = 15_000;

/**
 * One model server per learner (MLflow's scoring server, the app of `mlflow models serve`, run by
 * python/course_scoring_server.py without the `mlflow` command as its parent), started and
 * stopped on request, replaced when started again, stopped when idle and when the app stops. Any course instance may be asked about any
 * learner's server: the directory says which instance runs it and where it answers; the owner
 * stops it when another instance recorded a stop or a newer start.
 */
export class ModelServerManager {
  private readonly servers = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;
  private readonly directory: ServerDirectory;
  private readonly touchedAt = new Map<string, number>();
  private readonly timing: { heartbeatMs: number; staleAfterMs: number };
  readonly instanceId = crypto.randomUUID();

  constructor(private readonly options: ManagerOptions) {
    this.directory = options.directory ?? memoryServerDirectory();
    this.timing = options.timing ?? TIMING;
    this.timer = setInterval(() => void this.reconcile().catch(() => undefined), this.timing.heartbeatMs);
    this.timer.unref();
  }

  private get host() {
    return this.options.launching.host;
  }

  async status(learnerId: string): Promise<ModelServerStatus | null> {
    return (await this.current(learnerId))?.status ?? null;
  }

  /** The URL of the learner's server while it is ready (for the playground and the grader). */
  async readyUrl(learnerId: string): Promise<string | null> {
    const current = await this.current(learnerId);
    return current?.status.state === "ready" ? current.reachUrl : null;
  }

  /** The lowest port of the range no server on this instance's address holds. */
  async unusedPort(): Promise<number | null> {
    const used = await this.portsInUse();
    for (let port = this.options.portRange.min; port <= this.options.portRange.max; port++) if (!used.has(port)) return port;
    return null;
  }

  touch(learnerId: string) {
    const now = Date.now();
    const entry = this.servers.get(learnerId);
    if (entry) entry.lastUsed = now;
    if (now - (this.touchedAt.get(learnerId) ?? 0) < TOUCH_WRITE_MS) return;
    this.touchedAt.set(learnerId, now);
    void this.directory.touch(learnerId, now).catch(() => undefined);
  }

  async start(learnerId: string, modelUri: string, port: number, extraEnv: Env = {}): Promise<ModelServerStatus> {
    const uri = parseModelUri(modelUri);
    if (!uri) throw new AppError("bad_request", `"${modelUri}" is not a model URI the course can serve: use models:/IrisModel/Staging, models:/IrisModel/3 or models:/IrisModel@staging.`);
    const { min, max } = this.options.portRange;
    if (!Number.isInteger(port) || port < min || port > max) {
      throw new AppError("bad_request", `Port ${port} is outside the range the course allows for model servers (${min}-${max}).`);
    }
    const launching = this.options.launching;
    const socket = launching.socketFor(learnerId);
    const solo = this.options.soloLearner === true;
    const published = socket !== null && solo;
    // Refused before the running server is replaced, which may hold this very port (then it is free once stopped).
    if (published && this.servers.get(learnerId)?.port !== port && !(await isPortFree(port, MACHINE_LOOPBACK))) throw portTakenOnMachine(port, this.options.portRange);
    // Starting again replaces the learner's running server (and frees its port).
    await this.stop(learnerId);
    if (!launching.ownPorts && ((await this.portsInUse()).has(port) || !(await isPortFree(port, this.host)))) {
      throw new AppError("conflict", `Port ${port} is in use by another program; choose another port between ${min} and ${max}.`);
    }
    const version = await resolveModelVersion(this.options.mlflowUrl, uri, extraEnv.MLFLOW_WORKSPACE);

    const host = this.host;
    // 144 random bits: the server's address is its learner's alone, as the gate's token is.
    const privatePath = socket === null && !solo ? `/s/${crypto.randomBytes(18).toString("base64url")}` : "";
    const url = `http://${urlHost(host)}:${port}${privatePath}`;
    // What the learner would type; the course runs the same scoring server without the command's process.
    const taught = ["models", "serve", "-m", modelUri.trim(), "-p", String(port), "--host", host, "--env-manager", "local"];
    const now = Date.now();
    const entry: Entry = {
      learnerId,
      state: "starting",
      modelUri: modelUri.trim(),
      port,
      version,
      command: `MLFLOW_TRACKING_URI=${this.options.mlflowUrl} mlflow models serve -m ${modelUri.trim()} -p ${port} --env-manager local`,
      url,
      startedAt: now,
      log: [`$ mlflow ${taught.join(" ")}`],
      lastUsed: now,
      reachAt: url,
    };
    if (socket) {
      // Another program may have taken the port since the check above.
      entry.bridge = await openSocketBridge(socket, published ? port : 0).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "EADDRINUSE" ? portTakenOnMachine(port, this.options.portRange) : error;
      });
      entry.reachAt = entry.bridge.url;
    }
    this.servers.set(learnerId, entry);
    await this.directory.put(this.recordOf(entry));
    const spec = this.scoringServerSpec(learnerId, modelUri.trim(), port, { workspace: extraEnv.MLFLOW_WORKSPACE, privatePath });
    entry.process = spawnGroup(launching.command(learnerId, spec, port), {
      // A site that dies alone (a crash, the out-of-memory killer, a SIGKILL) takes its servers with it.
      endsWithThisProcess: true,
      onLine: (line) => {
        entry.log.push(line);
        if (entry.log.length > LOG_LINES) entry.log.splice(0, entry.log.length - LOG_LINES);
        this.publishLogSoon(entry);
      },
    });
    void entry.process.exited.then((exit) => {
      entry.process?.kill();
      entry.bridge?.close();
      if (entry.state === "stopped") return;
      entry.state = "failed";
      entry.reason = explainExit(entry.log, exit.code, port) ?? `The scoring server stopped (exit code ${exit.code ?? exit.signal}).`;
      void this.publish(entry);
    });
    void this.waitReady(entry);
    return this.snapshot(entry);
  }

  private scoringServerSpec(learnerId: string, modelUri: string, port: number, { workspace, privatePath }: { workspace?: string; privatePath: string }): ProcessSpec {
    const { pythonBin, scoringServer, baseEnv, mlflowUrl } = this.options;
    const workdir = this.options.workdirFor(learnerId);
    return {
      command: pythonBin,
      args: [scoringServer, "--model-uri", modelUri, "--port", String(port), "--host", this.host],
      cwd: workdir,
      // The course's one policy for its helpers' environment (the virtualenv first on PATH, as for
      // the `mlflow` command this stands in for); the private path only where there is one.
      env: {
        ...helperProcessEnv({ pythonBin, trackingUri: mlflowUrl, workspace, baseEnv }),
        ...(privatePath ? { COURSE_SCORING_PATH: privatePath } : {}),
      },
      writable: [workdir],
      readOnlyFiles: [scoringServer],
    };
  }

  /** Stops the learner's server, on whichever instance runs it; false when none was running. */
  async stop(learnerId: string, why = "Stopped."): Promise<boolean> {
    const stoppedHere = await this.stopHere(learnerId, why);
    const stoppedElsewhere = await this.directory.markStopped(learnerId, why);
    return stoppedHere || stoppedElsewhere;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((learnerId) => this.stop(learnerId)));
  }

  /**
   * A former process of this site (`instanceId`, read from the run folder at start) died without
   * stopping its servers, which ended with it (their parent-death signal): its records, still
   * "ready", are marked stopped so that the Serve panel says what happened and the ports are free.
   */
  async endFormerInstance(instanceId: string): Promise<number> {
    const orphaned = (await this.directory.live()).filter((record) => record.instanceId === instanceId);
    for (const record of orphaned) await this.directory.markStopped(record.learnerId, SITE_RESTARTED);
    return orphaned.length;
  }

  /** Synchronous last resort when the app exits: no scoring server may outlive it. */
  killAllNow() {
    for (const entry of this.servers.values()) {
      if (entry.process?.alive()) entry.process.kill();
    }
  }

  dispose() {
    clearInterval(this.timer);
  }

  /** The learner's server as this instance runs it, or as the directory tells of it. */
  private async current(learnerId: string): Promise<{ status: ModelServerStatus; reachUrl: string } | null> {
    const record = await this.directory.get(learnerId);
    const entry = this.servers.get(learnerId);
    // This instance's own server is as its process says, unless another instance recorded a stop it has not yet carried out.
    const stoppedElsewhere = entry && record?.startedAt === entry.startedAt && record.state === "stopped" && isLive(entry.state);
    if (entry && (!record || record.instanceId === this.instanceId) && !stoppedElsewhere) return { status: this.snapshot(entry), reachUrl: entry.reachAt };
    if (!record) return null;
    const { learnerId: _learner, instanceId: _instance, reachUrl, lastUsedMs: _used, heartbeatMs, ...status } = record;
    if (isLive(status.state) && Date.now() - heartbeatMs > this.timing.staleAfterMs) {
      return {
        reachUrl,
        status: { ...status, state: "failed", reason: "The course instance that ran your model server has stopped, and the server with it. Start it again: any instance will run it." },
      };
    }
    return { status, reachUrl };
  }

  private async portsInUse(): Promise<Set<number>> {
    const url = (port: number) => `http://${urlHost(this.host)}:${port}`;
    const live = await this.directory.live();
    const now = Date.now();
    const elsewhere = live.filter((record) => now - record.heartbeatMs <= this.timing.staleAfterMs && new URL(record.url).origin === new URL(url(record.port)).origin).map((record) => record.port);
    const here = [...this.servers.values()].filter((entry) => isLive(entry.state)).map((entry) => entry.port);
    return new Set([...elsewhere, ...here]);
  }

  private async stopHere(learnerId: string, why: string): Promise<boolean> {
    const entry = this.servers.get(learnerId);
    if (!entry?.process) return false;
    const running = isLive(entry.state);
    entry.state = "stopped";
    entry.log.push(why);
    const stopping = entry.process.stop(3000);
    entry.process = undefined;
    await this.publish(entry);
    await stopping;
    entry.bridge?.close();
    return running;
  }

  /**
   * What the other instances asked of this one's servers: one started again elsewhere or stopped
   * there is stopped here; one unused for the idle time is stopped. The rest get a heartbeat.
   */
  private async reconcile() {
    const now = Date.now();
    for (const [learnerId, entry] of this.servers) {
      if (!isLive(entry.state)) continue;
      const record = await this.directory.get(learnerId);
      if (!record || record.instanceId !== this.instanceId || record.startedAt !== entry.startedAt || !isLive(record.state)) {
        // Its record is no longer this start's (stopped or started again elsewhere): stopHere's publish is refused, as it should be.
        await this.stopHere(learnerId, "Stopped from another course instance.");
        continue;
      }
      if (now - Math.max(entry.lastUsed, record.lastUsedMs) > this.options.idleTimeoutMs) {
        await this.stop(learnerId, `Stopped after ${Math.round(this.options.idleTimeoutMs / 60_000)} minutes without requests.`);
      }
    }
    await this.directory.heartbeat(this.instanceId, now);
  }

  private recordOf(entry: Entry): ServerRecord {
    return {
      learnerId: entry.learnerId,
      instanceId: this.instanceId,
      state: entry.state,
      modelUri: entry.modelUri,
      port: entry.port,
      ...(entry.version ? { version: entry.version } : {}),
      command: entry.command,
      url: entry.url,
      reachUrl: entry.reachAt,
      startedAt: entry.startedAt,
      ...(entry.readyAt ? { readyAt: entry.readyAt } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
      log: [...entry.log],
      lastUsedMs: entry.lastUsed,
      heartbeatMs: Date.now(),
    };
  }

  private snapshot(entry: Entry): ModelServerStatus {
    const { learnerId: _learner, process: _process, lastUsed: _lastUsed, reachAt: _reachAt, bridge: _bridge, logFlush: _flush, ...status } = entry;
    return { ...status, log: [...status.log] };
  }

  /** Tells the other instances how the server is doing (only while the record is still this start's, and live). */
  private async publish(entry: Entry) {
    clearTimeout(entry.logFlush);
    entry.logFlush = undefined;
    // Never over a stop or a newer start recorded by another instance: the heartbeat carries those out.
    await this.directory
      .update(entry.learnerId, this.instanceId, entry.startedAt, {
        state: entry.state,
        log: [...entry.log],
        ...(entry.readyAt ? { readyAt: entry.readyAt } : {}),
        ...(entry.reason ? { reason: entry.reason } : {}),
        heartbeatMs: Date.now(),
      })
      .catch(() => false);
  }

  private publishLogSoon(entry: Entry) {
    entry.logFlush ??= setTimeout(() => void this.publish(entry), 1000);
  }

  private async waitReady(entry: Entry) {
    // Only while this start is still starting: a stop, an exit or a newer start ends the wait.
    const ready = await waitUntil(
      () => entry.state !== "starting" || fetch(`${entry.reachAt}/ping`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok),
      // Often: a forked server answers within a second of its start.
      { timeoutMs: entry.startedAt + this.options.readyTimeoutMs - Date.now(), intervalMs: 100 },
    ).catch(() => false);
    if (ready && entry.state === "starting") {
      entry.state = "ready";
      entry.readyAt = Date.now();
      entry.log.push(`Ready: POST ${entry.url}/invocations`);
      await this.publish(entry);
      return;
    }
    if (entry.state === "starting") {
      entry.state = "failed";
      entry.reason = `The scoring server did not answer /ping within ${Math.round(this.options.readyTimeoutMs / 1000)} s, so the course stopped it.`;
      await this.publish(entry);
      await entry.process?.stop(2000);
    }
  }
}

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

const MACHINE_LOOPBACK = "127.0.0.1";

export const SITE_RESTARTED = "The course site restarted, and your model server stopped with it. Press Start to serve the model again.";

function portTakenOnMachine(port: number, range: { min: number; max: number }) {
  return new AppError(
    "conflict",
    `Port ${port} of this machine is in use by another program, and your model server must answer there (at http://${MACHINE_LOOPBACK}:${port}). Choose another port between ${range.min} and ${range.max}, or stop the program that holds it.`,
  );
}

/** Plain words for the ways MLflow's scoring server commonly fails to start. */
export function explainExit(log: string[], code: number | null, port: number): string | null {
  const text = log.join("\n");
  if (/address already in use|Errno 98/i.test(text)) return `Port ${port} is in use; choose another port.`;
  const missing = /RESOURCE_DOES_NOT_EXIST: ([^\n]+)/.exec(text);
  if (missing) return `MLflow could not find the model: ${missing[1]}`;
  if (/ModuleNotFoundError: No module named '([^']+)'/.exec(text)) {
    return `The model needs the Python package ${/No module named '([^']+)'/.exec(text)![1]}, which the course does not have installed.`;
  }
  if (code === 127) return "The course's Python environment, which runs the scoring server, was not found.";
  return null;
}

import fs from "node:fs";
import path from "node:path";
import type { InvocationResult, ServerView } from "@/contracts/model-server";
import type { CourseConfig } from "../config/config";
import { AppError } from "../errors/app-error";
import type { MemoryFloor } from "../machine/memory";
import type { ModelServerManager } from "../model-servers/model-server-manager";

const PROTOCOL_CHANGE =
  "This is the body from the old tutorial. Since MLflow 2.0 the scoring server wants exactly one of " +
  "`inputs`, `dataframe_split`, `dataframe_records` or `instances` at the top level; `data` alone is refused. " +
  "Load the `inputs` or `dataframe_split` example instead.";

/** What a learner's model server needs of the course. */
export type LearnerModelServerDeps = {
  config: CourseConfig;
  servers: ModelServerManager;
  /** What the lessons' port is to this learner (lessons-port.ts). */
  lessonsPort: { learnersOwn: boolean; courseReaches: boolean };
  /** Tells the learner's kernel where the server now is (MODEL_SERVER_URL). */
  announce: () => Promise<void>;
  memory: MemoryFloor;
};

/** What a scoring server is reckoned to take when the course decides whether another may start. */
const MODEL_SERVER_MB = 200;

/** The learner's Serve-panel model server (MLflow's scoring server): one at a time, on whichever course instance runs it. */
export class LearnerModelServer {
  constructor(
    private readonly learnerId: string,
    private readonly deps: LearnerModelServerDeps,
  ) {}

  async view(): Promise<ServerView> {
    const { servers, config } = this.deps;
    const status = await servers.status(this.learnerId);
    if (status) return { exists: true, ...status };
    // Where ports are shared by a class, each learner is offered one nobody holds; otherwise the lessons' port.
    const defaultPort = this.deps.lessonsPort.learnersOwn ? config.modelServers.defaultPort : ((await servers.unusedPort()) ?? config.modelServers.defaultPort);
    return { exists: false, defaultPort, portRange: config.modelServers.portRange };
  }

  async start(modelUri: string, port: number, workspace: string | undefined): Promise<ServerView> {
    this.deps.memory.assertRoomFor("your model server", MODEL_SERVER_MB);
    fs.mkdirSync(path.join(this.deps.config.jupyter.rootDir, this.learnerId), { recursive: true });
    const status = await this.deps.servers.start(this.learnerId, modelUri, port, workspace ? { MLFLOW_WORKSPACE: workspace } : {});
    // The serving lesson's cells call the server the panel started, on whatever port the learner chose.
    void this.deps.announce();
    return { exists: true, ...status };
  }

  async stop(): Promise<ServerView> {
    const stopped = await this.deps.servers.stop(this.learnerId);
    if (!stopped) throw new AppError("conflict", "You have no model server running.");
    return this.view();
  }

  /** Stops it if it runs (a reset, a learner removed); never throws. */
  async end(why?: string): Promise<void> {
    await this.deps.servers.stop(this.learnerId, why).catch(() => false);
  }

  /**
   * Where the learner's kernel calls their server (MODEL_SERVER_URL): the Serve panel's server when
   * one runs, on whichever instance; else the lessons' port where it is the learner's own; else
   * nothing (the serving lesson then says to press Start).
   */
  async addressForKernel(): Promise<string> {
    const running = await this.deps.servers.status(this.learnerId);
    if (running && (running.state === "starting" || running.state === "ready")) return running.url;
    const { host, defaultPort } = this.deps.config.modelServers;
    return this.deps.lessonsPort.learnersOwn ? `http://${host}:${defaultPort}` : "";
  }

  /**
   * The server the serving Check grades: the Serve panel's, while ready; else one the learner
   * started by hand on the lessons' port, where the course reaches that port (lessons-port.ts).
   */
  async addressForGrading(): Promise<string | null> {
    const ready = await this.deps.servers.readyUrl(this.learnerId);
    if (ready) return ready;
    return this.deps.lessonsPort.courseReaches ? `http://127.0.0.1:${this.deps.config.modelServers.defaultPort}` : null;
  }

  /** The server while it is ready, else null (a catch-up waits for it). */
  readyUrl(): Promise<string | null> {
    return this.deps.servers.readyUrl(this.learnerId);
  }

  status() {
    return this.deps.servers.status(this.learnerId);
  }

  /** Sends the learner's request body to their own scoring server's /invocations. */
  async invoke(body: string, contentType: string): Promise<InvocationResult> {
    const { servers } = this.deps;
    const url = await servers.readyUrl(this.learnerId);
    if (!url) throw new AppError("conflict", "No model server is running for you. Start one in the Serve panel first.");
    if (contentType === "application/json") {
      try {
        JSON.parse(body);
      } catch (error) {
        throw new AppError("bad_request", `The request body is not valid JSON (${(error as Error).message}). Fix it, or load one of the examples.`);
      }
    }
    servers.touch(this.learnerId);
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(`${url}/invocations`, { method: "POST", headers: { "content-type": contentType }, body, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new AppError("upstream_unreachable", `Your model server did not answer (${(error as Error).name === "TimeoutError" ? "timed out after 30 s" : "connection failed"}). Look at its log in the Serve panel.`);
    }
    const text = await response.text();
    const durationMs = Math.round(performance.now() - started);
    const legacy = response.status === 400 && /scoring protocol has changed in MLflow version 2\.0/i.test(text);
    return { status: response.status, durationMs, contentType: response.headers.get("content-type"), body: text, ...(legacy ? { explanation: PROTOCOL_CHANGE } : {}) };
  }
}

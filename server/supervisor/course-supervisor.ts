import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PORT_VARIABLES, type CourseConfig, type Env } from "../config/config";
import { removeRunHandoff, writeRunHandoff } from "../config/run-handoff";
import { chooseSandbox, cleanUpSandboxes, SandboxRefusal } from "../sandbox/sandbox-choice";
import { isPortFree } from "../net/free-port";
import { jupyterServiceSpec, loopbackFor, mlflowServiceSpec, siteServiceSpec } from "./course-services";
import { ServiceSupervisor, type ServiceSpec, type ServiceStatus } from "./service-supervisor";
import { writeSupervisorState } from "../health/supervisor-state";
import { protectFromOutOfMemory } from "../machine/out-of-memory";

export type ServiceName = "mlflow" | "jupyter" | "site";

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

type Options = {
  /** Which services to start; the site needs the others' settings, so it starts last. */
  services?: ServiceName[];
  log?: (line: string) => void;
  env?: Env;
};

/** Starts the course's processes in order, keeps them alive, stops them all. */
export class CourseSupervisor {
  readonly jupyterToken = crypto.randomBytes(24).toString("hex");
  private readonly supervisors = new Map<ServiceName, ServiceSupervisor>();
  private readonly startedAt = Date.now();
  private readonly log: (line: string) => void;
  private readonly env: Env;
  private readonly wanted: ServiceName[];

  /** As given, with the course's own Jupyter's token, and the sandbox decided once start() has probed the machine. */
  config: CourseConfig;

  constructor(
    config: CourseConfig,
    options: Options = {},
  ) {
    this.config = config.jupyter.external ? config : { ...config, jupyter: { ...config.jupyter, token: this.jupyterToken } };
    this.log = options.log ?? (() => {});
    this.env = options.env ?? process.env;
    const wanted = options.services ?? ["mlflow", "jupyter", "site"];
    // An external MLflow (MLFLOW_TRACKING_URI) or Jupyter (JUPYTER_URL) is not the course's to start.
    this.wanted = wanted.filter((name) => !(name === "mlflow" && config.mlflow.external) && !(name === "jupyter" && config.jupyter.external));
  }

  /**
   * The site's environment: the operator's, with the settings this supervisor resolved (the same
   * variables, the same meanings). What it decided (the sandbox, Jupyter's token) goes in the run
   * folder (run-handoff.ts), not here.
   */
  serviceEnv(): Env {
    return {
      ...this.env,
      COURSE_DATA_DIR: this.config.dataDir,
      PORT: String(this.config.site.port),
      HOST: this.config.site.host,
      MLFLOW_PORT: String(this.config.mlflow.port),
      JUPYTER_PORT: String(this.config.jupyter.port),
    };
  }

  async checkPorts(): Promise<void> {
    const ports: Array<[ServiceName, number, string]> = [];
    if (this.wanted.includes("mlflow")) ports.push(["mlflow", this.config.mlflow.port, "127.0.0.1"]);
    if (this.wanted.includes("jupyter")) ports.push(["jupyter", this.config.jupyter.port, "127.0.0.1"]);
    if (this.wanted.includes("site")) ports.push(["site", this.config.site.port, this.config.site.host]);
    const seen = new Map<number, ServiceName>();
    for (const [name, port, host] of ports) {
      const clash = seen.get(port);
      if (clash) {
        throw new StartupError(
          `${PORT_VARIABLES[clash]} and ${PORT_VARIABLES[name]} are both ${port}; give each service its own port.`,
        );
      }
      seen.set(port, name);
      if (!(await isPortFree(port, host === "0.0.0.0" ? "0.0.0.0" : loopbackFor(host).replace(/^\[|\]$/g, "")))) {
        throw new StartupError(
          `Port ${port} is already in use, so the ${describe(name)} cannot start. ` +
            `Stop the program using it, or choose another port: ${PORT_VARIABLES[name]}=${port + 1} npm start`,
        );
      }
    }
  }

  async start(): Promise<void> {
    fs.mkdirSync(path.join(this.config.runDir, "logs"), { recursive: true });
    await this.checkPorts();
    try {
      this.config = chooseSandbox(this.config, this.log);
    } catch (error) {
      if (error instanceof SandboxRefusal) throw new StartupError(error.message);
      throw error;
    }
    // What the site needs of this start, for it to read before it serves anything.
    writeRunHandoff(this.config.runDir, {
      version: 1,
      supervisorPid: process.pid,
      sandbox: this.config.sandbox.enabled,
      ...(this.config.jupyter.external ? {} : { jupyterToken: this.jupyterToken }),
    });
    const backing = this.wanted.filter((name) => name !== "site");
    await Promise.all(backing.map((name) => this.startOne(name)));
    if (this.wanted.includes("site")) await this.startOne("site");
  }

  statuses(): ServiceStatus[] {
    return [...this.supervisors.values()].map((supervisor) => supervisor.status());
  }

  supervisor(name: ServiceName): ServiceSupervisor | undefined {
    return this.supervisors.get(name);
  }

  async stop(): Promise<void> {
    const site = this.supervisors.get("site");
    if (site) await site.stop();
    await Promise.all([...this.supervisors.entries()].filter(([name]) => name !== "site").map(([, s]) => s.stop()));
    this.persist();
    removeRunHandoff(this.config.runDir);
    cleanUpSandboxes(this.config);
  }

  private async startOne(name: ServiceName): Promise<void> {
    const spec = this.specFor(name);
    const logFile = fs.createWriteStream(path.join(this.config.runDir, "logs", `${name}.log`), { flags: "a" });
    const supervisor = new ServiceSupervisor(spec, {
      // The services every learner needs are the last the out-of-memory killer takes (learners' processes the first).
      onSpawn: (pid) => protectFromOutOfMemory(pid),
      onOutput: (line) => logFile.write(`${line}\n`),
      onChange: (status) => {
        this.persist();
        if (status.state === "failed" && this.started.has(name)) {
          this.log(`${spec.label} stopped unexpectedly (${exitText(status)}); restarting it. Log: ${path.join(this.config.runDir, "logs", `${name}.log`)}`);
        }
        if (status.state === "ready" && status.restarts > 0) this.log(`${spec.label} is back (restart ${status.restarts}).`);
      },
    });
    this.supervisors.set(name, supervisor);
    this.log(`Starting the ${describe(name)}...`);
    const began = Date.now();
    supervisor.start();
    if (!(await supervisor.waitReady())) {
      const status = supervisor.status();
      throw new StartupError(
        `The ${describe(name)} failed to start (${exitText(status)}). Its last lines:\n` +
          status.recentOutput.slice(-15).map((line) => `    ${line}`).join("\n"),
      );
    }
    this.started.add(name);
    this.log(`${spec.label} is ready (${((Date.now() - began) / 1000).toFixed(1)} s).`);
  }

  private readonly started = new Set<ServiceName>();

  private specFor(name: ServiceName): ServiceSpec {
    switch (name) {
      case "mlflow":
        return mlflowServiceSpec(this.config, this.env);
      case "jupyter":
        return jupyterServiceSpec(this.config, this.jupyterToken, this.env);
      case "site":
        return siteServiceSpec(this.config, this.serviceEnv());
    }
  }

  private persist() {
    writeSupervisorState(this.config.runDir, {
      supervisorPid: process.pid,
      startedAt: this.startedAt,
      updatedAt: Date.now(),
      services: this.statuses(),
    });
  }
}

function describe(name: ServiceName): string {
  return { mlflow: `MLflow server`, jupyter: "Jupyter server", site: "course site" }[name];
}

function exitText(status: ServiceStatus): string {
  const exit = status.lastExit;
  if (!exit) return "no exit recorded";
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

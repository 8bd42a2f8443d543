import type { ServiceState, ServiceStatus } from "@/contracts/health";

export type { ServiceStatus };
import { DEFAULT_BACKOFF, nextAttempt, restartDelay, type BackoffPolicy } from "./backoff";
import { systemClock, type Clock } from "@/lib/process/clock";
import { spawnGroup, type ExitInfo, type LaunchCommand, type ProcessGroup, type SpawnFn } from "@/lib/process/process-group";
import { waitUntil, WaitTimeoutError } from "@/lib/process/wait-until";

export type ServiceSpec = LaunchCommand & {
  name: string;
  /** What a person calls it, e.g. "MLflow server". */
  label: string;
  /** Resolves true once the service answers its health check. */
  probe: () => Promise<boolean>;
  /** How long a start may take before it counts as failed. */
  readyTimeoutMs: number;
};

export type SupervisorDeps = {
  spawn?: SpawnFn;
  clock?: Clock;
  backoff?: BackoffPolicy;
  probeIntervalMs?: number;
  onOutput?: (line: string) => void;
  onChange?: (status: ServiceStatus) => void;
  /** Told each new process's pid as soon as it is started (e.g. to protect it from the out-of-memory killer). */
  onSpawn?: (pid: number) => void;
};

const RECENT_LINES = 40;

/**
 * Keeps one child alive: start, wait for health, restart with back-off when
 * it dies, stop on request. Spawn and clock are injected so the restart
 * policy is tested in virtual time.
 */
export class ServiceSupervisor {
  private process: ProcessGroup | null = null;
  private state: ServiceState = "stopped";
  private restarts = 0;
  private attempt = 0;
  private since: number;
  private lastExit?: ServiceStatus["lastExit"];
  private nextRestartAt?: number;
  private recent: string[] = [];
  private readonly stopController = new AbortController();
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readyWaiters: Array<(ready: boolean) => void> = [];
  private loop: Promise<void> | null = null;

  constructor(
    readonly spec: ServiceSpec,
    private readonly deps: SupervisorDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
    this.since = this.clock.now();
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Resolves true when ready, false when the first start failed or the supervisor stopped. */
  waitReady(): Promise<boolean> {
    if (this.state === "ready") return Promise.resolve(true);
    if (this.state === "stopped" || this.state === "failed") {
      if (this.loop === null || this.stopController.signal.aborted) return Promise.resolve(false);
    }
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  status(): ServiceStatus {
    return {
      name: this.spec.name,
      label: this.spec.label,
      state: this.state,
      pid: this.process?.pid ?? null,
      restarts: this.restarts,
      since: this.since,
      lastExit: this.lastExit,
      nextRestartAt: this.nextRestartAt,
      recentOutput: [...this.recent],
    };
  }

  async stop(graceMs = 5000): Promise<void> {
    this.stopController.abort();
    const running = this.process;
    if (running) {
      this.setState("stopping");
      await running.stop(graceMs);
    }
    await this.loop;
    this.setState("stopped");
    this.settleWaiters(false);
  }

  private async run(): Promise<void> {
    const stopped = this.stopController.signal;
    while (!stopped.aborted) {
      const startedAt = this.clock.now();
      this.setState(this.restarts === 0 ? "starting" : "restarting");
      // A process group of its own: stopping it stops the workers it forked too.
      const running = spawnGroup(this.spec, { onLine: (line) => this.record(line), spawn: this.deps.spawn });
      this.process = running;
      this.deps.onSpawn?.(running.pid);
      this.emit();

      const exit = await Promise.race([running.exited, this.becomeReady(running)]);
      const info: ExitInfo = exit === "ready" ? await running.exited : exit;
      if (stopped.aborted) break;

      // A leader that died may leave forked workers holding its port.
      running.kill();
      this.process = null;
      this.lastExit = { code: info.code, signal: info.signal, at: this.clock.now() };
      this.attempt = nextAttempt(this.attempt, this.clock.now() - startedAt, this.backoff);
      const delay = restartDelay(this.attempt, this.backoff);
      this.restarts += 1;
      this.nextRestartAt = this.clock.now() + delay;
      this.setState("failed");
      this.settleWaiters(false);
      await this.clock.sleep(delay, stopped);
      this.nextRestartAt = undefined;
    }
  }

  /** Polls the health probe until it passes; never resolves if it times out (the exit wins the race). */
  private async becomeReady(running: ProcessGroup): Promise<"ready"> {
    const exited = new AbortController();
    void running.exited.then(() => exited.abort());
    try {
      await waitUntil(() => this.spec.probe(), {
        timeoutMs: this.spec.readyTimeoutMs,
        intervalMs: this.deps.probeIntervalMs ?? 250,
        clock: this.clock,
        // A probe that passes after the process ended or the supervisor stopped does not count.
        signal: AbortSignal.any([exited.signal, this.stopController.signal]),
      });
      this.setState("ready");
      this.settleWaiters(true);
      return "ready";
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        this.record(`${this.spec.label} did not become ready within ${Math.round(this.spec.readyTimeoutMs / 1000)} s; stopping it`);
        void running.stop(2000);
      }
    }
    return new Promise<"ready">(() => {});
  }

  private record(line: string) {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.splice(0, this.recent.length - RECENT_LINES);
    this.deps.onOutput?.(line);
  }

  private setState(state: ServiceState) {
    if (this.state === state) return;
    this.state = state;
    this.since = this.clock.now();
    this.emit();
  }

  private emit() {
    this.deps.onChange?.(this.status());
  }

  private settleWaiters(ready: boolean) {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve(ready);
  }
}

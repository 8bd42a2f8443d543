import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Clock } from "@/lib/process/clock";
import type { SpawnFn } from "@/lib/process/process-group";
import { ServiceSupervisor, type ServiceSpec, type ServiceStatus } from "./service-supervisor";

/** Virtual time: sleeps resolve when the test advances the clock. */
function virtualClock() {
  let now = 0;
  const sleepers: Array<{ until: number; resolve: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        sleepers.push({ until: now + ms, resolve });
        signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    clock,
    async advance(ms: number) {
      const target = now + ms;
      while (true) {
        await settle();
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (!next || next.until > target) break;
        sleepers.shift();
        now = next.until;
        next.resolve();
      }
      now = target;
      await settle();
    },
  };
}

/** A spawn that hands out fake children the test can crash. */
function fakeSpawn() {
  const children: Array<EventEmitter & { crash(code: number): void }> = [];
  const spawn: SpawnFn = () => {
    const child = Object.assign(new EventEmitter(), {
      // No pid: the supervisor must never signal a real process group from this test.
      pid: undefined,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      crash(code: number) {
        child.emit("exit", code, null);
      },
    });
    children.push(child);
    return child as unknown as ChildProcess;
  };
  return { spawn, children };
}

function spec(probe: () => Promise<boolean>): ServiceSpec {
  return { name: "svc", label: "Test service", command: "true", args: [], env: {}, cwd: "/", probe, readyTimeoutMs: 10_000 };
}

describe("ServiceSupervisor", () => {
  it("becomes ready when its probe passes", async () => {
    const time = virtualClock();
    const { spawn } = fakeSpawn();
    const supervisor = new ServiceSupervisor(spec(async () => true), { spawn, clock: time.clock });
    supervisor.start();
    await expect(supervisor.waitReady()).resolves.toBe(true);
    expect(supervisor.status().state).toBe("ready");
    void supervisor.stop(0);
  });

  it("restarts a crashed child after growing back-off delays", async () => {
    const time = virtualClock();
    const { spawn, children } = fakeSpawn();
    const changes: ServiceStatus[] = [];
    const supervisor = new ServiceSupervisor(spec(async () => true), {
      spawn,
      clock: time.clock,
      onChange: (status) => changes.push(status),
    });
    supervisor.start();
    await supervisor.waitReady();

    children[0].crash(1);
    await time.advance(0);
    expect(supervisor.status().state).toBe("failed");
    expect(supervisor.status().lastExit?.code).toBe(1);
    await time.advance(499);
    expect(children).toHaveLength(1);
    await time.advance(1);
    expect(children).toHaveLength(2);
    expect(supervisor.status().restarts).toBe(1);

    children[1].crash(1);
    await time.advance(999);
    expect(children).toHaveLength(2);
    await time.advance(1);
    expect(children).toHaveLength(3);
    expect(supervisor.status().restarts).toBe(2);
    expect(changes.some((status) => status.state === "restarting")).toBe(true);
  });

  it("stops restarting once stopped", async () => {
    const time = virtualClock();
    const { spawn, children } = fakeSpawn();
    const supervisor = new ServiceSupervisor(spec(async () => true), { spawn, clock: time.clock });
    supervisor.start();
    await supervisor.waitReady();
    children[0].crash(137);
    await time.advance(0);
    const stopped = supervisor.stop(0);
    await time.advance(60_000);
    await stopped;
    expect(children).toHaveLength(1);
    expect(supervisor.status().state).toBe("stopped");
  });

  it("reports a first start that never becomes ready", async () => {
    const time = virtualClock();
    const { spawn, children } = fakeSpawn();
    const supervisor = new ServiceSupervisor(spec(async () => false), { spawn, clock: time.clock });
    supervisor.start();
    const ready = supervisor.waitReady();
    await time.advance(100);
    children[0].crash(2);
    await expect(ready).resolves.toBe(false);
    void supervisor.stop(0);
  });
});

import { describe, expect, it } from "vitest";
import type { Clock } from "./clock";
import { waitUntil, WaitTimeoutError } from "./wait-until";

describe("waitUntil", () => {
  it("resolves with the probe's first truthy answer", async () => {
    let calls = 0;
    const answer = await waitUntil(() => (++calls >= 3 ? { ready: calls } : undefined), { timeoutMs: 1000, intervalMs: 1 });
    expect(answer).toEqual({ ready: 3 });
  });

  it("takes a probe that throws for not yet, unless told otherwise", async () => {
    let calls = 0;
    const probe = async () => {
      if (++calls < 3) throw new Error("connection refused");
      return true;
    };
    await expect(waitUntil(probe, { timeoutMs: 1000, intervalMs: 1 })).resolves.toBe(true);
    await expect(waitUntil(() => Promise.reject(new Error("broken")), { timeoutMs: 1000, intervalMs: 1, probeErrors: "fail" })).rejects.toThrow("broken");
  });

  it("times out, naming what it waited for and the details", async () => {
    const started = Date.now();
    const waiting = waitUntil(() => false, { timeoutMs: 60, intervalMs: 10, what: "MLflow", details: () => "last log line" });
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(/^MLflow was not ready within 0\.1 s:\nlast log line$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it("stops at once when aborted, also while a probe is still running, with the signal's reason", async () => {
    const controller = new AbortController();
    const hanging = waitUntil(() => new Promise<boolean>(() => {}), { timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error("the process exited"));
    await expect(hanging).rejects.toThrow("the process exited");

    const late = new AbortController();
    const slow = waitUntil(() => new Promise<boolean>((resolve) => setTimeout(resolve, 20, true)), { timeoutMs: 60_000, signal: late.signal });
    setTimeout(() => late.abort(new Error("stopped")), 5);
    await expect(slow, "an answer after the abort does not count").rejects.toThrow("stopped");

    await expect(waitUntil(() => true, { timeoutMs: 1000, signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
  });

  it("runs in the time of the clock it is given", async () => {
    let now = 0;
    const slept: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    };
    await expect(waitUntil(() => false, { timeoutMs: 1000, intervalMs: 300, clock })).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(slept).toEqual([300, 300, 300, 300]);
    expect(now).toBe(1200);
  });
});

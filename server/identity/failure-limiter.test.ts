import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { memoryActionLedger } from "../store/action-ledger";
import { FailureLimiter, SharedFailureLimiter } from "./failure-limiter";

describe("FailureLimiter", () => {
  const wrong = () => false;
  const right = () => true;

  it("counts only refused attempts", () => {
    const now = 0;
    const limiter = new FailureLimiter(2, 60_000, () => now);
    for (let i = 0; i < 5; i++) expect(limiter.attempt("ip", right)).toBe(true);
    expect(limiter.attempt("ip", wrong)).toBe(false);
    expect(limiter.attempt("ip", wrong)).toBe(false);
    expect(() => limiter.attempt("ip", wrong)).toThrow("Too many wrong attempts");
    expect(() => limiter.attempt("ip", right)).toThrow("Too many wrong attempts");
    expect(() => limiter.assertAllowed("ip")).toThrow(AppError);
  });

  it("answers 429 with the seconds to wait, and lets the key in again once the window has passed", () => {
    let now = 0;
    const limiter = new FailureLimiter(2, 60_000, () => now);
    limiter.attempt("ip", wrong);
    now = 20_000;
    limiter.attempt("ip", wrong);
    now = 30_000;
    try {
      limiter.assertAllowed("ip");
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).code).toBe("rate_limited");
      expect((error as AppError).status).toBe(429);
      expect((error as AppError).details).toStrictEqual({ retryAfterSeconds: 30 });
    }
    now = 60_000; // the first failure is out of the window
    expect(limiter.attempt("ip", right)).toBe(true);
    now = 80_000; // and the second: the key is forgotten once looked at
    limiter.assertAllowed("ip");
    expect(limiter.size).toBe(0);
  });

  it("keeps every key's count apart: one client's burst never blocks another, nor a right answer elsewhere", () => {
    const limiter = new FailureLimiter(10, 60_000, () => 0);
    for (let i = 0; i < 10; i++) limiter.attempt("join:127.0.0.2", wrong);
    expect(() => limiter.attempt("join:127.0.0.2", right)).toThrow("Too many wrong attempts");
    expect(limiter.attempt("join:127.0.0.3", right)).toBe(true);
    expect(limiter.attempt("join:127.0.0.3", wrong)).toBe(false);
    expect(limiter.attempt("join:127.0.0.3", right)).toBe(true);
  });

  it("records a failure before the next attempt can be counted (no burst slips past the count)", async () => {
    const limiter = new FailureLimiter(3, 60_000, () => 0);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, async () => limiter.attempt("burst", wrong)));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toHaveLength(17);
  });

  it("keeps at most maxKeys keys, forgetting expired ones first", () => {
    let now = 0;
    const limiter = new FailureLimiter(5, 60_000, () => now, 100);
    for (let i = 0; i < 100; i++) limiter.attempt(`old-${i}`, wrong);
    now = 61_000;
    for (let i = 0; i < 50; i++) limiter.attempt(`new-${i}`, wrong);
    expect(limiter.size).toBe(50);
    for (let i = 50; i < 150; i++) limiter.attempt(`new-${i}`, wrong);
    expect(limiter.size).toBe(100);
    // The most recent keys are the ones kept.
    for (let i = 0; i < 4; i++) limiter.attempt("new-149", wrong);
    expect(() => limiter.assertAllowed("new-149")).toThrow("Too many wrong attempts");
  });
});

describe("SharedFailureLimiter", () => {
  it("lets several instances together allow the limit once, not once each", async () => {
    let now = 0;
    const ledger = memoryActionLedger();
    const [first, second] = [new SharedFailureLimiter("wrong-code", 4, 60_000, () => now), new SharedFailureLimiter("wrong-code", 4, 60_000, () => now)];
    for (const instance of [first, second, first, second]) {
      await instance.assertAllowed("ip", ledger);
      expect(await instance.attempt("ip", () => false, ledger)).toBe(false);
    }
    for (const instance of [first, second]) await expect(instance.assertAllowed("ip", ledger)).rejects.toThrow("wait 60 s");
    await expect(first.assertAllowed("another-ip", ledger)).resolves.toBeUndefined();
    expect(await second.attempt("another-ip", () => true, ledger), "a right answer is not counted").toBe(true);
    expect(await ledger.since("wrong-code", "another-ip", 0)).toStrictEqual([]);
    now = 60_001;
    await expect(second.assertAllowed("ip", ledger)).resolves.toBeUndefined();
  });
});

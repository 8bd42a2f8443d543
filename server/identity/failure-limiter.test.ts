import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { memoryActionLedger } from "../store/action-ledger";
import { FailureLimiter, SharedFailureLimiter } from "./failure-limiter";

describe("FailureLimiter", () => {
  const wrong = () => false;
  const right = () => true;

  it("counts only refused attempts", async () => {
    const now = 0;
    const limiter = new FailureLimiter(2, 60_000, { now: () => now });
    for (let i = 0; i < 5; i++) expect(await limiter.attempt("ip", right)).toBe(true);
    expect(await limiter.attempt("ip", wrong)).toBe(false);
    expect(await limiter.attempt("ip", wrong)).toBe(false);
    await expect(limiter.attempt("ip", wrong)).rejects.toThrow("Too many wrong attempts");
    await expect(limiter.attempt("ip", right)).rejects.toThrow("Too many wrong attempts");
    expect(() => limiter.assertAllowed("ip")).toThrow(AppError);
  });

  it("answers 429 with the seconds to wait, and lets the key in again once the window has passed", async () => {
    let now = 0;
    const limiter = new FailureLimiter(2, 60_000, { now: () => now });
    await limiter.attempt("ip", wrong);
    now = 20_000;
    await limiter.attempt("ip", wrong);
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
    expect(await limiter.attempt("ip", right)).toBe(true);
    now = 80_000; // and the second: the key is forgotten once looked at
    limiter.assertAllowed("ip");
    expect(limiter.size).toBe(0);
  });

  it("says what its owner tells a refused client", async () => {
    const limiter = new FailureLimiter(1, 60_000, { now: () => 0, words: (wait) => `Paused for ${wait} s; ask your instructor.` });
    await limiter.attempt("room", wrong);
    await expect(limiter.attempt("room", right)).rejects.toThrow("Paused for 60 s; ask your instructor.");
  });

  it("keeps every key's count apart: one client's burst never blocks another, nor a right answer elsewhere", async () => {
    const limiter = new FailureLimiter(10, 60_000, { now: () => 0 });
    for (let i = 0; i < 10; i++) await limiter.attempt("join:127.0.0.2", wrong);
    await expect(limiter.attempt("join:127.0.0.2", right)).rejects.toThrow("Too many wrong attempts");
    expect(await limiter.attempt("join:127.0.0.3", right)).toBe(true);
    expect(await limiter.attempt("join:127.0.0.3", wrong)).toBe(false);
    expect(await limiter.attempt("join:127.0.0.3", right)).toBe(true);
  });

  it("holds a place in the count for every test still running (no burst slips past while passwords are hashed)", async () => {
    const limiter = new FailureLimiter(3, 60_000, { now: () => 0 });
    const slowWrong = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20));
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.attempt("burst", slowWrong)));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toHaveLength(17);
    await expect(limiter.attempt("burst", right)).rejects.toThrow("Too many wrong attempts");
  });

  it("gives a running test's place back when it answers right, or throws", async () => {
    const limiter = new FailureLimiter(1, 60_000, { now: () => 0 });
    const slowRight = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 20));
    const first = limiter.attempt("ip", slowRight);
    await expect(limiter.attempt("ip", right), "the only place is held while the first runs").rejects.toThrow(/wait 1 s/);
    expect(await first).toBe(true);
    expect(await limiter.attempt("ip", right)).toBe(true);
    await expect(limiter.attempt("ip", () => Promise.reject(new Error("store down")))).rejects.toThrow("store down");
    await expect(limiter.attempt("ip", right), "a test that threw counts as a failure").rejects.toThrow("Too many wrong attempts");
  });

  it("keeps at most maxKeys keys, forgetting expired ones first", async () => {
    let now = 0;
    const limiter = new FailureLimiter(5, 60_000, { now: () => now, maxKeys: 100 });
    for (let i = 0; i < 100; i++) await limiter.attempt(`old-${i}`, wrong);
    now = 61_000;
    for (let i = 0; i < 50; i++) await limiter.attempt(`new-${i}`, wrong);
    expect(limiter.size).toBe(50);
    for (let i = 50; i < 150; i++) await limiter.attempt(`new-${i}`, wrong);
    expect(limiter.size).toBe(100);
    // The most recent keys are the ones kept.
    for (let i = 0; i < 4; i++) await limiter.attempt("new-149", wrong);
    expect(() => limiter.assertAllowed("new-149")).toThrow("Too many wrong attempts");
  });
});

describe("SharedFailureLimiter", () => {
  it("lets several instances together allow the limit once, not once each", async () => {
    let now = 0;
    const ledger = memoryActionLedger();
    const [first, second] = [new SharedFailureLimiter("wrong-code", 4, 60_000, { now: () => now }), new SharedFailureLimiter("wrong-code", 4, 60_000, { now: () => now })];
    for (const instance of [first, second, first, second]) {
      await instance.assertAllowed("ip", ledger);
      expect(await instance.attempt("ip", () => false, ledger)).toBe(false);
    }
    for (const instance of [first, second]) await expect(instance.assertAllowed("ip", ledger)).rejects.toThrow("wait 60 s");
    await expect(first.assertAllowed("another-ip", ledger)).resolves.toBeUndefined();
    expect(await second.attempt("another-ip", () => true, ledger), "a right answer is not counted").toBe(true);
    expect(await ledger.since("wrong-code", "another-ip", 0)).toStrictEqual({ count: 0, oldestMs: null });
    now = 60_001;
    await expect(second.assertAllowed("ip", ledger)).resolves.toBeUndefined();
  });
});

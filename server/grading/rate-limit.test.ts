import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows one in flight and a few per window", async () => {
    let now = 0;
    const limiter = new RateLimiter("check", 2, 60_000, () => now);
    let release!: () => void;
    const first = limiter.run("a", () => new Promise<void>((resolve) => (release = resolve)));
    await expect(limiter.run("a", async () => 1)).rejects.toThrow("already running");
    release();
    await first;
    await limiter.run("a", async () => 1);
    await expect(limiter.run("a", async () => 1)).rejects.toThrow("That is 2 checks in the last minute");
    await expect(limiter.run("b", async () => 1)).resolves.toBe(1);
    now = 60_001;
    await expect(limiter.run("a", async () => 1)).resolves.toBe(1);
  });
});

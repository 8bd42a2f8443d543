import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, nextAttempt, restartDelay } from "./backoff";

describe("restart back-off", () => {
  it("doubles from the initial delay up to the cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => restartDelay(attempt));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it("forgives a child that stayed up long enough", () => {
    expect(nextAttempt(5, DEFAULT_BACKOFF.resetAfterMs)).toBe(1);
    expect(nextAttempt(5, DEFAULT_BACKOFF.resetAfterMs - 1)).toBe(6);
  });
});

import { describe, expect, it } from "vitest";
import { memoryActionLedger } from "../store/action-ledger";
import { guessKey, instructorPasswordGuesses, joinCodeGuesses, WRONG_GUESSES_PER_MINUTE } from "./guess-limits";

const from = (headers: Record<string, string>) => new Request("http://course.test/api/session/join", { method: "POST", headers });

describe("whom a wrong guess counts against", () => {
  it("is the client address the entry point set, one key per client", () => {
    expect(guessKey(from({ "x-course-client-address": "127.0.0.2" }))).toBe("127.0.0.2");
    expect(guessKey(from({ "x-course-client-address": "127.0.0.3" }))).toBe("127.0.0.3");
    expect(guessKey(from({ "x-course-client-address": "::ffff:10.0.0.5" }))).toBe("10.0.0.5");
  });

  it("groups IPv6 by /64, so a client cannot take a fresh address for every guess", () => {
    const one = guessKey(from({ "x-course-client-address": "2001:db8:1:2::5" }));
    expect(guessKey(from({ "x-course-client-address": "2001:db8:1:2:ffff:ffff:ffff:1" }))).toBe(one);
    expect(guessKey(from({ "x-course-client-address": "2001:db8:1:3::5" }))).not.toBe(one);
  });

  it("never reads X-Forwarded-For or X-Real-IP itself, and has no shared 'direct' key", () => {
    const forged = from({ "x-course-client-address": "127.0.0.2", "x-forwarded-for": "198.51.100.7", "x-real-ip": "198.51.100.8" });
    expect(guessKey(forged)).toBe("127.0.0.2");
    // Without the entry point's header (a request that did not come through it) there is nothing else to go by.
    expect(guessKey(from({ "x-forwarded-for": "198.51.100.7" }))).toBe("unknown");
  });

  it("keeps class codes and the instructor password on separate counters", async () => {
    expect(joinCodeGuesses).not.toBe(instructorPasswordGuesses);
    const ledger = memoryActionLedger();
    const key = "192.0.2.77";
    for (let i = 0; i < WRONG_GUESSES_PER_MINUTE; i++) await joinCodeGuesses.attempt(key, () => false, ledger);
    await expect(joinCodeGuesses.assertAllowed(key, ledger)).rejects.toThrow("Too many wrong attempts");
    await expect(instructorPasswordGuesses.assertAllowed(key, ledger)).resolves.toBeUndefined();
    await expect(joinCodeGuesses.assertAllowed("192.0.2.78", ledger)).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./passwords";

/** How many times the event loop turned while `work` ran: 0 means it held the loop the whole time. */
async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return turns;
}

describe("instructor password hashes", () => {
  it("verify the password they were made from, and nothing else", async () => {
    const stored = await hashPassword("four unrelated words here");
    expect(stored).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(stored).not.toContain("four");
    expect(await verifyPassword("four unrelated words here", stored)).toBe(true);
    expect(await verifyPassword("four unrelated words Here", stored)).toBe(false);
    expect(await verifyPassword("four unrelated words here", "plain$text"), "a hash of an unknown kind").toBe(false);
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("are made and checked off the event loop, so sign-ins never hold up the site", async () => {
    const stored = await hashPassword("four unrelated words here");
    expect(await loopTurnsDuring(() => verifyPassword("four unrelated words here", stored))).toBeGreaterThan(0);
    expect(await loopTurnsDuring(() => hashPassword("another one entirely"))).toBeGreaterThan(0);
  });
});

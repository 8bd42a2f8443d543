import { afterEach, describe, expect, it } from "vitest";
import { MemoryFloor } from "../machine/memory";
import { defaultSparkSlots, SPARK_SESSION_MB, SparkSlots, type SparkLease, type SparkWait } from "./spark-slots";

const roomy = () => new MemoryFloor(1024, () => ({ totalMb: 24_000, availableMb: 20_000 }));

describe("the machine's Spark slots", () => {
  const made: SparkSlots[] = [];
  const slotsOf = (count: number, memory = roomy(), now?: () => number) => {
    const slots = new SparkSlots(count, { memory, idleMinutes: 10, now });
    made.push(slots);
    return slots;
  };
  afterEach(() => made.splice(0).forEach((slots) => slots.stop()));

  it("grants as many as there are slots, then serves the rest first come, first served", async () => {
    const slots = slotsOf(2);
    const a = await slots.acquire("ada", "session");
    const b = await slots.acquire("bob", "check");
    const order: string[] = [];
    const cleo = slots.acquire("cleo", "session").then((lease) => (order.push("cleo"), lease));
    const dan = slots.acquire("dan", "session").then((lease) => (order.push("dan"), lease));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.waiting("cleo", "session")).toMatchObject({ ahead: 0, reason: "slots", slots: 2 });
    expect(slots.waiting("dan", "session")).toMatchObject({ ahead: 1 });
    b.release();
    await cleo;
    a.release();
    await dan;
    expect(order).toEqual(["cleo", "dan"]);
    expect(slots.holding().map((holder) => holder.learnerId).sort()).toEqual(["cleo", "dan"]);
  });

  it("tells a waiter where it stands, and again when that changes", async () => {
    const slots = slotsOf(1);
    const first = await slots.acquire("ada", "session");
    const heard: Record<string, SparkWait[]> = { bob: [], cleo: [] };
    const bob = slots.acquire("bob", "session", { onWait: (wait) => heard.bob.push(wait) });
    const cleo = slots.acquire("cleo", "session", { onWait: (wait) => heard.cleo.push(wait) });
    expect(heard.bob.map((wait) => wait.ahead)).toEqual([0]);
    expect(heard.cleo.at(-1)?.ahead).toBe(1);
    // Someone further back waits longer.
    expect(heard.cleo.at(-1)!.etaSeconds).toBeGreaterThan(heard.bob.at(-1)!.etaSeconds);
    first.release();
    (await bob).release();
    expect(heard.cleo.map((wait) => wait.ahead)).toContain(0);
    (await cleo).release();
  });

  it("lets a waiter give up, and counts the time a learner waited (a cell's time limit leaves it out)", async () => {
    let now = 1_000_000;
    const slots = slotsOf(1, roomy(), () => now);
    const first = await slots.acquire("ada", "session");
    const giveUp = new AbortController();
    const bob = slots.acquire("bob", "session", { signal: giveUp.signal });
    now += 5_000;
    giveUp.abort(new Error("interrupted"));
    await expect(bob).rejects.toThrow("interrupted");
    expect(slots.waiting("bob", "session")).toBeNull();
    expect(slots.waitedMs("bob", 1_000_000)).toBe(5_000);
    expect(slots.waitedMs("bob", 1_003_000)).toBe(2_000);
    expect(slots.waitedMs("ada", 0)).toBe(0);
    first.release();
  });

  it("grants nothing while the machine's memory is below the course's floor, and says so", async () => {
    let available = 1_500;
    const slots = slotsOf(4, new MemoryFloor(1_000, () => ({ totalMb: 24_000, availableMb: available })));
    let granted: SparkLease | undefined;
    const waits: SparkWait[] = [];
    const ada = slots.acquire("ada", "session", { onWait: (wait) => waits.push(wait) }).then((lease) => (granted = lease));
    await Promise.resolve();
    expect(granted).toBeUndefined();
    expect(waits.at(-1)).toMatchObject({ reason: "memory", ahead: 0 });
    available = 1_000 + SPARK_SESSION_MB + 1;
    await ada; // the next tick finds room
    expect(granted?.learnerId).toBe("ada");
  }, 10_000);

  it("asks a session left unused for its slot back: after the idle time, sooner when others wait", async () => {
    let now = 0;
    const slots = new SparkSlots(1, { memory: roomy(), idleMinutes: 10, now: () => now });
    made.push(slots);
    const lease = await slots.acquire("ada", "session");
    let idleSince = 0;
    const asked: string[] = [];
    slots.watchSession(lease, { idleMs: () => now - idleSince, requestStop: (why) => asked.push(why) });
    const tick = () => (slots as unknown as { tick(): void }).tick();
    now = 9 * 60_000;
    tick();
    expect(asked).toEqual([]);
    // Someone waits: two minutes unused are enough.
    const bob = slots.acquire("bob", "session");
    idleSince = now - 2 * 60_000;
    tick();
    expect(asked).toEqual(["idle"]);
    tick();
    expect(asked, "asked once").toEqual(["idle"]);
    lease.release();
    (await bob).release();
  });

  it("is two per core by default, within half the machine's memory", () => {
    expect(defaultSparkSlots(2, 24_000)).toBe(4);
    expect(defaultSparkSlots(16, 8_000)).toBe(3);
    expect(defaultSparkSlots(1, 512)).toBe(1);
  });
});

describe("the memory floor", () => {
  it("is a tenth of the machine's memory unless set, at least 1 GB, and says why it refuses", () => {
    expect(new MemoryFloor(undefined, () => ({ totalMb: 24_000, availableMb: 20_000 })).floorMb).toBe(2_400);
    expect(new MemoryFloor(undefined, () => ({ totalMb: 4_000, availableMb: 3_000 })).floorMb).toBe(1_024);
    const short = new MemoryFloor(2_000, () => ({ totalMb: 24_000, availableMb: 2_100 }));
    expect(short.hasRoomFor(50)).toBe(true);
    expect(short.hasRoomFor(200)).toBe(false);
    expect(() => short.assertRoomFor("your model server", 200)).toThrow(/short of memory right now \(2100 MB available; the course keeps 2000 MB.*did not start your model server\. Try again in a minute/);
  });
});

import { describe, expect, it } from "vitest";
import { FairQueue } from "./fair-queue";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("FairQueue", () => {
  it("lets `limit` holders in at once and the next one in when one releases", async () => {
    const queue = new FairQueue(2);
    const first = await queue.acquire("ada");
    await queue.acquire("bob");
    let third = false;
    void queue.acquire("cy").then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    expect(queue.size).toEqual({ active: 2, waiting: 1 });
    first();
    first(); // a second release changes nothing
    await tick();
    expect(third).toBe(true);
    expect(queue.size).toEqual({ active: 2, waiting: 0 });
  });

  it("serves waiting learners in turn, so one learner's burst does not hold back another", async () => {
    const queue = new FairQueue(1);
    const release = await queue.acquire("busy");
    const order: string[] = [];
    const served = (name: string) => (done: () => void) => {
      order.push(name);
      done();
    };
    const waits = [...[1, 2, 3].map((n) => queue.acquire("busy").then(served(`busy${n}`))), queue.acquire("quiet").then(served("quiet"))];
    release();
    await Promise.all(waits);
    expect(order).toEqual(["busy1", "quiet", "busy2", "busy3"]);
  });

  it("forgets a waiter whose request was aborted", async () => {
    const queue = new FairQueue(1);
    const release = await queue.acquire("ada");
    const controller = new AbortController();
    const aborted = queue.acquire("bob", controller.signal);
    controller.abort(new Error("client went away"));
    await expect(aborted).rejects.toThrow("client went away");
    expect(queue.size).toEqual({ active: 1, waiting: 0 });
    release();
    expect(queue.size).toEqual({ active: 0, waiting: 0 });
    await expect(queue.acquire("cy", AbortSignal.abort(new Error("already gone")))).rejects.toThrow("already gone");
  });

  it("refuses a limit below one", () => {
    expect(() => new FairQueue(0)).toThrow(/at least 1/);
  });
});

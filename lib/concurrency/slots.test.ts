import { describe, expect, it } from "vitest";
import { Slots } from "./slots";

describe("Slots", () => {
  it("lets `size` in at once and the rest in arrival order, each as a slot is released", async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const [a, b] = await Promise.all([slots.acquire(), slots.acquire()]);
    const c = slots.acquire().then((release) => (order.push("c"), release));
    const d = slots.acquire().then((release) => (order.push("d"), release));
    await Promise.resolve();
    expect(slots.state).toEqual({ held: 2, waiting: 2 });
    expect(order).toEqual([]);
    a();
    a(); // twice: still one release
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(["c", "d"]);
    expect(slots.state).toEqual({ held: 0, waiting: 0 });
  });

  it("refuses a size that is not a whole number of at least 1", () => {
    expect(() => new Slots(0)).toThrow(RangeError);
    expect(() => new Slots(1.5)).toThrow("at least 1");
  });
});

import { describe, expect, it } from "vitest";
import { byStartTime, compareTimes, timeOf } from "./group-attempts";
import { attempt } from "./test-records";

describe("times", () => {
  it("compares canonical ISO times as text and others by their instant", () => {
    expect(compareTimes("2026-11-26T10:00:00.000Z", "2026-11-26T10:00:00.001Z")).toBeLessThan(0);
    expect(compareTimes("2026-11-26T10:00:00.000Z", "2026-11-26T10:00:00.000Z")).toBe(0);
    // 10:30+01:00 is 09:30Z: earlier, although it sorts later as text.
    expect(compareTimes("2026-11-26T10:30:00+01:00", "2026-11-26T10:00:00.000Z")).toBeLessThan(0);
    expect(compareTimes("2026-11-26T10:00:00Z", "2026-11-26T10:00:00.000Z")).toBe(0);
  });

  it("reads an unreadable time as the epoch, never throwing", () => {
    expect(timeOf("not a time")).toBe(0);
    expect(timeOf(null)).toBe(0);
    expect(compareTimes("garbage", "2026-11-26T10:00:00.000Z")).toBeLessThan(0);
  });

  it("orders attempts of the same instant by id", () => {
    const b = attempt("a", "e", -1, "failed", [], { id: "b" });
    const a = attempt("a", "e", -1, "passed", [], { id: "a" });
    expect([b, a].sort(byStartTime).map((x) => x.id)).toStrictEqual(["a", "b"]);
  });
});

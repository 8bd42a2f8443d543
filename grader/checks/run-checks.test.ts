import { describe, expect, it } from "vitest";
import { MlflowUnavailableError } from "@/lib/mlflow/mlflow-unavailable-error";
import { failed, passed, type CheckSpec, type HintTiers } from "./check-spec";
import { pickHint } from "./pick-hint";
import { runChecks } from "./run-checks";

const tiers = (name: string): HintTiers => [`${name} 1`, `${name} 2`, `${name} 3`];

const spec = (id: string, evaluate: CheckSpec<null>["evaluate"], extra: Partial<CheckSpec<null>> = {}): CheckSpec<null> => ({
  id,
  title: `Title ${id}`,
  hints: { default: tiers(id), other: tiers(`${id}-other`) },
  evaluate,
  ...extra,
});

describe("runChecks", () => {
  it("skips a check whose prerequisite failed, naming the root cause through a chain", async () => {
    const results = await runChecks(
      [
        spec("a", async () => failed("a is missing")),
        spec("b", async () => passed("never"), { requires: ["a"] }),
        spec("c", async () => passed("never"), { requires: ["b"] }),
        spec("d", async () => passed("independent")),
      ],
      null,
      { attempt: 1 },
    );
    expect(results.map((r) => r.status)).toEqual(["failed", "skipped", "skipped", "passed"]);
    expect(results[1].message).toBe('Not checked because "Title a" did not pass.');
    expect(results[2].message).toBe('Not checked because "Title a" did not pass.');
  });

  it("starts independent checks together, a dependent one only after what it requires, and reports in order", async () => {
    const events: string[] = [];
    const step = (id: string, ms: number) => async () => {
      events.push(`start ${id}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`end ${id}`);
      return passed(id);
    };
    const results = await runChecks([spec("a", step("a", 40)), spec("b", step("b", 10)), spec("c", step("c", 5), { requires: ["a"] })], null, { attempt: 1 });
    expect(results.map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["start a", "start b", "end b", "end a", "start c", "end c"]);
  });

  it("turns a platform failure into `error` that says it is not the learner's fault, and skips its dependants", async () => {
    const down = new MlflowUnavailableError({ kind: "unreachable", baseUrl: "http://x", endpoint: "/e", upstreamMessage: "connection refused" });
    const results = await runChecks(
      [spec("a", async () => Promise.reject(down)), spec("b", async () => passed("never"), { requires: ["a"] })],
      null,
      { attempt: 1 },
    );
    expect(results[0]).toMatchObject({ status: "error" });
    expect(results[0].message).toMatch(/^Could not check this: MLflow at http:\/\/x is not reachable \(connection refused\)\. This is a problem with the course platform, not with your work/);
    expect(results[0].hint).toBeUndefined();
    expect(results[1]).toMatchObject({ status: "skipped", message: 'Not checked because "Title a" could not be checked.' });
  });

  it("reports a bug in a check as `error`, not as the learner's failure", async () => {
    const [result] = await runChecks([spec("a", async () => Promise.reject(new Error("boom")))], null, { attempt: 1 });
    expect(result.status).toBe("error");
    expect(result.message).toContain("The grader itself failed on this check (boom)");
  });

  it("attaches the hint of the outcome's kind, at the attempt's tier, and marks optional checks", async () => {
    const results = await runChecks(
      [spec("a", async () => failed("x", { hintKind: "other", link: "/l" })), spec("b", async () => failed("y"), { optional: true })],
      null,
      { attempt: 2 },
    );
    expect(results[0]).toEqual({ id: "a", title: "Title a", status: "failed", message: "x", hint: "a-other 2", link: "/l" });
    expect(results[1]).toMatchObject({ hint: "b 2", optional: true });
  });
});

describe("pickHint", () => {
  const hints = { default: tiers("d"), wrong: tiers("w") };
  it("escalates with the attempt and stays at the last tier", () => {
    expect([1, 2, 3, 4, 10].map((attempt) => pickHint(hints, undefined, attempt))).toEqual(["d 1", "d 2", "d 3", "d 3", "d 3"]);
  });
  it("falls back to the default tiers for an unknown kind and to tier 1 for nonsense attempts", () => {
    expect(pickHint(hints, "nope", 1)).toBe("d 1");
    expect(pickHint(hints, "wrong", 0)).toBe("w 1");
    expect(pickHint(hints, "wrong", Number.NaN)).toBe("w 1");
  });
});

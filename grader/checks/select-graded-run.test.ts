import { describe, expect, it } from "vitest";
import { failed, passed } from "./check-spec";
import { selectGradedRun, type RunCheck } from "./select-graded-run";

type FakeRun = { id: string; local: boolean[]; remote: boolean[] };

function checksFor(remoteCalls: string[]): RunCheck<FakeRun>[] {
  return [
    ...[0, 1].map((i) => ({
      id: `local-${i}`,
      cost: "local" as const,
      evaluateRun: (run: FakeRun) => (run.local[i] ? passed("ok") : failed("no")),
    })),
    ...[0, 1].map((i) => ({
      id: `remote-${i}`,
      cost: "remote" as const,
      evaluateRun: async (run: FakeRun) => {
        remoteCalls.push(`${run.id}:${i}`);
        return run.remote[i] ? passed("ok") : failed("no");
      },
    })),
  ];
}

const candidate = (id: string, startTime: number, local: boolean[], remote: boolean[]) => ({ run: { id, local, remote }, startTime });

describe("selectGradedRun", () => {
  it("returns null without runs", async () => {
    expect(await selectGradedRun([], checksFor([]))).toBeNull();
  });

  it("picks the run passing the most checks, even when it is older", async () => {
    const selection = await selectGradedRun(
      [candidate("new-partial", 200, [true, false], [true, true]), candidate("old-complete", 100, [true, true], [true, true])],
      checksFor([]),
    );
    expect(selection?.run.id).toBe("old-complete");
    expect(selection?.passedCount).toBe(4);
  });

  it("prefers the latest run on ties", async () => {
    const selection = await selectGradedRun(
      [candidate("older", 100, [true, false], [true, false]), candidate("newer", 200, [true, false], [false, true])],
      checksFor([]),
    );
    expect(selection?.run.id).toBe("newer");
  });

  it("skips the remote checks of runs that can no longer win", async () => {
    const calls: string[] = [];
    await selectGradedRun(
      [candidate("complete", 300, [true, true], [true, true]), candidate("hopeless", 100, [false, false], [true, true]), candidate("also", 50, [true, false], [true, true])],
      checksFor(calls),
    );
    expect(calls).toEqual(["complete:0", "complete:1"]);
  });

  it("still evaluates a lower local score when its remote checks could make it win", async () => {
    const calls: string[] = [];
    const selection = await selectGradedRun(
      [candidate("local-only", 300, [true, true], [false, false]), candidate("remote-strong", 100, [true, false], [true, true])],
      checksFor(calls),
    );
    expect(selection?.run.id).toBe("remote-strong");
    expect(calls).toHaveLength(4);
  });
});

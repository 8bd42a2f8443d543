import { describe, expect, it } from "vitest";
import type { ExerciseReport } from "../report";
import { formatReport, fullUrl, summaryLine } from "./format-report";
import { parseCliArgs } from "./parse-args";

const report: ExerciseReport = {
  exercise: "tracking-exercise",
  learner: "ada",
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 12,
  status: "failed",
  gradedRun: { runId: "abc", runName: "bold-fox", link: "/mlflow/#/experiments/1/runs/abc" },
  checks: [
    { id: "a", title: "Experiment exists", status: "passed", message: "ok" },
    {
      id: "b",
      title: "Param `num_trees` is logged",
      status: "failed",
      message: "param `num_trees` missing; this run has params `n_estimators`",
      hint: "Log the number of trees.",
      link: "/mlflow/#/experiments/1/runs/abc",
    },
    { id: "c", title: "Later", status: "skipped", message: "Not checked" },
    { id: "d", title: "Alias", status: "failed", message: "no alias", optional: true },
  ],
};

describe("formatReport", () => {
  it("prints a line per check, the details of misses with full links, and the summary last", () => {
    const text = formatReport(report, { siteUrl: "http://127.0.0.1:3000", color: false, title: "MLflow Tracking: exercise" });
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^=+ tracking-exercise: MLflow Tracking: exercise =+$/);
    expect(lines[1]).toBe("graded run: bold-fox (abc)  http://127.0.0.1:3000/mlflow/#/experiments/1/runs/abc");
    expect(lines).toContain("PASSED            Experiment exists");
    expect(lines).toContain("FAILED            Param `num_trees` is logged");
    expect(lines).toContain("SKIPPED           Later");
    expect(lines).toContain("FAILED (optional) Alias");
    expect(text).toContain(
      [
        "FAILED Param `num_trees` is logged",
        "    param `num_trees` missing; this run has params `n_estimators`",
        "    hint: Log the number of trees.",
        "    see: http://127.0.0.1:3000/mlflow/#/experiments/1/runs/abc",
      ].join("\n"),
    );
    expect(lines.at(-1)).toBe("1 passed, 1 failed, 1 optional failed, 1 skipped");
    expect(text).not.toContain("\u001b[");
  });

  it("colours statuses only when asked", () => {
    expect(formatReport(report, { siteUrl: "http://x", color: true })).toContain("\u001b[31mFAILED");
  });
});

describe("summaryLine", () => {
  const c = (status: "passed" | "failed" | "skipped" | "error") => ({ id: status, title: "", status, message: "" });
  it("always names passed and failed, the rest when nonzero", () => {
    expect(summaryLine([c("passed"), c("passed"), c("passed"), c("failed")])).toBe("3 passed, 1 failed");
    expect(summaryLine([c("passed")])).toBe("1 passed, 0 failed");
    expect(summaryLine([c("error"), c("skipped"), c("skipped")])).toBe("0 passed, 0 failed, 2 skipped, 1 error");
    expect(summaryLine([c("error"), c("error")])).toBe("0 passed, 0 failed, 2 errors");
  });
});

describe("fullUrl", () => {
  it("joins the site URL and a link path", () => {
    expect(fullUrl("http://127.0.0.1:3000/", "/mlflow/#/models/IrisModel")).toBe("http://127.0.0.1:3000/mlflow/#/models/IrisModel");
    expect(fullUrl("http://127.0.0.1:3000", "https://elsewhere/x")).toBe("https://elsewhere/x");
  });
});

describe("parseCliArgs", () => {
  it("reads an exercise, --all, --model-server and --attempt", () => {
    expect(parseCliArgs(["tracking-exercise"])).toEqual({ kind: "grade", exercises: "tracking-exercise", attempt: 1, modelServerUrl: undefined });
    expect(parseCliArgs(["--all", "--model-server", "http://127.0.0.1:6000", "--attempt", "3"])).toEqual({
      kind: "grade",
      exercises: "all",
      attempt: 3,
      modelServerUrl: "http://127.0.0.1:6000",
    });
    expect(parseCliArgs(["-h"])).toEqual({ kind: "help" });
  });

  it("reads --file, the code graded by spark-integration", () => {
    expect(parseCliArgs(["spark-integration", "--file", "mine.py"])).toEqual({
      kind: "grade",
      exercises: "spark-integration",
      attempt: 1,
      modelServerUrl: undefined,
      file: "mine.py",
    });
    expect(parseCliArgs(["--all", "--file", "mine.py"])).toMatchObject({ kind: "grade", exercises: "all", file: "mine.py" });
    expect(parseCliArgs(["spark-integration", "--file", " "])).toEqual({ kind: "usage-error", message: "--file needs the path of a Python file" });
  });

  it("explains wrong usage", () => {
    expect(parseCliArgs([])).toEqual({ kind: "usage-error", message: "which exercise?" });
    expect(parseCliArgs(["a", "b"])).toMatchObject({ kind: "usage-error" });
    expect(parseCliArgs(["--all", "a"])).toMatchObject({ kind: "usage-error" });
    expect(parseCliArgs(["a", "--attempt", "0"])).toMatchObject({ kind: "usage-error" });
    expect(parseCliArgs(["a", "--model-server", "localhost:5050"])).toMatchObject({ kind: "usage-error" });
    expect(parseCliArgs(["a", "--bogus"])).toMatchObject({ kind: "usage-error" });
  });
});

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../server/net/free-port";
import { startTempCourse, type TempCourse } from "../server/testing/temp-course";
import { runFixtures } from "./testing/run-fixtures";

/** `npm run check -- <exercise>` as a learner runs it: a subprocess against a real MLflow. */

const projectRoot = path.resolve(import.meta.dirname, "..");
const tsx = path.join(projectRoot, "node_modules", ".bin", "tsx");
const SITE_PORT = "3917";

let course: TempCourse;

beforeAll(async () => {
  course = await startTempCourse(["mlflow"]);
  await runFixtures(path.join(course.config.python.bin, "python"), course.config.mlflow.url, ["tracking_example_pass.py"]);
});

afterAll(async () => {
  await course?.stop();
});

function runCli(args: string[], trackingUri = course.config.mlflow.url, extraEnv: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: trackingUri, PORT: SITE_PORT, NO_COLOR: undefined, ...extraEnv };
    delete env.NO_COLOR;
    const child = spawn(tsx, [path.join(projectRoot, "scripts", "check.ts"), ...args], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1);

describe("grader CLI", () => {
  it("grades whatever else is wrong in the course's environment: only the variables it uses count", async () => {
    const { code, stderr } = await runCli(["tracking-example"], course.config.mlflow.url, { DATABASE_URL: "mysql://nope", COURSE_SESSION_SECRET: "short", COURSE_MODE: "sideways" });
    expect(code, stderr).toBe(0);
    const badPort = await runCli(["tracking-example"], undefined, { MLFLOW_TRACKING_URI: "", MLFLOW_PORT: "port-five-thousand" });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/MLFLOW_PORT/);
  });

  it("exits 0 and prints every check and the summary when the exercise passes", async () => {
    const { code, stdout, stderr } = await runCli(["tracking-example"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("tracking-example: MLflow Tracking: example");
    expect(stdout).toMatch(/^PASSED\s+Experiment `Tracking-Example` exists$/m);
    expect(stdout).toMatch(/^PASSED\s+A run has tag `notebook-type` = `example`$/m);
    expect(stdout).toMatch(new RegExp(`^graded run: .* http://127\\.0\\.0\\.1:${SITE_PORT}/mlflow/#/experiments/\\d+/runs/[0-9a-f]+$`, "m"));
    expect(lastLine(stdout)).toBe("2 passed, 0 failed");
    expect(stdout).not.toContain("\u001b["); // no colour when stdout is not a terminal
  });

  it("exits 1 with the details of each miss when a check fails", async () => {
    const { code, stdout } = await runCli(["tracking-exercise"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAILED\s+Experiment `Tracking-Exercise` exists$/m);
    expect(stdout).toMatch(/^SKIPPED\s+Param `num_trees` is logged$/m);
    expect(stdout).toContain("    no experiment named `Tracking-Exercise`; this MLflow has `Tracking-Example` and `Default`");
    expect(stdout).toContain("    hint: Your notebook must choose the experiment `Tracking-Exercise`");
    expect(stdout).toContain(`    see: http://127.0.0.1:${SITE_PORT}/mlflow/#/experiments`);
    expect(lastLine(stdout)).toBe("0 passed, 1 failed, 8 skipped");
  });

  it("--all grades every exercise and sums up", async () => {
    const closed = await findFreePort();
    const { code, stdout } = await runCli(["--all", "--model-server", `http://127.0.0.1:${closed}`]);
    expect(code).toBe(1);
    for (const id of ["tracking-example", "tracking-exercise", "model-registry", "model-aliases", "model-serving", "spark-integration"]) expect(stdout).toContain(`= ${id}: `);
    expect(stdout).toContain(`no model server running at http://127.0.0.1:${closed} (connection refused)`);
    expect(stdout).toContain("no code to check: run the exercise cell `predict-with-udf` in the lesson");
    expect(lastLine(stdout)).toBe("all exercises: 2 passed, 5 failed, 20 skipped");
  });

  it("spark-integration --file grades the code in the file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-spark-"));
    try {
      const file = path.join(dir, "mine.py");
      fs.writeFileSync(file, "def predict_label_with_mlflow_udf(spark, df)\n    return df\n");
      const { code, stdout } = await runCli(["spark-integration", "--file", file]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^FAILED\s+`predict_label_with_mlflow_udf\(spark, df\)` is defined and callable$/m);
      expect(stdout).toContain("    syntax error on line 1: expected ':' (`def predict_label_with_mlflow_udf(spark, df)`); nothing was run");
      expect(lastLine(stdout)).toBe("0 passed, 1 failed, 4 skipped");

      const missing = await runCli(["spark-integration", "--file", path.join(dir, "nope.py")]);
      expect(missing.code).toBe(2);
      expect(missing.stderr.trim()).toBe(`error: cannot read --file ${path.join(dir, "nope.py")}: no such file`);

      const notCode = await runCli(["tracking-exercise", "--file", file]);
      expect(notCode.code).toBe(2);
      expect(notCode.stderr.trim()).toBe("error: --file gives the code of spark-integration; tracking-exercise is graded from what is in MLflow");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with the valid ids for an unknown exercise", async () => {
    const { code, stdout, stderr } = await runCli(["tracking"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe('error: unknown exercise "tracking". Valid exercises: tracking-example, tracking-exercise, model-registry, model-aliases, model-serving, spark-integration');
  });

  it("exits 2 with one line and no stack trace when MLflow is unreachable", async () => {
    const port = await findFreePort();
    const { code, stdout, stderr } = await runCli(["tracking-exercise"], `http://127.0.0.1:${port}`);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `error: could not grade tracking-exercise: MLflow at http://127.0.0.1:${port} is not reachable (connection refused). Check that MLFLOW_TRACKING_URI points at a running MLflow server.`,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS } from "@/grader/grade";
import { kernelOutputCapBytes } from "../config/config";
import { lessonProgram, listLessons } from "../lessons/lesson-catalog";
import { rawRequest, readCellRun, type CellRunOutcome } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

/**
 * The whole course as one learner takes it, with every process of theirs in the sandbox
 * (COURSE_SANDBOX=on, solo mode, the built site): every lesson's cells in order with the
 * solutions through /api/cells/run, skipping the cells a lesson marks optional (so the lessons
 * and the Checks are shown not to need them), the model server started from the Serve panel's route
 * on the lessons' port (inside the learner's network namespace, and published on the machine's
 * loopback at the same port, as solo mode does), the playground, and every exercise's Check
 * through its route; the Spark Check's and the serving Check's helpers run in the sandbox too.
 * The command-line Check (`npm run check`) gives the page's verdict, check by check, before the
 * lessons (wrong) and after them (right).
 */
const lessons = listLessons(process.cwd());
const execFileAsync = promisify(execFile);

type Outcome = CellRunOutcome;

describe("the whole course runs in the sandbox", () => {
  let course: TempCourse;
  let site: string;

  async function post(path: string, body: unknown, method = "POST") {
    return rawRequest(site, { method, path, headers: { origin: site, "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  async function runCell(lesson: string, cellId: string, code: string): Promise<Outcome> {
    return readCellRun(await post("/api/cells/run", { lesson, cellId, code }));
  }

  /** An exercise's checks as the page's Check reports them, and its verdict as an exit status. */
  async function pageChecks(exercise: string) {
    const checked = await post(`/api/exercises/${exercise}/check`, {});
    expect(checked.status, checked.text).toBe(200);
    const report = checked.json.report as { status: string; checks: { status: string; title: string }[] };
    return { exit: { passed: 0, failed: 1 }[report.status] ?? 2, checks: report.checks.map((check) => `${check.status.toUpperCase()} ${check.title}`) };
  }

  /** The same from `npm run check -- <exercise>` on this machine, as a learner runs it in a terminal. */
  async function commandLineChecks(exercise: string, file?: string) {
    const args = ["run", "--silent", "check", "--", exercise, ...(file ? ["--file", file] : [])];
    const env = { ...process.env, MLFLOW_TRACKING_URI: course.config.mlflow.url, NO_COLOR: "1" };
    const ran = await execFileAsync("npm", args, { cwd: process.cwd(), env, timeout: 400_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: `${error.stdout}${error.stderr}` }),
    );
    const summary = ran.stdout.split(/^-+ details -+$/m)[0];
    const checks = [...summary.matchAll(/^(PASSED|FAILED|SKIPPED|ERROR)(?: \(optional\))?\s+(.+)$/gm)].map((line) => `${line[1]} ${line[2]}`);
    return { exit: ran.code, checks, printed: ran.stdout };
  }

  async function expectSameVerdicts(expected: "wrong" | "right") {
    const code = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cli-check-")), "udf.py");
    const udf = lessonProgram(process.cwd(), "spark-integration").find((cell) => cell.id === "predict-with-udf")!;
    fs.writeFileSync(code, udf.code);
    for (const exercise of EXERCISE_IDS) {
      const page = await pageChecks(exercise);
      // Right: the spark exercise's code as the learner ran it (the page grades their saved code).
      const cli = await commandLineChecks(exercise, expected === "right" && exercise === "spark-integration" ? code : undefined);
      expect({ exercise, exit: cli.exit, checks: cli.checks }, cli.printed).toEqual({ exercise, ...page });
      expect({ exercise, exit: page.exit }).toEqual({ exercise, exit: expected === "right" ? 0 : 1 });
    }
  }

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "solo", COURSE_SANDBOX: "on", DATABASE_URL: "" });
    site = `http://127.0.0.1:${course.config.site.port}`;
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("gives the same verdict on the command line as on the page for every exercise, before the lessons", { timeout: 600_000 }, async () => {
    await expectSameVerdicts("wrong");
  });

  for (const lesson of lessons) {
    const slug = lesson.frontMatter.slug;
    it(`runs lesson ${lesson.frontMatter.order}: ${lesson.frontMatter.title}`, { timeout: 600_000 }, async () => {
      if (lesson.segments.some((segment) => segment.kind === "widget" && segment.name === "serve-panel")) {
        const started = await post("/api/model-server", { modelUri: "models:/IrisModel/Staging", port: 5050 });
        expect(started.status, started.text).toBe(200);
        let state = started.json.state;
        for (let waited = 0; state === "starting" && waited < 150; waited++) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          state = (await rawRequest(site, { path: "/api/model-server" })).json.state;
        }
        expect(state).toBe("ready");
      }
      // As a learner may: the cells the lesson calls optional are skipped here (every-lesson-executes runs them).
      for (const cell of lessonProgram(process.cwd(), slug, { skipOptional: true })) {
        const { text: _printed, ...outcome } = await runCell(slug, cell.id, cell.code);
        expect({ cell: cell.id, ...outcome }).toEqual({ cell: cell.id, status: "ok", problems: [] });
      }
    });
  }

  it("ran the lessons on the course's kernel: requirements answered from the course's table, output capped in the kernel", async () => {
    const ran = await runCell(
      "tracking-exercise",
      "load-data",
      "import sys\nfrom mlflow.utils import requirements_utils\nprint(requirements_utils._capture_imported_modules.answered > 0, type(sys.stdout).__name__, sys.stdout.cap)",
    );
    expect(ran.text.trim(), JSON.stringify(ran)).toBe(`True CappedOutStream ${kernelOutputCapBytes(course.config)}`);
  });

  it("answers the playground from the learner's sandboxed model server", async () => {
    const answer = await post("/api/model-server/invocations", { body: JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }), contentType: "application/json" });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.status).toBe(200);
    expect(JSON.parse(answer.json.body)).toEqual({ predictions: [0] });
  });

  it("passes every exercise's Check with the lessons' solutions, on the page and on the command line alike; the model server answers at the shown address", { timeout: 900_000 }, async () => {
    const shown = (await rawRequest(site, { path: "/api/model-server" })).json.url;
    expect(shown).toBe("http://127.0.0.1:5050");
    const score = async (type: string, body: string) => {
      const answer = await fetch(`${shown}/invocations`, { method: "POST", headers: { "content-type": type }, body });
      return [answer.status, (await answer.json()).predictions];
    };
    const features = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
    expect(await score("application/json", JSON.stringify({ inputs: [[5.1, 3.5, 1.4, 0.2]] }))).toEqual([200, [0]]);
    expect(await score("application/json", JSON.stringify({ dataframe_split: { columns: features, data: [[5.1, 3.5, 1.4, 0.2]] } }))).toEqual([200, [0]]);
    expect(await score("text/csv", `${features.join(",")}\n5.1,3.5,1.4,0.2\n`)).toEqual([200, [0]]);
    await expectSameVerdicts("right");
  });
});

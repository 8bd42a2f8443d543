import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS } from "@/grader/grade";
import { kernelOutputCapBytes } from "../config/config";
import { lessonProgram, listLessons } from "../lessons/lesson-catalog";
import { rawRequest, readCellRun, type CellRunOutcome } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

/**
 * The whole course as one learner takes it, with every process of theirs in the sandbox
 * (COURSE_SANDBOX=on, solo mode, the built site): every lesson's cells in order with the
 * solutions through /api/cells/run, the model server started from the Serve panel's route
 * on the lessons' port (its port is inside the learner's network namespace: the machine's
 * 5050 plays no part), the playground, and every exercise's Check through its route; the
 * Spark Check's and the serving Check's helpers run in the sandbox too.
 */
const lessons = listLessons(process.cwd());

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

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "solo", COURSE_SANDBOX: "on", DATABASE_URL: "" });
    site = `http://127.0.0.1:${course.config.site.port}`;
  });
  afterAll(async () => {
    await course?.stop();
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
      for (const cell of lessonProgram(process.cwd(), slug)) {
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

  it("passes every exercise's Check with the lessons' solutions", { timeout: 600_000 }, async () => {
    const outcomes: Record<string, string> = {};
    for (const exercise of EXERCISE_IDS) {
      const checked = await post(`/api/exercises/${exercise}/check`, {});
      const report = checked.json.report;
      outcomes[exercise] = report?.status === "passed" ? "passed" : `${checked.status} ${JSON.stringify(report?.checks?.filter((check: { status: string }) => check.status !== "passed") ?? checked.json)}`;
    }
    expect(outcomes).toEqual(Object.fromEntries(EXERCISE_IDS.map((exercise) => [exercise, "passed"])));
  });
});

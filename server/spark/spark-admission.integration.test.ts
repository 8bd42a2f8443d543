import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CourseRuntime } from "../runtime/course-runtime";
import { collectCell } from "../testing/collect-cell";
import { joinClass, rawRequest, readCellRun, signInAsInstructor } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

const projectRoot = path.resolve(import.meta.dirname, "..", "..");
const SPARK_LESSON = "spark-integration";
const START_SPARK = [
  "import os, sys",
  'os.environ["PYSPARK_PYTHON"] = sys.executable',
  "from pyspark.sql import SparkSession",
  'spark = SparkSession.builder.master("local[*]").appName("admission").config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.log.level", "ERROR").getOrCreate()',
  'print("spark up", spark.range(3).count())',
].join("\n");
const IDLE_SECONDS = 45;
const CELL_LIMIT_SECONDS = 40;

/**
 * Spark admitted, not overcommitted, on a real course (sandboxed kernels, real Spark, one Spark
 * slot): a learner's Spark cell waits its turn, saying where it stands, beyond its time limit
 * without being cut off; an idle session is asked for its slot back and its learner is told; a
 * Spark Check waits behind a session and passes when its turn comes.
 */
describe("Spark slots", () => {
  let course: TempCourse;
  let site: string;
  let ada: { cookie: string; id: string };
  let bob: { cookie: string; id: string };
  const run = async (learner: { cookie: string }, code: string, cellId = "start-spark") => {
    const began = Date.now();
    const response = await rawRequest(site, { method: "POST", path: "/api/cells/run", headers: { origin: site, cookie: learner.cookie, "content-type": "application/json" }, body: JSON.stringify({ lesson: SPARK_LESSON, cellId, code }) });
    const notices = response.text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((event) => event.type === "notice")
      .map((event) => event.text as string);
    return { ...readCellRun(response), notices, seconds: (Date.now() - began) / 1000 };
  };
  const queue = async (learner: { cookie: string }) => (await rawRequest(site, { path: "/api/spark", headers: { cookie: learner.cookie } })).json;

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "spark-teacher",
      COURSE_SANDBOX: "on",
      DATABASE_URL: "",
      COURSE_SPARK_SLOTS: "1",
      COURSE_SPARK_IDLE_MINUTES: String(IDLE_SECONDS / 60),
      CELL_TIME_LIMIT_SECONDS: String(CELL_LIMIT_SECONDS),
    });
    site = `http://127.0.0.1:${course.config.site.port}`;
    const instructor = await signInAsInstructor(site, "spark-teacher");
    const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    ada = await joinClass(site, classCode, "Ada");
    bob = await joinClass(site, classCode, "Bob");
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("makes a learner's Spark wait for a slot, saying where it stands, past the cell's time limit without cutting it off", async () => {
    const first = await run(ada, START_SPARK);
    expect(first.status, first.text + first.problems.join("\n")).toBe("ok");
    expect(first.text).toContain("spark up 3");

    const waiting = run(bob, START_SPARK);
    let seen: { message: string; ahead: number } | null = null;
    for (let tries = 0; tries < 60 && !seen; tries++) {
      seen = (await queue(bob)).session;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(seen, "Bob's session waits in the queue").toMatchObject({ ahead: 0, reason: "slots" });
    expect(seen!.message).toMatch(/Spark is busy \(1 sessions run at once on this machine\): you are next, about \d+ s/);

    // Ada's session has been unused while Bob waits: the course asks for its slot back, and Bob's turn comes.
    const second = await waiting;
    expect(second.status, second.text + second.problems.join("\n")).toBe("ok");
    expect(second.text).toContain("Spark is busy");
    expect(second.text).toContain("Spark's turn has come");
    expect(second.text).toContain("spark up 3");
    expect(second.seconds, "the wait did not count against the cell's time limit").toBeGreaterThan(CELL_LIMIT_SECONDS);

    // Ada's next cell hears that her idle session was stopped, and her old `spark` is gone.
    const after = await run(ada, "print(spark.range(2).count())", "iris-dataframe");
    expect(after.notices.join("\n")).toMatch(/The course stopped your Spark session after \d+ minutes? without use/);
    expect(after.status).not.toBe("ok");
  });

  it("queues a Spark Check behind a session and passes it when its turn comes", async () => {
    const staged = await run(
      ada,
      [
        "import mlflow, mlflow.sklearn",
        "from mlflow import MlflowClient",
        "from sklearn.datasets import load_iris",
        "from sklearn.ensemble import RandomForestClassifier",
        "iris = load_iris(as_frame=True)",
        "model = RandomForestClassifier(n_estimators=20, random_state=1).fit(iris.data, iris.target)",
        'mlflow.set_experiment("spark-admission")',
        "with mlflow.start_run():",
        '    info = mlflow.sklearn.log_model(model, name="model", registered_model_name="IrisModel", skops_trusted_types=["sklearn.tree._tree.Tree"])',
        'MlflowClient().transition_model_version_stage("IrisModel", info.registered_model_version, "Staging")',
        'print("staged")',
      ].join("\n"),
      "create-udf",
    );
    expect(staged.text, staged.problems.join("\n")).toContain("staged");
    const solution = fs.readFileSync(path.join(projectRoot, "lessons", "solutions", SPARK_LESSON, "predict-with-udf.py"), "utf8");
    const saved = await rawRequest(site, { method: "PUT", path: "/api/cells/code", headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" }, body: JSON.stringify({ lesson: SPARK_LESSON, cellId: "predict-with-udf", code: solution }) });
    expect(saved.status).toBe(200);

    // Bob holds the one slot (his session from the test above); Ada's Check waits for it.
    expect((await queue(bob)).session).toBeNull();
    const check = rawRequest(site, { method: "POST", path: "/api/exercises/spark-integration/check", headers: { origin: site, cookie: ada.cookie } });
    let waiting: { message: string } | null = null;
    for (let tries = 0; tries < 60 && !waiting; tries++) {
      waiting = (await queue(ada)).check;
      if (!waiting) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(waiting?.message).toMatch(/Spark is busy .*you are next.*Your Check waits its turn/);
    const graded = await check;
    expect(graded.status, graded.text).toBe(200);
    expect(graded.json.report.status, JSON.stringify(graded.json.report.checks)).toBe("passed");
    expect((await queue(ada)).check).toBeNull();
  });

  it("refuses a new kernel and a model server below the memory floor, with what to do", async () => {
    const short = await CourseRuntime.start({ ...course.config, capacity: { ...course.config.capacity, memoryFloorMb: 100_000_000 } });
    try {
      const cell = await collectCell(short.learner("carol").kernel, "print(1)");
      expect(cell.done?.status).toBe("error");
      expect(cell.notices.join("\n")).toMatch(/short of memory right now .* did not start your Python kernel\. Try again in a minute/);
      await expect(short.learner("carol").modelServer.start("models:/IrisModel/Staging", course.config.modelServers.defaultPort, undefined)).rejects.toThrow(/did not start your model server/);
    } finally {
      await short.stop();
    }
  });
});

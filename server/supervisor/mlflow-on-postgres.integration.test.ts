import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grade } from "../../grader/grade";
import type { Env } from "../config/config";
import { joinClass, rawRequest, runCellAs, signInAsInstructor } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { createTestDatabase, type TestDatabase } from "../testing/test-postgres";

/**
 * The course's MLflow with its backend store on PostgreSQL (COURSE_MLFLOW_DATABASE_URL) and its
 * artifacts in a shared folder (COURSE_MLFLOW_ARTIFACTS_DIR): a second MLflow server on the same
 * two (a replica, as a load balancer would spread a class over) serves what a learner logged
 * through the first, in the learner's workspace only.
 */
describe("MLflow on PostgreSQL and a shared artifact folder, two servers", () => {
  let database: TestDatabase;
  let artifacts: string;
  let course: TempCourse;
  let replica: TempCourse;
  let site: string;
  let ada = { cookie: "", id: "" };
  let adaWorkspace = "";
  let runId = "";

  beforeAll(async () => {
    database = await createTestDatabase("mlflow_store_test");
    artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "shared-artifacts-"));
    const mlflowStores: Env = { COURSE_MLFLOW_DATABASE_URL: database.url, COURSE_MLFLOW_ARTIFACTS_DIR: artifacts, COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "mlflow-store-secret" };
    course = await startTempCourse(["mlflow", "jupyter", "site"], { ...mlflowStores, COURSE_SANDBOX: "off", DATABASE_URL: "" });
    // Started once the first has created MLflow's tables: the replica finds them ready.
    replica = await startTempCourse(["mlflow"], { ...mlflowStores, DATABASE_URL: "" });
    site = `http://127.0.0.1:${course.config.site.port}`;
    const instructor = await signInAsInstructor(site, "mlflow-store-secret");
    const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    ada = await joinClass(site, classCode, "Ada");
    await joinClass(site, classCode, "Bob");
    adaWorkspace = (await rawRequest(site, { path: "/mlflow/api/3.0/mlflow/workspaces", headers: { cookie: ada.cookie } })).json.workspaces[0].name;
  }, 300_000);

  afterAll(async () => {
    await replica?.stop();
    await course?.stop();
    await database?.drop();
    if (artifacts) fs.rmSync(artifacts, { recursive: true, force: true });
  });

  it("keeps MLflow's runs in PostgreSQL and its artifacts in the shared folder, not in the data folder", async () => {
    const fixtures = path.join(course.config.projectRoot, "grader", "fixtures");
    const response = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" },
      body: JSON.stringify({
        lesson: "tracking-example",
        cellId: "load-data",
        code: [
          "import sys, mlflow",
          `sys.path.insert(0, ${JSON.stringify(fixtures)})`,
          "from iris_solution import log_tracking_example_run",
          "run_id = log_tracking_example_run()",
          "with mlflow.start_run(run_id=run_id):",
          "    mlflow.log_text('written through the first server', 'notes.txt')",
          "print('run', run_id)",
        ].join("\n"),
      }),
    });
    runId = /run ([0-9a-f]{32})\\n"/.exec(response.text)?.[1] ?? "";
    expect(runId, response.text).not.toBe("");
    expect(fs.existsSync(path.join(course.dataDir, "mlflow", "mlflow.db"))).toBe(false);
    expect(fs.readdirSync(path.join(artifacts, "workspaces")), "artifacts under the learner's workspace in the shared folder").toContain(adaWorkspace);
  });

  it("serves the same runs and artifacts from the second server: the learner's Check passes against either", async () => {
    const checked = await rawRequest(site, { method: "POST", path: "/api/exercises/tracking-example/check", headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" }, body: "{}" });
    expect(checked.json.report?.status, checked.text).toBe("passed");
    const pythonBin = path.join(course.config.python.bin, "python");
    const notes = await rawRequest(replica.config.mlflow.url, { path: `/get-artifact?path=notes.txt&run_uuid=${runId}`, headers: { "x-mlflow-workspace": adaWorkspace } });
    expect(notes.text, "an artifact uploaded through the first server, read through the second").toBe("written through the first server");
    const onReplica = await grade("tracking-example", { mlflow: { baseUrl: replica.config.mlflow.url, workspace: adaWorkspace }, learner: ada.id, pythonBin });
    expect(onReplica.status, JSON.stringify(onReplica.checks)).toBe("passed");
  });

  it("keeps workspaces apart on the second server too", async () => {
    const bobWorkspace = (await rawRequest(replica.config.mlflow.url, { path: "/api/3.0/mlflow/workspaces" })).json.workspaces
      .map((workspace: { name: string }) => workspace.name)
      .find((name: string) => name !== adaWorkspace && name !== "default");
    expect(bobWorkspace).toBeTruthy();
    const experiments = async (workspace: string) =>
      (await rawRequest(replica.config.mlflow.url, { path: "/api/2.0/mlflow/experiments/search?max_results=50", headers: { "x-mlflow-workspace": workspace } })).json.experiments ?? [];
    const names = async (workspace: string) => (await experiments(workspace)).map((experiment: { name: string }) => experiment.name);
    expect(await names(adaWorkspace)).toContain("Tracking-Example");
    expect(await names(bobWorkspace)).not.toContain("Tracking-Example");
  });

  it("archives the versions a stage held when a version moves there with archive_existing_versions through the course (MLflow alone refuses it on PostgreSQL)", async () => {
    const fixtures = path.join(course.config.projectRoot, "grader", "fixtures");
    // Three versions, from the learner's kernel (unsandboxed here: it reaches MLflow itself, not through the course).
    const registered = await runCellAs(
      site,
      ada.cookie,
      [
        "import sys",
        `sys.path.insert(0, ${JSON.stringify(fixtures)})`,
        "from iris_solution import log_tracking_exercise_run, register",
        "print([register(log_tracking_exercise_run()) for _ in range(3)])",
      ].join("\n"),
    );
    expect(registered.stdout.trim().split("\n").at(-1), registered.all).toBe("['1', '2', '3']");
    // The MLflow UI's own request (its "archive existing versions" checkbox) through the browser's proxy, twice.
    const transition = (version: string) =>
      rawRequest(site, {
        method: "POST",
        path: "/mlflow/ajax-api/2.0/mlflow/model-versions/transition-stage",
        // A forged workspace header: the course's archiving, like the transition, stays in Ada's own.
        headers: { origin: site, cookie: ada.cookie, "content-type": "application/json", "x-mlflow-workspace": "default" },
        body: JSON.stringify({ name: "IrisModel", version, stage: "staging", archive_existing_versions: true }),
      });
    expect((await transition("1")).status).toBe(200);
    expect((await transition("2")).status).toBe(200);
    const moved = await transition("3");
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.model_version).toMatchObject({ version: "3", current_stage: "Staging" });
    const stages = (await rawRequest(site, { path: "/mlflow/api/2.0/mlflow/model-versions/search?filter=name%3D%27IrisModel%27", headers: { cookie: ada.cookie } })).json.model_versions
      .map((version: { version: string; current_stage: string }) => `${version.version}:${version.current_stage}`)
      .sort();
    expect(stages).toStrictEqual(["1:Archived", "2:Archived", "3:Staging"]);
    // Nothing landed outside Ada's workspace (the default one of the second server stays empty).
    expect((await rawRequest(replica.config.mlflow.url, { path: "/api/2.0/mlflow/registered-models/search" })).json.registered_models ?? []).toStrictEqual([]);
  });
});

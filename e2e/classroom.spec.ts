import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E_INSTRUCTOR_PASSWORD } from "./global-setup";
import { classCode, classroomUrl as classroom, joinClass as newLearner, runCell, setCell, signInInstructor } from "./helpers";

const solution = fs.readFileSync(path.resolve(import.meta.dirname, "..", "lessons", "solutions", "tracking-exercise", "track-the-run.py"), "utf8");

async function completeTrackingExercise(page: Page) {
  await page.goto("/lessons/tracking-exercise");
  await runCell(page, "load-data");
  await runCell(page, "define-model");
  await setCell(page, "track-the-run", solution);
  await runCell(page, "track-the-run");
  const panel = page.getByTestId("check-tracking-exercise");
  await panel.getByRole("button", { name: "Check" }).click();
  await expect(panel).toHaveAttribute("data-status", "passed", { timeout: 60_000 });
}

test("two learners do the same exercise in private workspaces while the instructor watches", async ({ browser }) => {
  test.setTimeout(600_000);
  const instructor = await signInInstructor(browser);
  const code = await classCode(instructor);

  const alice = await newLearner(browser, code, "Alice");
  const bob = await newLearner(browser, code, "Bob");
  await expect(instructor.getByTestId("matrix-row-Alice")).toBeVisible();
  await expect(instructor.getByTestId("matrix-row-Bob")).toBeVisible();

  await completeTrackingExercise(alice);
  await completeTrackingExercise(bob);

  // Each sees exactly one run of their own Tracking-Exercise, in the API and in the MLflow UI.
  for (const page of [alice, bob]) {
    const experiment = await page.request.get("/mlflow/api/2.0/mlflow/experiments/get-by-name?experiment_name=Tracking-Exercise");
    const experimentId = (await experiment.json()).experiment.experiment_id;
    const runs = await page.request.post("/mlflow/api/2.0/mlflow/runs/search", { data: { experiment_ids: [experimentId] }, headers: { origin: classroom() } });
    expect((await runs.json()).runs).toHaveLength(1);
  }
  const aliceExperiment = (await (await alice.request.get("/mlflow/api/2.0/mlflow/experiments/get-by-name?experiment_name=Tracking-Exercise")).json()).experiment;
  // The course's "MLflow UI" link opens Bob's own workspace, with his experiment only.
  await bob.goto("/");
  await bob.getByRole("link", { name: "MLflow UI", exact: true }).click();
  await expect(bob.getByRole("link", { name: "Tracking-Exercise" })).toHaveCount(1, { timeout: 30_000 });
  const bobExperimentId = (await (await bob.request.get("/mlflow/api/2.0/mlflow/experiments/get-by-name?experiment_name=Tracking-Exercise")).json()).experiment.experiment_id;
  await bob.getByRole("link", { name: "Tracking-Exercise" }).click();
  await expect(bob).toHaveURL(new RegExp(`#/experiments/${bobExperimentId}`));
  expect(bobExperimentId).not.toBe(aliceExperiment.experiment_id);

  // Bob's forged requests are refused or stay in his workspace.
  const forged = { "X-MLFLOW-WORKSPACE": aliceExperiment.workspace, origin: classroom() };
  const aliceRunsAsBob = await bob.request.post(`/mlflow/api/2.0/mlflow/runs/search?workspace=${aliceExperiment.workspace}`, {
    data: { experiment_ids: [aliceExperiment.experiment_id] },
    headers: forged,
  });
  expect((await aliceRunsAsBob.json()).runs ?? []).toHaveLength(0);
  expect((await bob.request.get("/api/instructor/class")).status()).toBe(403);
  expect((await bob.goto("/instructor"))?.status()).toBe(403);
  expect((await bob.request.post("/mlflow/api/3.0/mlflow/workspaces", { data: { name: "bobs-now" }, headers: { origin: classroom() } })).status()).toBe(403);

  // The instructor sees both learners' passes, live.
  for (const name of ["Alice", "Bob"]) {
    await expect(instructor.getByTestId(`matrix-row-${name}`).getByTestId("matrix-cell-tracking-exercise")).toHaveAttribute("data-state", "passed");
  }
});

test("a stranger in classroom mode sees only the join page", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: classroom() });
  const page = await context.newPage();
  for (const url of ["/", "/lessons/tracking-example", "/mlflow/"]) {
    await page.goto(url);
    if (url === "/mlflow/") await expect(page.getByRole("heading", { name: "Join the class first" })).toBeVisible();
    else await expect(page).toHaveURL(/\/join$/);
  }
  expect((await page.request.get("/api/health")).status()).toBe(401);
  await context.close();
});

test("the instructor's dashboard updates live and exports both learners", async ({ browser }) => {
  test.setTimeout(600_000);
  const instructorContext = await browser.newContext({ baseURL: classroom(), acceptDownloads: true });
  const instructor = await instructorContext.newPage();
  await instructor.goto("/instructor");
  if (await instructor.getByLabel("Password").isVisible().catch(() => false)) {
    await instructor.getByLabel("Password").fill(E2E_INSTRUCTOR_PASSWORD);
    await instructor.getByRole("button", { name: "Sign in" }).click();
  }
  await expect(instructor.getByRole("heading", { name: "Class dashboard" })).toBeVisible();
  await expect(instructor.getByTestId("class-code")).toHaveText(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
  const code = (await instructor.getByTestId("class-code").innerText()).trim();

  const carol = await newLearner(browser, code, "Carol");
  const dave = await newLearner(browser, code, "Dave");
  await expect(instructor.getByTestId("matrix-row-Carol")).toBeVisible();

  // Carol passes the tracking example.
  await carol.goto("/lessons/tracking-example");
  await carol.getByRole("button", { name: "Run all cells" }).click();
  await expect(carol.locator("section[data-phase]").last().getByTestId("execution-count")).toHaveText(/\[\d+\]/, { timeout: 240_000 });
  await expect(carol.locator('section[data-phase="running"], section[data-phase="queued"]')).toHaveCount(0, { timeout: 240_000 });
  await carol.getByTestId("check-tracking-example").getByRole("button", { name: "Check" }).click();
  await expect(carol.getByTestId("check-tracking-example")).toHaveAttribute("data-status", "passed", { timeout: 60_000 });

  // Dave checks twice without having run anything: the same check fails twice.
  await dave.goto("/lessons/tracking-example");
  const daveCheck = dave.getByTestId("check-tracking-example");
  for (let i = 0; i < 2; i++) {
    await daveCheck.getByRole("button", { name: "Check" }).click();
    await expect(daveCheck).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
    await expect(daveCheck.getByRole("button", { name: "Check" })).toBeEnabled();
  }

  // No reload: the dashboard polls.
  await expect(instructor.getByTestId("matrix-row-Carol").getByTestId("matrix-cell-tracking-example")).toHaveAttribute("data-state", "passed");
  const daveCell = instructor.getByTestId("matrix-row-Dave").getByTestId("matrix-cell-tracking-example");
  await expect(daveCell).toHaveAttribute("data-state", "in-progress");
  await expect(daveCell).toContainText("2 attempts");
  const failures = instructor.getByTestId("common-failures");
  await expect(failures).toBeVisible();
  await expect(failures.locator("tr").filter({ hasText: "Tracking" }).first()).toContainText("2 failed attempts");

  // Drill down into Dave, then export.
  await instructor.getByTestId("matrix-row-Dave").getByRole("button", { name: "Dave" }).click();
  await expect(instructor.getByTestId("learner-drilldown")).toContainText("tracking-example");
  const download = instructor.waitForEvent("download");
  await instructor.getByRole("link", { name: "Attempts CSV" }).click();
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  expect(csv.split("\n")[0]).toContain("learner_name");
  expect(csv).toContain("Carol");
  expect(csv).toContain("Dave");
});

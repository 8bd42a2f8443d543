import { expect, test } from "@playwright/test";
import { classCode, expectAccessible, joinClass, signInInstructor } from "./helpers";

test("a learner who missed the tracking exercise catches up from lesson 4 and sees the solution that ran", async ({ browser }) => {
  test.setTimeout(600_000);
  const instructor = await signInInstructor(browser);
  const learner = await joinClass(browser, await classCode(instructor), "Cato");

  await learner.goto("/lessons/model-registry");
  const banner = learner.getByTestId("needs-banner");
  await expect(banner.getByRole("heading", { name: "This lesson builds on work your MLflow does not have yet" })).toBeVisible({ timeout: 30_000 });
  const missing = banner.getByTestId("need-tracking-exercise");
  await expect(missing.getByRole("link", { name: /lesson 3/ })).toHaveAttribute("href", "/lessons/tracking-exercise#check-tracking-exercise-title");
  await expectAccessible(learner, "lesson 4 with a missing need");
  // The lesson's optional cell says so, to the eye and to a screen reader; the others do not.
  await expect(learner.getByTestId("cell-set-alias").getByText("Optional", { exact: true })).toBeVisible();
  await expect(learner.getByRole("region", { name: "Cell 3 (optional)" })).toHaveAttribute("data-testid", "cell-set-alias");
  await expect(learner.getByTestId("cell-load-by-uri").getByText("Optional", { exact: true })).toHaveCount(0);

  // Keyboard: the button is reachable and pressed with Enter.
  await banner.getByRole("button", { name: "Catch me up" }).focus();
  await learner.keyboard.press("Enter");
  await expect(banner.getByTestId("catch-up-status")).toHaveText(/Caught up: .*tracking/i, { timeout: 300_000 });
  await expect(banner.getByRole("heading", { name: "Caught up", exact: true })).toBeVisible();
  await expect(banner.getByTestId("solution-code")).toContainText("mlflow.sklearn.log_model");
  await expect(banner.getByTestId("your-code")).toContainText("you have not changed the starter code");

  // The exercise's own page shows it as caught up (not passed), with the solution beside the learner's code.
  await learner.goto("/lessons/tracking-exercise");
  const panel = learner.getByTestId("check-tracking-exercise");
  await expect(panel.getByTestId("caught-up-badge")).toBeVisible();
  await expect(panel.getByText("Passed", { exact: true })).toHaveCount(0);
  await panel.getByText("The reference solution Catch me up ran, beside your code").click();
  await expect(panel.getByTestId("solution-code")).toContainText("mlflow.start_run");

  // The instructor's matrix shows it as caught up, live.
  await expect(instructor.getByTestId("matrix-row-Cato").getByTestId("matrix-cell-tracking-exercise")).toHaveAttribute("data-state", "caught-up", { timeout: 30_000 });
  await expect(instructor.getByTestId("matrix-row-Cato").getByTestId("matrix-cell-tracking-exercise")).toContainText("caught up");
});

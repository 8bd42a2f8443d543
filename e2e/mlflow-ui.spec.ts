import { expect, test } from "@playwright/test";

// MLflow 3's UI opens in its GenAI view, with its Assistant panel open on a first visit; the course
// opens it in the classic Model training view the lessons use, and leaves the learner's choice alone.
test("the MLflow UI opens in its Model training view, without the Assistant panel, and keeps the learner's choice", async ({ page }) => {
  await page.goto("/");
  // The course's page leaves its defaults for MLflow's UI once it has hydrated; on a busy machine
  // going on at once could reach MLflow before that.
  await expect.poll(() => page.evaluate(() => window.localStorage.getItem("mlflow.workflowType_v1")), { timeout: 30_000 }).not.toBeNull();
  await page.goto("/mlflow/#/experiments");
  const sidebar = page.getByRole("link", { name: "Model registry" });
  // The first visit loads MLflow's UI bundle (megabytes of JavaScript, through the proxy): on a
  // busy 2-core machine that once took longer than the usual 15 s.
  await expect(sidebar).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("link", { name: "Prompts" })).toHaveCount(0);
  await expect(page.getByText("Welcome to MLflow Assistant")).toHaveCount(0);

  // The learner switches to GenAI: the course does not switch it back.
  await page.getByText("GenAI", { exact: true }).click();
  await expect(page.getByRole("link", { name: "Prompts" })).toBeVisible();
  await page.goto("/");
  await page.goto("/mlflow/#/experiments");
  await expect(page.getByRole("link", { name: "Prompts" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Model registry" })).toHaveCount(0);
});

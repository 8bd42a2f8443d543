import { expect, test } from "@playwright/test";

test("the home page shows the course outline and every service healthy", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Learn MLflow by doing it" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Course outline" })).toBeVisible();
  const panel = page.getByTestId("status-panel");
  await expect(panel).toHaveAttribute("data-status", "ok");
  await expect(page.getByTestId("status-mlflow")).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("status-mlflow")).toContainText(/3\.\d+\.\d+/);
  await expect(page.getByTestId("status-jupyter")).toHaveAttribute("data-state", "ok");
});

test("/mlflow/ serves the real MLflow UI with its Experiments and Models pages", async ({ page }) => {
  const failures: string[] = [];
  page.on("requestfailed", (request) => failures.push(request.url()));
  await page.goto("/mlflow/#/experiments");
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Default" })).toBeVisible();

  await page.goto("/mlflow/#/models");
  await expect(page.getByRole("heading", { name: "Registered Models" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create model" })).toBeVisible();
  // Nothing the UI needs is fetched from outside the app.
  expect(failures.filter((url) => !url.startsWith(test.info().project.use.baseURL ?? ""))).toEqual([]);
});

test("an experiment created in the proxied UI exists in MLflow", async ({ page, request }) => {
  const name = `Created-In-The-UI-${Date.now()}`;
  await page.goto("/mlflow/#/experiments");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("textbox").first().fill(name);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog).toBeHidden();

  const response = await request.get(`/mlflow/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`);
  expect(response.status()).toBe(200);
  expect((await response.json()).experiment.lifecycle_stage).toBe("active");
});

test("a request while MLflow answers an unknown path gets MLflow's own 404", async ({ request }) => {
  const response = await request.get("/mlflow/this-page-does-not-exist");
  expect(response.status()).toBe(404);
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
});

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

test("a walk through the course's pages asks for nothing missing and logs no error (its icon included)", async ({ page, request }) => {
  const missing: string[] = [];
  const errors: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  for (const [path, heading] of [
    ["/", "Learn MLflow by doing it"],
    ["/lessons/welcome", "Welcome"],
    ["/lessons/model-serving", /Serving/],
    ["/progress", "My progress"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
  }
  expect(missing).toStrictEqual([]);
  expect(errors).toStrictEqual([]);
  // The icon the pages name, and the one browsers ask for by themselves.
  const named = await page.locator('link[rel="icon"]').evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href));
  expect(named.length).toBeGreaterThan(0);
  for (const href of [...named, "/favicon.ico"]) {
    const icon = await request.get(href);
    expect(icon.status(), href).toBe(200);
    expect(icon.headers()["content-type"], href).toMatch(/^image\//);
  }
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
  // Other popovers (MLflow's guidance tips) are dialogs too: pick the form by its content.
  const dialog = page.getByRole("dialog").filter({ has: page.getByRole("button", { name: "Create", exact: true }) });
  await dialog.getByRole("textbox").first().fill(name);
  const created = page.waitForResponse((response) => response.url().endsWith("/mlflow/ajax-api/2.0/mlflow/experiments/create"));
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  expect((await created).status()).toBe(200);
  await expect(dialog).toBeHidden();

  const response = await request.get(`/mlflow/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`);
  expect(response.status()).toBe(200);
  expect((await response.json()).experiment.lifecycle_stage).toBe("active");
});

test("an address under /mlflow/ that is no MLflow route is 404, and the course stays healthy", async ({ request }) => {
  const response = await request.get("/mlflow/this-page-does-not-exist");
  expect(response.status()).toBe(404);
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
});

test("a model registered and staged in the proxied UI is in Staging in MLflow", async ({ page, request }) => {
  test.setTimeout(120_000);
  const { runFixture } = await import("../server/testing/python-fixture");
  const name = `UiModel${Date.now()}`;
  const logged = await runFixture<{ experiment_id: string; model_id: string }>("log_iris_model.py", process.env.E2E_MLFLOW_URL!, ["E2E-Registry-UI"]);

  // Register the logged model under a new name, from its page.
  await page.goto(`/mlflow/#/experiments/${logged.experiment_id}/models/${logged.model_id}`);
  await page.getByRole("button", { name: "Register model" }).click();
  const register = page.getByRole("dialog").filter({ hasText: "Register model" });
  await register.getByRole("combobox").click();
  await page.locator(".du-bois-light-select-item-option").filter({ hasText: "Create New Model" }).click();
  await register.getByRole("textbox").last().fill(name);
  await register.getByRole("button", { name: "Register" }).click();
  await expect(register).toBeHidden();

  // Stage it: the stage editor appears once "New model registry UI" is switched off.
  await page.goto(`/mlflow/#/models/${name}/versions/1`);
  const toggle = page.getByRole("switch");
  if (await toggle.isChecked()) {
    await toggle.click();
    await page.getByRole("button", { name: "Disable" }).click();
  }
  await page.getByText("None", { exact: true }).first().click();
  await page.getByRole("menuitem").filter({ hasText: "Staging" }).click();
  await page.getByRole("dialog").last().getByRole("button", { name: "OK" }).click();
  await expect(page.getByText("Staging", { exact: true }).first()).toBeVisible();

  const model = await (await request.get(`/mlflow/api/2.0/mlflow/registered-models/get?name=${name}`)).json();
  expect(model.registered_model.latest_versions).toContainEqual(expect.objectContaining({ version: "1", current_stage: "Staging" }));
});

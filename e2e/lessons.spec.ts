import { expect, test } from "@playwright/test";
import { cells, setCode, waitIdle } from "./helpers";

test("an unknown lesson is a proper 404 page", async ({ page }) => {
  const response = await page.goto("/lessons/no-such-lesson");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the tracking example runs end to end and its run shows up in the MLflow UI", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/lessons/tracking-example");
  await expect(page.getByTestId("kernel-state")).toContainText("Kernel ready", { timeout: 60_000 });
  await page.getByRole("button", { name: "Run all cells" }).click();
  // Done when the last cell has run (it has no count before); the first may finish before we look.
  await expect(cells(page).last().getByTestId("execution-count")).toHaveText(/\[\d+\]/, { timeout: 240_000 });
  await waitIdle(page);
  await expect(page.locator('[data-testid="cell-error"], [data-testid="cell-notice"]')).toHaveCount(0);
  await expect(page.locator(".cell-html table").first()).toBeVisible();
  const counts = await page.getByTestId("execution-count").allInnerTexts();
  expect(counts.every((count) => /\[\d+\]/.test(count))).toBe(true);

  await page.goto("/mlflow/#/experiments");
  await page.getByRole("link", { name: "Tracking-Example" }).click();
  await expect(page.getByText(/notebook-type|Runs|Run Name/i).first()).toBeVisible();
  const api = await page.request.get("/mlflow/api/2.0/mlflow/experiments/get-by-name?experiment_name=Tracking-Example");
  const experimentId = (await api.json()).experiment.experiment_id;
  const runs = await page.request.post("/mlflow/api/2.0/mlflow/runs/search", { data: { experiment_ids: [experimentId] }, headers: { origin: new URL(page.url()).origin } });
  expect((await runs.json()).runs.length).toBeGreaterThanOrEqual(1);
});

test("kernel output cannot run scripts in the page", async ({ page }) => {
  await page.goto("/lessons/tracking-example");
  await setCode(page, 0, [
    "print('<script>window.__pwned = 1</script>')",
    "from IPython.display import HTML, display",
    "display(HTML('<img src=x onerror=\"window.__pwned = 2\"><script>window.__pwned = 3</script><b>safe bold</b>'))",
  ].join("\n"));
  await cells(page).first().getByRole("button", { name: /^Run/ }).click();
  await waitIdle(page);
  const output = cells(page).first().getByTestId("cell-output");
  await expect(output).toContainText("<script>window.__pwned = 1</script>");
  await expect(output.locator("b", { hasText: "safe bold" })).toBeVisible();
  await expect(output.locator("img, script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as never as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("an edit is saved on the server and survives a reload, and can be reset", async ({ page }) => {
  await page.goto("/lessons/tracking-example");
  const marker = `# edited ${Date.now()}`;
  const id = await setCode(page, 1, `${marker}\nprint('edited')`);
  await expect(cells(page).nth(1).getByTestId("save-state")).toHaveText("Saved");
  await page.reload();
  await expect(page.getByTestId(`editor-${id}`).locator(".view-lines")).toContainText("print('edited')", { timeout: 30_000 });
  await cells(page).nth(1).getByRole("button", { name: "Reset code" }).click();
  await expect(page.getByTestId(`editor-${id}`).locator(".view-lines")).not.toContainText("edited");
  await page.reload();
  await expect(page.getByTestId(`editor-${id}`).locator(".view-lines")).not.toContainText("edited");
});

test("Shift+Enter runs a cell and moves to the next one", async ({ page }) => {
  await page.goto("/lessons/tracking-example");
  const first = await setCode(page, 0, "print('shift-enter works')");
  await page.getByTestId(`editor-${first}`).locator(".view-lines").click();
  await page.keyboard.press("Shift+Enter");
  await expect(cells(page).first().getByTestId("cell-output")).toContainText("shift-enter works");
  const secondId = (await cells(page).nth(1).getAttribute("data-testid"))!.replace(/^cell-/, "");
  await expect(page.getByTestId(`editor-${secondId}`).locator("textarea, .native-edit-context").first()).toBeFocused();
  await page.getByRole("button", { name: "Reset code" }).first().click();
});

test("the editor gets completions from the learner's kernel", async ({ page }) => {
  await page.goto("/lessons/tracking-example");
  await expect(page.getByTestId("kernel-state")).toContainText("Kernel ready", { timeout: 60_000 });
  const response = await page.request.post("/api/kernel/complete", { data: { code: "import json\njson.dum", cursorPos: 20 } });
  expect(response.status()).toBe(200);
  expect((await response.json()).matches).toEqual(expect.arrayContaining(["dump", "dumps"]));
  const bad = await page.request.post("/api/kernel/complete", { data: { code: "x", cursorPos: -1 } });
  expect(bad.status()).toBe(400);
});

test("an infinite loop can be interrupted from the toolbar", async ({ page }) => {
  await page.goto("/lessons/tracking-example");
  await setCode(page, 0, "while True:\n    pass");
  await cells(page).first().getByRole("button", { name: /^Run/ }).click();
  await expect(cells(page).first()).toHaveAttribute("data-phase", "running", { timeout: 30_000 });
  await page.getByRole("button", { name: "Interrupt" }).click();
  await expect(cells(page).first().getByTestId("cell-output")).toContainText("KeyboardInterrupt", { timeout: 30_000 });
  await expect(cells(page).first()).toHaveAttribute("data-phase", "idle");
  await page.getByRole("button", { name: "Reset code" }).first().click();
});

test("the lesson downloads as a notebook Jupyter can open", async ({ page }) => {
  await page.goto("/lessons/tracking-example");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download .ipynb" }).click();
  const file = await (await download).path();
  const notebook = JSON.parse(await (await import("node:fs/promises")).readFile(file, "utf8"));
  expect(notebook.nbformat).toBe(4);
  expect(notebook.cells.some((cell: { cell_type: string }) => cell.cell_type === "code")).toBe(true);
});

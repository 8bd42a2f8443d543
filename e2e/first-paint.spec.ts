import { expect, test } from "@playwright/test";

// What the server renders, before any script runs: the status panel already says how each service is.
test.use({ javaScriptEnabled: false });

test("the home page's first paint shows the course services' state", async ({ page }) => {
  await page.goto("/");
  const panel = page.getByTestId("status-panel");
  await expect(panel).toHaveAttribute("data-status", "ok");
  for (const service of ["mlflow", "jupyter", "data"]) await expect(page.getByTestId(`status-${service}`)).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("status-mlflow")).toContainText(/3\.\d+\.\d+/);
  await expect(panel).not.toContainText("checking");
});

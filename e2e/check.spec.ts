import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { runCell, setCell } from "./helpers";

const solution = fs.readFileSync(path.resolve(import.meta.dirname, "..", "lessons", "solutions", "tracking-exercise", "track-the-run.py"), "utf8");
const withoutTag = solution
  .split("\n")
  .filter((line) => !line.includes("notebook-type"))
  .join("\n");

test("Check grades the tracking exercise: one miss named exactly, then a pass", async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto("/lessons/tracking-exercise");
  await runCell(page, "load-data");
  await runCell(page, "define-model");

  // First without the tag: exactly the tag check fails, and says what it found.
  await setCell(page, "track-the-run", withoutTag);
  await runCell(page, "track-the-run");
  const panel = page.getByTestId("check-tracking-exercise");
  await panel.getByRole("button", { name: "Check" }).click();
  await expect(panel).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  await expect(panel.locator('[data-status="failed"]')).toHaveCount(1);
  await expect(panel.getByTestId("check-line-tag-notebook-type")).toHaveAttribute("data-status", "failed");
  await expect(panel.getByTestId("check-line-tag-notebook-type")).toContainText("notebook-type");
  await expect(panel.getByTestId("check-line-param-num-trees")).toHaveAttribute("data-status", "passed");

  // With the tag line back (the newest complete run is graded): every check passes.
  await setCell(page, "track-the-run", solution);
  await runCell(page, "track-the-run");
  await page.keyboard.press("Alt+Shift+C");
  await expect(panel).toHaveAttribute("data-status", "passed", { timeout: 60_000 });
  await expect(panel.getByTestId("check-summary")).toContainText("exercise complete");
  await expect(panel.locator('[data-status="failed"], [data-status="error"]')).toHaveCount(0);

  // The outline ticks the exercise.
  await expect(page.getByRole("navigation", { name: "Course outline" }).getByLabel("exercise passed")).toHaveCount(1);
});

test("Check on an unknown exercise is a 404 with the list of exercises", async ({ request }) => {
  const response = await request.post("/api/exercises/not-an-exercise/check");
  expect(response.status()).toBe(404);
  expect((await response.json()).error.message).toContain("tracking-exercise");
});

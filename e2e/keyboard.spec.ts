// A lesson done with the keyboard only (no mouse, no clicks): Tab into an exercise's editor, edit
// and run it, leave the editor with Escape then Tab, Check, open a hint, go on to the next lesson.
// Every stop of the focus must show a focus indicator (expectFocusVisible, in tabTo).
import { expect, test, type Page } from "@playwright/test";
import { editorOf, expectFocusVisible, focusIsIn, resetCell, tabTo } from "./helpers";

const EDITOR = '[data-testid="editor-track-the-run"]';
const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");

test("a lesson with the keyboard only: edit, run, leave the editor, Check, a hint, the next lesson", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/lessons/tracking-exercise");
  await editorOf(page, "track-the-run");

  // The skip link comes first and takes the keyboard past the site's header.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await expectFocusVisible(page);
  await page.keyboard.press("Enter");

  // Tab to the exercise's editor, through the cells before it (each left with Escape then Tab).
  const path = await tabTo(page, focusIsIn(EDITOR));
  expect(path.length).toBeGreaterThan(3);
  await expect(page.getByTestId("cell-track-the-run").getByTestId("editor-keys")).toHaveText(/Esc then Tab leaves the editor/);

  // Edit the code by typing, and run it with Ctrl+Enter.
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type('print("typed at the keyboard")');
  await page.keyboard.press("Control+Enter");
  const cell = page.getByTestId("cell-track-the-run");
  await expect(cell.getByTestId("cell-output")).toContainText("typed at the keyboard", { timeout: 180_000 });
  await expect(cell).toHaveAttribute("data-phase", "idle");
  await expect(page.getByTestId("run-announcement")).toHaveText("Exercise cell 3 finished.");
  expect(await focusIsIn(EDITOR)(page)).toBe(true);

  // Tab alone stays in the editor (it indents); Escape then Tab leaves it, forwards and backwards.
  await page.keyboard.press("Tab");
  expect(await focusIsIn(EDITOR)(page)).toBe(true);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Tab");
  expect(await focusIsIn(EDITOR)(page)).toBe(false);
  await expectFocusVisible(page);
  await page.keyboard.press("Tab");
  expect(await focusIsIn(EDITOR)(page)).toBe(true);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect(await focusIsIn(EDITOR)(page)).toBe(false);
  await expectFocusVisible(page);

  // Check: the focus stays on the button while it works, and the result is in a status region.
  const check = page.getByTestId("check-tracking-exercise");
  if (!(await focusIsIn('[data-testid="check-tracking-exercise"] button')(page))) await tabTo(page, focusIsIn('[data-testid="check-tracking-exercise"] button'));
  await page.keyboard.press("Enter");
  await expect(check).not.toHaveAttribute("data-status", "none", { timeout: 60_000 });
  await expect(check.getByRole("status")).toHaveText(/\d+ of \d+ checks passed/);
  await expect(check.getByRole("button", { name: "Check" })).toBeFocused();
  await expectFocusVisible(page);

  // A hint, opened with Enter; the button keeps the focus for the next one.
  await tabTo(page, async (p) => /^Show a hint/.test(await focusedName(p)));
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("hints-tracking-exercise")).toContainText("Hint 1");
  expect(await focusedName(page)).toMatch(/^Show the next hint/);
  await expectFocusVisible(page);

  // On to the next lesson.
  await tabTo(page, (p) => p.evaluate(() => document.activeElement?.getAttribute("rel") === "next"));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/lessons\/model-registry$/);
  await expect(page.getByRole("heading", { level: 1, name: "The Model Registry" })).toBeVisible();
  await page.keyboard.press("Tab");
  await expectFocusVisible(page);
  // Leave the exercise's starter code for the specs after this one.
  await resetCell(page, "tracking-exercise", "track-the-run");
});

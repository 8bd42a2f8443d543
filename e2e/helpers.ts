// Shared helpers of the e2e specs: cells, the classroom's people, and the accessibility gate.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { E2E_INSTRUCTOR_PASSWORD } from "./global-setup";

export const classroomUrl = () => process.env.E2E_CLASSROOM_URL!;

/** A lesson's code cells, in order. */
export const cells = (page: Page) => page.locator("section[data-phase]");

/** The id of the index-th cell of the page. */
export async function cellIdAt(page: Page, index: number): Promise<string> {
  return (await cells(page).nth(index).getAttribute("data-testid"))!.replace(/^cell-/, "");
}

/** Waits until a cell's Monaco editor is on the page (its text lines drawn), and returns the editor. */
export async function editorOf(page: Page, cellId: string): Promise<Locator> {
  const editor = page.getByTestId(`editor-${cellId}`).locator(".monaco-editor");
  await expect(editor.locator(".view-lines")).toBeVisible();
  return editor;
}

/**
 * Replaces a cell's code as a learner pastes it: focus the editor, select all, paste. A paste, not
 * typing: typed text gets Monaco's auto-indentation and closing brackets, pasted text does not. The
 * paste is the event the browser fires on the editor's input for Ctrl+V (headless Chromium's own Ctrl+V
 * does not reach the page's clipboard handlers), so the editor takes it through its own paste path.
 */
export async function setCell(page: Page, cellId: string, code: string) {
  const editor = await editorOf(page, cellId);
  // The text input learners type into: a textarea, or the EditContext element where the browser has one.
  const input = editor.getByRole("textbox");
  await input.focus();
  await page.keyboard.press("ControlOrMeta+A");
  await input.evaluate((element, text) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData("text/plain", text);
    element.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }));
  }, code);
  // The cursor ends on the last line, so Monaco draws it: the paste has landed once it shows.
  const lastLine = code.split("\n").findLast((line) => line.trim())?.trim();
  if (lastLine) await expect(editor.locator(".view-lines")).toContainText(lastLine);
}

/** Sets the index-th cell's code; returns its id. */
export async function setCode(page: Page, index: number, code: string): Promise<string> {
  const id = await cellIdAt(page, index);
  await setCell(page, id, code);
  return id;
}

/** Puts a cell's starter code back (what "Reset code" does), so a spec does not depend on an earlier one's edits. */
export async function resetCell(page: Page, lesson: string, cellId: string) {
  const origin = new URL(page.url().startsWith("http") ? page.url() : test.info().project.use.baseURL!).origin;
  const response = await page.request.delete("/api/cells/code", { data: { lesson, cellId }, headers: { origin } });
  expect(response.status()).toBe(200);
}

/** Runs one cell with its Run button and waits until it is idle; by default it must finish cleanly. */
export async function runCell(page: Page, cellId: string, { clean = true }: { clean?: boolean } = {}) {
  const cell = page.getByTestId(`cell-${cellId}`);
  await cell.getByRole("button", { name: /^Run (exercise )?cell/ }).click();
  await expect(cell).toHaveAttribute("data-phase", "idle", { timeout: 180_000 });
  if (clean) await expect(cell.locator('[data-testid="cell-error"], [data-testid="cell-notice"]')).toHaveCount(0);
}

/** Waits until no cell of the page is running or queued. */
export async function waitIdle(page: Page) {
  await expect(page.locator('section[data-phase="running"], section[data-phase="queued"]')).toHaveCount(0, { timeout: 240_000 });
}

/** Signs the instructor in on the classroom course (or finds them signed in) and waits for the dashboard. */
export async function signInInstructor(browser: Browser, options: { acceptDownloads?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: classroomUrl(), ...options });
  const page = await context.newPage();
  await page.goto("/instructor");
  await page.getByLabel("Password").fill(E2E_INSTRUCTOR_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Class dashboard" })).toBeVisible();
  await expect(page.getByTestId("class-code")).toHaveText(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
  return page;
}

export async function classCode(instructor: Page): Promise<string> {
  return (await instructor.getByTestId("class-code").innerText()).trim();
}

/** A new learner joins the classroom course in a browser context of their own. */
export async function joinClass(browser: Browser, code: string, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: classroomUrl() });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/join$/);
  await page.getByLabel("Class code").fill(code);
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("heading", { name: "Learn MLflow by doing it" })).toBeVisible();
  return page;
}

// ---------------------------------------------------------------------------------------------
// The accessibility gate

/** WCAG 2.0, 2.1 and 2.2 A and AA: what axe-core checks in the gate. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, naming
 * each rule, its help text and the elements (CSS selectors). The result is attached to the report
 * (the state checked, how many rules passed, every violation of any impact) and summed up in an
 * annotation, so the report lists what was checked. Nothing is excluded.
 */
export async function expectAccessible(page: Page, state: string) {
  // From the top of the page, so the result does not depend on where a test left the scroll (a
  // control scrolled under the lesson's sticky toolbar would count as an obscured target).
  await page.evaluate(() => window.scrollTo(0, 0));
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const blocking = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  const summary = {
    state,
    url: page.url(),
    rulesPassed: results.passes.length,
    rulesIncomplete: results.incomplete.length,
    violations: results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    })),
  };
  await test.info().attach(`axe: ${state}`, { body: JSON.stringify(summary, null, 2), contentType: "application/json" });
  test.info().annotations.push({
    type: "axe",
    description: `${state}: ${results.passes.length} rules passed, ${blocking.length} serious/critical and ${results.violations.length - blocking.length} minor/moderate violations`,
  });
  const report = blocking
    .map(
      (violation) =>
        `  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})\n` +
        violation.nodes
          .slice(0, 10)
          .map((node) => `      ${node.target.join(" ")}${node.failureSummary ? `\n        ${node.failureSummary.replace(/\n/g, "\n        ")}` : ""}`)
          .join("\n"),
    )
    .join("\n");
  expect(blocking.map((violation) => violation.id), `Accessibility violations on ${state} (${page.url()}):\n${report}`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Keyboard

/**
 * Fails unless the focused element shows a focus indicator: a visible outline or a box shadow.
 * Inside Monaco the focused element is its hidden input; the indicator is the editor frame's
 * (`data-editor-frame`, outlined while focus is within).
 */
export async function expectFocusVisible(page: Page) {
  const focus = await page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return { ok: false, what: "nothing is focused" };
    const shown = (active.closest("[data-editor-frame]") as HTMLElement | null) ?? active;
    const style = getComputedStyle(shown);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && style.outlineColor !== "rgba(0, 0, 0, 0)";
    const shadow = style.boxShadow !== "none";
    const box = shown.getBoundingClientRect();
    const what = `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ""} "${(active.getAttribute("aria-label") ?? active.textContent ?? "").trim().slice(0, 60)}"`;
    // Not hidden under something else (the lesson's sticky toolbar): probe just inside its top left corner.
    const x = box.left + Math.min(6, box.width / 2);
    const y = box.top + Math.min(6, box.height / 2);
    const hit = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight ? document.elementFromPoint(x, y) : null;
    const obscuredBy = hit && !shown.contains(hit) && !hit.contains(shown) ? `${hit.tagName.toLowerCase()}.${[...hit.classList].slice(0, 3).join(".")}` : null;
    return { ok: (outline || shadow) && box.width > 0 && box.height > 0, obscuredBy, what };
  });
  expect(focus.ok, `No visible focus indicator on ${focus.what}`).toBe(true);
  expect(focus.obscuredBy, `The focused ${focus.what} is hidden under another element`).toBeNull();
  return focus.what;
}

/**
 * Presses Tab (or Shift+Tab) until `reached` holds for the focused element, checking every stop's
 * focus indicator. A code editor on the way is left as a learner would: Escape, then Tab.
 */
export async function tabTo(page: Page, reached: (page: Page) => Promise<boolean>, { back = false, max = 100 } = {}) {
  const path: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await focusIsIn("[data-editor-frame]")(page)) await page.keyboard.press("Escape");
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    path.push(await expectFocusVisible(page));
    if (await reached(page)) return path;
  }
  throw new Error(`Not reached after ${max} presses of Tab: ${path.join(" → ")}`);
}

/** Whether the focused element is inside (or is) the locator's element. */
export function focusIsIn(selector: string) {
  return (page: Page) => page.evaluate((css) => Boolean(document.activeElement?.closest(css)), selector);
}

// The accessibility gate: axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page and state a learner
// or the instructor meets, in light and dark mode; what screen readers are told; reduced motion;
// 1280x720 and 200% zoom. Every axe run is attached to the report with its counts (expectAccessible).
import { expect, test, type Page } from "@playwright/test";
import { classCode, editorOf, expectAccessible, joinClass, resetCell, runCell, setCell, signInInstructor, waitIdle } from "./helpers";

/** Each lesson with the cell run to show outputs (an error's traceback where the cell cannot succeed yet). */
const LESSONS: Array<[slug: string, cell: string]> = [
  ["welcome", "version-and-uri"],
  ["tracking-example", "load-data"],
  ["tracking-exercise", "track-the-run"], // the starter raises NotImplementedError: a traceback
  ["model-registry", "find-runs"],
  ["model-serving", "download-model"],
  ["spark-integration", "iris-dataframe"], // without the Spark session cell: NameError, quickly
];

async function homeReady(page: Page) {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Learn MLflow by doing it" })).toBeVisible();
  await expect(page.getByTestId("status-panel")).toHaveAttribute("data-status", "ok");
}

/** The model-serving lesson after Check with no model server running: a failed checklist, and the Serve panel. */
async function failedServingCheck(page: Page) {
  await page.goto("/lessons/model-serving");
  await expect(page.getByTestId("serve-panel")).toBeVisible();
  const check = page.getByTestId("check-model-serving");
  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  return check;
}

test.describe("axe: solo course", () => {
  test("home page", async ({ page }) => {
    await homeReady(page);
    await expectAccessible(page, "home");
  });

  for (const [slug, cellId] of LESSONS) {
    test(`lesson ${slug}, with the outputs of a run`, async ({ page }) => {
      await page.goto(`/lessons/${slug}`);
      await resetCell(page, slug, cellId);
      await page.reload();
      await runCell(page, cellId, { clean: false });
      await expect(page.getByTestId(`cell-${cellId}`).getByTestId("cell-output")).toBeVisible();
      await expectAccessible(page, `lesson ${slug} after running ${cellId}`);
    });
  }

  test("a Check with failures, beside the Serve panel", async ({ page }) => {
    await failedServingCheck(page);
    await expectAccessible(page, "model-serving: failed Check and Serve panel");
  });

  test("progress page", async ({ page }) => {
    await page.goto("/progress");
    await expect(page.getByRole("heading", { name: "My progress" })).toBeVisible();
    await expectAccessible(page, "progress");
  });

  test("dark mode: home, a traceback, a failed Check", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await homeReady(page);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(255, 255, 255)");
    await expectAccessible(page, "home (dark)");
    await page.goto("/lessons/tracking-exercise");
    await resetCell(page, "tracking-exercise", "track-the-run");
    await page.reload();
    await runCell(page, "track-the-run", { clean: false });
    await expect(page.getByTestId("cell-track-the-run").getByTestId("cell-error")).toBeVisible();
    await expectAccessible(page, "tracking-exercise with a traceback (dark)");
    await failedServingCheck(page);
    await expectAccessible(page, "model-serving: failed Check and Serve panel (dark)");
  });
});

test("axe: classroom: join page, instructor sign-in, dashboard with learners, drill-down, a learner's progress", async ({ browser }) => {
  test.setTimeout(300_000);
  const stranger = await (await browser.newContext({ baseURL: process.env.E2E_CLASSROOM_URL })).newPage();
  await stranger.goto("/join");
  await expect(stranger.getByRole("heading", { name: "Join the class" })).toBeVisible();
  await expectAccessible(stranger, "join page");
  await stranger.getByLabel("Class code").fill("AAAAA-AAAAA");
  await stranger.getByLabel("Your name").fill("Nobody");
  await stranger.getByRole("button", { name: "Join" }).click();
  await expect(stranger.getByRole("status")).not.toBeEmpty();
  await expectAccessible(stranger, "join page with an error");
  await stranger.goto("/instructor");
  await expect(stranger.getByRole("heading", { name: "Instructor sign-in" })).toBeVisible();
  await expectAccessible(stranger, "instructor sign-in");
  await stranger.context().close();

  const instructor = await signInInstructor(browser);
  const learner = await joinClass(browser, await classCode(instructor), "Axe Learner");
  // A failed attempt on the serving exercise (no model server), which classroom.spec.ts's counts of
  // the tracking exercises' failures do not see.
  await learner.goto("/lessons/model-serving");
  const check = learner.getByTestId("check-model-serving");
  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  await learner.goto("/progress");
  await expect(learner.getByTestId("my-progress")).toContainText("In progress");
  await expectAccessible(learner, "a classroom learner's progress");

  const row = instructor.getByTestId("matrix-row-Axe Learner");
  await expect(row.getByTestId("matrix-cell-model-serving")).toHaveAttribute("data-state", "in-progress");
  await expectAccessible(instructor, "dashboard with learners");
  await row.getByRole("button", { name: "Axe Learner" }).click();
  await expect(instructor.getByTestId("learner-drilldown")).toContainText("model-serving");
  await expectAccessible(instructor, "learner drill-down");
  await instructor.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(instructor, "learner drill-down (dark)");
  await learner.context().close();
  await instructor.context().close();
});

test("screen readers: the editor's name, one announcement per run, text tracebacks, Check results as text", async ({ page }) => {
  await page.goto("/lessons/tracking-exercise");
  await resetCell(page, "tracking-exercise", "track-the-run");
  await page.reload();
  const cell = page.getByTestId("cell-track-the-run");
  // Monaco's input is named after its cell, with the keys that run it and leave it.
  await expect(cell.getByRole("textbox")).toHaveAttribute("aria-label", /^Exercise cell 3, Python\..*Escape then Tab leaves the editor/);

  // Only the final state reaches the live region, once; outputs are not live.
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="run-announcement"]')!;
    const seen: string[] = ((window as never as { __announced: string[] }).__announced = []);
    new MutationObserver(() => seen.push(region.textContent ?? "")).observe(region, { childList: true, subtree: true, characterData: true });
  });
  await runCell(page, "track-the-run", { clean: false });
  await expect(page.getByTestId("run-announcement")).toHaveText(/^Exercise cell 3 raised an error: NotImplementedError: Do the TODOs/);
  const announced = await page.evaluate(() => (window as never as { __announced: string[] }).__announced.filter(Boolean));
  expect(announced).toHaveLength(1);
  await expect(cell.getByTestId("cell-output").locator("xpath=ancestor-or-self::*[@aria-live]")).toHaveCount(0);
  // The traceback is text (ANSI colours become classes), not an image or HTML.
  const error = cell.getByTestId("cell-error");
  await expect(error).toContainText("NotImplementedError");
  await expect(error.locator("pre")).toContainText("raise NotImplementedError");

  // A Check result: the summary is announced (a status region), each line says its state in words.
  const check = page.getByTestId("check-tracking-exercise");
  await check.getByRole("button", { name: "Check" }).click();
  await expect(check).not.toHaveAttribute("data-status", "none", { timeout: 60_000 });
  await expect(check.getByRole("status")).toHaveText(/\d+ of \d+ checks passed/);
  for (const line of await check.locator("[data-testid^=check-line-]").all()) {
    await expect(line).toContainText(/ (passed|failed|skipped|could not be checked)/);
  }
});

test("reduced motion: nothing animates while a cell runs", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "no-preference" });
  await page.goto("/lessons/welcome");
  const running = () => page.evaluate(() => document.getAnimations().filter((animation) => animation.playState === "running").length);
  const cellId = "version-and-uri";
  const sleepy = "import time\ntime.sleep(3)\nprint('awake')";
  await setCell(page, cellId, sleepy);
  await page.getByTestId(`cell-${cellId}`).getByRole("button", { name: /^Run/ }).click();
  await expect(page.getByTestId(`cell-${cellId}`)).toHaveAttribute("data-phase", "running", { timeout: 60_000 });
  expect(await running()).toBeGreaterThan(0); // the busy indicators pulse
  await waitIdle(page);

  // A learner who asks for less motion has asked before the page loads (the editor reads it when it starts).
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.reload();
  await page.getByTestId(`cell-${cellId}`).getByRole("button", { name: /^Run/ }).click();
  await expect(page.getByTestId(`cell-${cellId}`)).toHaveAttribute("data-phase", "running", { timeout: 60_000 });
  const animating = await page.evaluate(() =>
    document.getAnimations().filter((animation) => animation.playState === "running").map((animation) => `${(animation as CSSAnimation).animationName ?? animation.id} on ${(animation.effect as KeyframeEffect | null)?.target?.className ?? "?"}`),
  );
  expect(animating, "animations still running with reduced motion").toStrictEqual([]);
  await waitIdle(page);
  await page.getByTestId(`cell-${cellId}`).getByRole("button", { name: "Reset code" }).click();
});

test("1280x720 and 200% zoom: no horizontal scrolling, the key controls visible", async ({ browser }) => {
  for (const [name, options] of [
    ["1280x720", { viewport: { width: 1280, height: 720 } }],
    // 200% zoom of a 1280x720 window: half the CSS pixels, each drawn twice as large.
    ["200% zoom", { viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 }],
  ] as const) {
    const context = await browser.newContext({ ...options, baseURL: test.info().project.use.baseURL });
    const page = await context.newPage();
    const noHorizontalScroll = async (where: string) => {
      const overflow = await page.evaluate(() => {
        const main = document.getElementById("main")!;
        return { page: document.documentElement.scrollWidth - document.documentElement.clientWidth, main: main.scrollWidth - main.clientWidth };
      });
      expect(overflow, `horizontal scrolling on ${where} at ${name}`).toEqual({ page: 0, main: 0 });
    };
    const visible = async (locator: ReturnType<Page["locator"]>) => {
      await locator.scrollIntoViewIfNeeded();
      await expect(locator).toBeInViewport();
    };

    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Learn MLflow by doing it" })).toBeVisible();
    await noHorizontalScroll("home");
    await visible(page.getByRole("link", { name: /Start the course|Continue where you left off/ }));
    await visible(page.getByRole("list", { name: "Lessons" }).getByRole("link").first());
    await test.info().attach(`home at ${name}`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    await page.goto("/lessons/tracking-exercise");
    await editorOf(page, "track-the-run");
    await noHorizontalScroll("a lesson");
    await visible(page.getByRole("button", { name: "Run all cells" }));
    await visible(page.getByRole("button", { name: "Run exercise cell 3" }));
    await visible(page.getByTestId("editor-track-the-run"));
    await visible(page.getByTestId("check-tracking-exercise").getByRole("button", { name: "Check" }));
    await visible(page.getByRole("navigation", { name: "Lesson navigation" }).getByRole("link").last());
    await noHorizontalScroll("a lesson, scrolled");
    await page.evaluate(() => window.scrollTo(0, 0));
    await test.info().attach(`lesson at ${name}`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    await context.close();
  }
});

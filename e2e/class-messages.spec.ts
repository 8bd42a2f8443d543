// The instructor reaches the class from the dashboard: messages shown live (as text, never markup),
// the lesson the class is on, and the catch-up setting.
import { expect, test, type Page } from "@playwright/test";
import { classCode, expectAccessible, joinClass, signInInstructor } from "./helpers";

const HOSTILE = "<b>hi</b><img src=x onerror=alert(1)>";

async function sendMessage(instructor: Page, to: string, text: string) {
  const form = instructor.getByRole("region", { name: "Message the class" });
  await form.getByLabel("To").selectOption({ label: to });
  await form.getByLabel("Message").fill(text);
  await form.getByRole("button", { name: "Send" }).click();
  await expect(form.getByTestId("message-send-status")).toHaveText(`Sent to ${to === "Everyone" ? "everyone" : to}.`);
}

test("the instructor's messages reach only their recipients, as plain text, live and dismissible", async ({ browser }) => {
  test.setTimeout(300_000);
  const instructor = await signInInstructor(browser);
  const code = await classCode(instructor);
  const mira = await joinClass(browser, code, "Mira");
  const noor = await joinClass(browser, code, "Noor");
  const dialogs: string[] = [];
  for (const page of [mira, noor]) page.on("dialog", (dialog) => (dialogs.push(dialog.message()), void dialog.dismiss()));

  await mira.goto("/lessons/welcome");
  await noor.goto("/lessons/welcome");
  // Mira is somewhere on the page when the message comes: it must not take her focus.
  const home = mira.getByRole("link", { name: "← Course home" });
  await home.focus();

  // The form's limit is the server's.
  await expect(instructor.getByRole("region", { name: "Message the class" }).getByLabel("Message")).toHaveAttribute("maxlength", "500");
  await sendMessage(instructor, "Everyone", HOSTILE);
  for (const page of [mira, noor]) {
    const notice = page.getByTestId("message-notice");
    await expect(notice).toHaveCount(1, { timeout: 15_000 });
    // Shown as the literal text: no <b>, no <img>, no script ran.
    await expect(notice.getByTestId("message-text")).toHaveText(HOSTILE);
    await expect(notice.locator("b, img")).toHaveCount(0);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    expect(await notice.getByTestId("message-text").evaluate((element) => element.innerHTML)).toBe("&lt;b&gt;hi&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;");
    await expect(page.getByTestId("message-announcement")).toHaveText(`New message from the instructor: ${HOSTILE}`);
  }
  await expect(home).toBeFocused();
  expect(dialogs).toStrictEqual([]);
  // The dashboard lists it as text too.
  await expect(instructor.getByTestId("sent-messages").locator("li").first()).toContainText(HOSTILE);
  await expect(instructor.getByTestId("sent-messages").locator("b, img")).toHaveCount(0);

  // To Mira only.
  await sendMessage(instructor, "Mira", "Mira, look at the second cell");
  await expect(mira.getByTestId("message-notice")).toHaveCount(2, { timeout: 15_000 });
  await expect(mira.getByTestId("message-notice").first()).toContainText("to you");
  await expect(mira.getByTestId("message-notice").first().getByTestId("message-text")).toHaveText("Mira, look at the second cell");
  // Noor's page has polled since (two cycles), and still shows only the message to everyone.
  await noor.waitForTimeout(11_000);
  await expect(noor.getByTestId("message-notice")).toHaveCount(1);
  await expect(noor.getByText("Mira, look at the second cell")).toHaveCount(0);

  await expectAccessible(mira, "a classroom lesson with two messages");
  await mira.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(mira, "a classroom lesson with two messages (dark)");
  await mira.emulateMedia({ colorScheme: "light" });

  // Dismissed with the keyboard: gone from the corner, focus kept close, still in the list.
  const direct = mira.getByTestId("message-notice").first();
  await direct.getByRole("button", { name: /^Dismiss/ }).focus();
  await mira.keyboard.press("Enter");
  await expect(mira.getByTestId("message-notice")).toHaveCount(1);
  await expect(mira.getByTestId("message-notice").getByRole("button", { name: /^Dismiss/ })).toBeFocused();
  await mira.keyboard.press("Enter");
  await expect(mira.getByTestId("message-notices")).toHaveCount(0);
  await expect(mira.getByTestId("messages-toggle")).toBeFocused();
  // Still dismissed after a reload; both are in the list.
  await mira.reload();
  await expect(mira.getByTestId("messages-toggle")).toHaveText("Messages from the instructor (2)");
  await expect(mira.getByTestId("message-notice")).toHaveCount(0);
  await mira.getByTestId("messages-toggle").click();
  await expect(mira.getByTestId("messages-toggle")).toHaveAttribute("aria-expanded", "true");
  await expect(mira.getByTestId("messages-list-item").getByTestId("message-text")).toHaveText(["Mira, look at the second cell", HOSTILE]);
  await expect(mira.getByTestId("messages-list").locator("b, img")).toHaveCount(0);
  await expect(noor.getByTestId("message-notice")).toHaveCount(1);
  await expect(instructor.getByTestId("sent-messages").locator("li").first()).toContainText("dismissed by 1", { timeout: 15_000 });

  // Bad input is refused with the server's message, shown as text.
  const form = instructor.getByRole("region", { name: "Message the class" });
  await form.getByLabel("Message").fill("bell\u0007");
  await form.getByRole("button", { name: "Send" }).click();
  await expect(form.getByTestId("message-send-status")).toContainText("must not contain control characters");
  await expectAccessible(instructor, "dashboard with messages and settings");

  await mira.context().close();
  await noor.context().close();
  await instructor.context().close();
});

test("the class's lesson is a link for learners elsewhere, never a move; the catch-up setting is kept", async ({ browser }) => {
  test.setTimeout(300_000);
  const instructor = await signInInstructor(browser);
  const learner = await joinClass(browser, await classCode(instructor), "Lior");
  await learner.goto("/lessons/welcome");
  await expect(learner.getByTestId("class-lesson")).toHaveCount(0);

  const settings = instructor.getByRole("region", { name: "Lesson and catch-up" });
  await settings.getByLabel("The class is on").selectOption({ label: "Lesson 4: The Model Registry" });
  await settings.getByRole("button", { name: "Set lesson" }).click();
  await expect(settings.getByTestId("teaching-notice")).toHaveText('Learners now see "The class is on lesson 4: The Model Registry".');

  const note = learner.getByTestId("class-lesson");
  await expect(note).toHaveText("The class is on lesson 4: The Model Registry", { timeout: 15_000 });
  await expect(note.getByRole("link", { name: "The Model Registry" })).toHaveAttribute("href", "/lessons/model-registry");
  // Told, not moved.
  await expect(learner).toHaveURL(/\/lessons\/welcome$/);
  await learner.goto("/");
  await expect(learner.getByTestId("class-lesson")).toHaveText("The class is on lesson 4: The Model Registry");
  await learner.getByTestId("class-lesson").getByRole("link").click();
  await expect(learner).toHaveURL(/\/lessons\/model-registry$/);
  await expect(learner.getByTestId("class-lesson")).toHaveText("The class is on this lesson.");

  // Catch-up: never, then after 5 failed Checks; what the dashboard shows after a reload is what was stored.
  await settings.getByLabel("Never", { exact: false }).check();
  await settings.getByRole("button", { name: "Save catch-up" }).click();
  await expect(settings.getByTestId("teaching-notice")).toHaveText("Catch-up setting saved.");
  await instructor.reload();
  const reloaded = instructor.getByRole("region", { name: "Lesson and catch-up" });
  await expect(reloaded.getByLabel("Never", { exact: false })).toBeChecked();
  await expect(reloaded.getByLabel("The class is on")).toHaveValue("model-registry");
  await reloaded.getByLabel("After failed Checks:").check();
  await reloaded.getByLabel("Number of failed Checks").fill("5");
  await reloaded.getByRole("button", { name: "Save catch-up" }).click();
  await expect(reloaded.getByTestId("teaching-notice")).toHaveText("Catch-up setting saved.");
  expect((await (await instructor.request.get("/api/instructor/class/settings")).json()).catchUp).toStrictEqual({ mode: "after-failures", failures: 5 });
  // Out of range: the form (min/max from the server's schema) does not send it, and the server would refuse it.
  await reloaded.getByLabel("Number of failed Checks").fill("21");
  await reloaded.getByRole("button", { name: "Save catch-up" }).click();
  expect(await reloaded.getByLabel("Number of failed Checks").evaluate((input: HTMLInputElement) => input.validity.rangeOverflow)).toBe(true);
  const refused = await instructor.request.put("/api/instructor/class/settings", { data: { catchUp: { mode: "after-failures", failures: 21 } }, headers: { origin: new URL(instructor.url()).origin } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error.message).toContain("must be at most 20");
  expect((await (await instructor.request.get("/api/instructor/class/settings")).json()).catchUp).toStrictEqual({ mode: "after-failures", failures: 5 });

  // Leave the class as other specs expect it: no class lesson, the default catch-up.
  await reloaded.getByLabel("The class is on").selectOption({ label: "No lesson (learners see none)" });
  await reloaded.getByRole("button", { name: "Set lesson" }).click();
  await expect(reloaded.getByTestId("teaching-notice")).toHaveText("No class lesson: learners see none.");
  await reloaded.getByLabel("Number of failed Checks").fill("3");
  await reloaded.getByRole("button", { name: "Save catch-up" }).click();
  await expect(reloaded.getByTestId("teaching-notice")).toHaveText("Catch-up setting saved.");
  await expect(learner.getByTestId("class-lesson")).toHaveCount(0, { timeout: 15_000 });

  await learner.context().close();
  await instructor.context().close();
});

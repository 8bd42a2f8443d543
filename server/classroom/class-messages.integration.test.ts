import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/database";
import { CourseClient as Client } from "../testing/course-client";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { readCatchUpPolicy } from "./catch-up-policy";
import { MESSAGE_MAX_LENGTH } from "@/contracts/message-text";


type Feed = { classLesson: { slug: string; title: string; number: number } | null; messages: Array<{ id: string; text: string; toEveryone: boolean; dismissed: boolean; sentAt: string }> };

const HOSTILE_HTML = "<b>hi</b><img src=x onerror=alert(1)>";

describe("the instructor reaches the class: messages, the class's lesson, the catch-up setting", () => {
  let course: TempCourse;
  let site: string;
  let instructor: Client;
  let alice: Client;
  let bob: Client;
  let aliceId: string;
  let bobId: string;

  const feed = async (client: Client): Promise<Feed> => {
    const answer = await client.call("GET", "/api/classroom");
    expect(answer.status, answer.text).toBe(200);
    return answer.json;
  };
  const send = (body: unknown, as: Client = instructor) => as.call("POST", "/api/instructor/messages", body);

  beforeAll(async () => {
    // No Jupyter: nothing here runs a cell or opens a lesson page.
    course = await startTempCourse(["mlflow", "site"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "teach-me-mlflow-today" });
    site = `http://127.0.0.1:${course.config.site.port}`;
    instructor = new Client(site);
    expect((await instructor.call("POST", "/api/session/instructor", { password: "teach-me-mlflow-today" })).status).toBe(200);
    const code = (await instructor.call("GET", "/api/instructor/class")).json.classCode;
    alice = new Client(site);
    bob = new Client(site);
    aliceId = (await alice.call("POST", "/api/session/join", { classCode: code, displayName: "Alice" })).json.learner.id;
    bobId = (await bob.call("POST", "/api/session/join", { classCode: code, displayName: "Bob" })).json.learner.id;
    expect(aliceId).toMatch(/^[0-9a-f]+$/);
    expect(bobId).toMatch(/^[0-9a-f]+$/);
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("starts with no messages, no class lesson and the default catch-up policy", async () => {
    expect(await feed(alice)).toStrictEqual({ classLesson: null, messages: [] });
    expect((await instructor.call("GET", "/api/instructor/messages")).json).toStrictEqual({ messages: [] });
    const settings = (await instructor.call("GET", "/api/instructor/class/settings")).json;
    expect(settings.classLesson).toBeNull();
    expect(settings.catchUp).toStrictEqual({ mode: "after-failures", failures: 3 });
    expect(settings.lessons[0]).toStrictEqual({ slug: "welcome", title: "Welcome to MLflow Training", number: 1 });
  });

  it("delivers a message to one learner only", async () => {
    const sent = await send({ to: "learner", learnerId: aliceId, text: "  Alice, look at cell 3  " });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.json.message).toMatchObject({ text: "Alice, look at cell 3", recipient: { to: "learner", learnerId: aliceId, displayName: "Alice" }, dismissals: 0 });
    const alices = (await feed(alice)).messages;
    expect(alices).toHaveLength(1);
    expect(alices[0]).toMatchObject({ id: sent.json.message.id, text: "Alice, look at cell 3", toEveryone: false, dismissed: false });
    expect((await feed(bob)).messages).toStrictEqual([]);
  });

  it("delivers a message to everyone, to every learner", async () => {
    const sent = await send({ to: "everyone", text: "Break until 10:30" });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.json.message.recipient).toStrictEqual({ to: "everyone" });
    for (const client of [alice, bob]) expect((await feed(client)).messages[0]).toMatchObject({ id: sent.json.message.id, text: "Break until 10:30", toEveryone: true, dismissed: false });
    expect((await feed(alice)).messages).toHaveLength(2);
    expect((await feed(bob)).messages).toHaveLength(1);
  });

  it("stores and returns HTML verbatim, as JSON text (the page renders it as text)", async () => {
    const sent = await send({ to: "everyone", text: HOSTILE_HTML });
    expect(sent.status, sent.text).toBe(200);
    const answer = await bob.call("GET", "/api/classroom");
    expect(answer.contentType).toContain("application/json");
    expect(answer.json.messages[0].text).toBe(HOSTILE_HTML);
    expect((await instructor.call("GET", "/api/instructor/messages")).json.messages[0].text).toBe(HOSTILE_HTML);
  });

  it("dismissing hides a message from the live notice but keeps it in the list; only the learner's own", async () => {
    const everyone = (await feed(bob)).messages.find((message) => message.text === "Break until 10:30")!;
    const dismissed = await bob.call("POST", `/api/classroom/messages/${everyone.id}/dismiss`);
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.json).toStrictEqual({ dismissed: true });
    // Again: nothing changes.
    expect((await bob.call("POST", `/api/classroom/messages/${everyone.id}/dismiss`)).status).toBe(200);
    expect((await feed(bob)).messages.find((message) => message.id === everyone.id)).toMatchObject({ dismissed: true, text: "Break until 10:30" });
    // Alice's copy is untouched.
    expect((await feed(alice)).messages.find((message) => message.id === everyone.id)?.dismissed).toBe(false);
    const sent = (await instructor.call("GET", "/api/instructor/messages")).json.messages as Array<{ id: string; dismissals: number }>;
    expect(sent.find((message) => message.id === everyone.id)?.dismissals).toBe(1);

    // Bob cannot dismiss (or learn about) Alice's own message; odd ids are no message.
    const alicesOwn = (await feed(alice)).messages.find((message) => !message.toEveryone)!;
    const foreign = await bob.call("POST", `/api/classroom/messages/${alicesOwn.id}/dismiss`);
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.message).toContain("no such message");
    for (const id of ["nope", "%00", "0".repeat(16), "'%20or%201=1"]) expect((await bob.call("POST", `/api/classroom/messages/${id}/dismiss`)).status, id).toBe(404);
    expect((await feed(alice)).messages.find((message) => message.id === alicesOwn.id)?.dismissed).toBe(false);
  });

  it("takes the learner from the session only: a learner id in the query, a header or the body is ignored", async () => {
    const asAlice = await alice.call("GET", `/api/classroom?learner=${bobId}&learnerId=${bobId}`, undefined, { "x-learner-id": bobId });
    expect(asAlice.json).toStrictEqual(await feed(alice));
    expect(asAlice.json.messages.map((message: { text: string }) => message.text)).toContain("Alice, look at cell 3");
    const bobs = (await feed(bob)).messages.find((message) => !message.dismissed)!;
    // Alice "dismisses" for Bob: it is her own dismissal (the message is to everyone), Bob's stays.
    expect((await alice.call("POST", `/api/classroom/messages/${bobs.id}/dismiss`, { learnerId: bobId }, { "x-learner-id": bobId })).status).toBe(200);
    expect((await feed(bob)).messages.find((message) => message.id === bobs.id)?.dismissed).toBe(false);
    expect((await feed(alice)).messages.find((message) => message.id === bobs.id)?.dismissed).toBe(true);
  });

  it("lets only the instructor send, list or change the class's settings", async () => {
    for (const learner of [alice, bob]) {
      expect((await send({ to: "everyone", text: "I am the teacher now" }, learner)).status).toBe(403);
      expect((await learner.call("GET", "/api/instructor/messages")).status).toBe(403);
      expect((await learner.call("GET", "/api/instructor/class/settings")).status).toBe(403);
      expect((await learner.call("PUT", "/api/instructor/class/settings", { classLesson: "welcome" })).status).toBe(403);
      expect((await learner.call("PUT", "/api/instructor/class/settings", { catchUp: { mode: "always" } })).status).toBe(403);
    }
    const stranger = new Client(site);
    expect((await send({ to: "everyone", text: "hello" }, stranger)).status).toBe(401);
    expect((await stranger.call("GET", "/api/classroom")).status).toBe(401);
    expect((await stranger.call("POST", "/api/classroom/messages/0123456789abcdef/dismiss")).status).toBe(401);
    // The instructor has no feed of their own.
    expect((await instructor.call("GET", "/api/classroom")).status).toBe(403);
    // A state change from another site is refused even with the instructor's cookie.
    expect((await instructor.call("POST", "/api/instructor/messages", { to: "everyone", text: "csrf" }, { origin: "http://evil.example" })).status).toBe(403);
    expect((await feed(bob)).messages.map((message) => message.text)).not.toContain("I am the teacher now");
    expect((await feed(bob)).messages.map((message) => message.text)).not.toContain("csrf");
  });

  it("refuses bad messages with a clear 400 (or 404 for someone not in the class)", async () => {
    const refusals: Array<[unknown, RegExp]> = [
      [{ to: "everyone", text: "" }, /text: is empty/],
      [{ to: "everyone", text: " \n\t " }, /text: must not contain control characters/],
      [{ to: "everyone", text: "   " }, /text: is empty/],
      [{ to: "everyone", text: "a".repeat(MESSAGE_MAX_LENGTH + 1) }, new RegExp(`text: is ${MESSAGE_MAX_LENGTH + 1} characters; the limit is ${MESSAGE_MAX_LENGTH}`)],
      [{ to: "everyone", text: "bell\u0007" }, /text: must not contain control characters .*U\+0007/],
      [{ to: "everyone", text: "nul\u0000" }, /U\+0000/],
      [{ to: "everyone", text: "abc\u202eevil" }, /reorder text/],
      [{ to: "everyone" }, /text: is needed/],
      [{ to: "everyone", text: 42 }, /text: is needed/],
      [{ text: "to nobody" }, /to: must be "everyone" or "learner"/],
      [{ to: "learner", text: "who?" }, /learnerId: is needed/],
      [{ to: "learner", learnerId: "../etc", text: "x" }, /learnerId: is not a learner's id/],
    ];
    for (const [body, message] of refusals) {
      const answer = await send(body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.json.error.code).toBe("bad_request");
      expect(answer.json.error.message).toMatch(message);
    }
    const unknown = await send({ to: "learner", learnerId: "0000000000", text: "hello?" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('There is no learner "0000000000" in this class');
    // Nothing of it arrived.
    const texts = (await feed(alice)).messages.map((message) => message.text);
    expect(texts).not.toContain("who?");
    expect(texts.every((text) => text.length <= MESSAGE_MAX_LENGTH)).toBe(true);
  });

  it("refuses a message to a removed learner", async () => {
    const code = (await instructor.call("GET", "/api/instructor/class")).json.classCode;
    const carol = new Client(site);
    const carolId = (await carol.call("POST", "/api/session/join", { classCode: code, displayName: "Carol" })).json.learner.id;
    expect((await send({ to: "learner", learnerId: carolId, text: "Welcome" })).status).toBe(200);
    expect((await instructor.call("POST", `/api/instructor/learners/${carolId}`, { action: "remove" })).status).toBe(200);
    const refused = await send({ to: "learner", learnerId: carolId, text: "Still there?" });
    expect(refused.status).toBe(404);
    expect(refused.json.error.message).toContain("removed, or from an earlier class");
  });

  it("sets the class's lesson from the catalog; learners read it in their feed", async () => {
    const set = await instructor.call("PUT", "/api/instructor/class/settings", { classLesson: "model-registry" });
    expect(set.status, set.text).toBe(200);
    expect(set.json.classLesson).toBe("model-registry");
    for (const client of [alice, bob]) expect((await feed(client)).classLesson).toStrictEqual({ slug: "model-registry", title: "The Model Registry", number: 4 });

    for (const [body, message] of [
      [{ classLesson: "no-such-lesson" }, /There is no lesson "no-such-lesson" in this course/],
      [{ classLesson: "../../etc/passwd" }, /classLesson: is not a lesson of this course/],
      [{ classLesson: 4 }, /classLesson/],
      [{}, /name classLesson, catchUp or both/],
    ] as Array<[unknown, RegExp]>) {
      const answer = await instructor.call("PUT", "/api/instructor/class/settings", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.message).toMatch(message);
    }
    expect((await feed(alice)).classLesson?.slug).toBe("model-registry");

    expect((await instructor.call("PUT", "/api/instructor/class/settings", { classLesson: null })).json.classLesson).toBeNull();
    expect((await feed(alice)).classLesson).toBeNull();
    expect((await instructor.call("PUT", "/api/instructor/class/settings", { classLesson: "tracking-example" })).status).toBe(200);
  });

  it("stores the catch-up policy per class, read back by the route and by readCatchUpPolicy; bad values are 400", async () => {
    const db = await openSqliteStore(path.join(course.dataDir, "course.db"));
    try {
      for (const policy of [{ mode: "always" }, { mode: "never" }, { mode: "after-failures", failures: 5 }, { mode: "after-failures", failures: 20 }, { mode: "after-failures", failures: 1 }]) {
        const answer = await instructor.call("PUT", "/api/instructor/class/settings", { catchUp: policy });
        expect(answer.status, answer.text).toBe(200);
        expect(answer.json.catchUp).toStrictEqual(policy);
        expect((await instructor.call("GET", "/api/instructor/class/settings")).json.catchUp).toStrictEqual(policy);
        expect(await readCatchUpPolicy(db, course.config)).toStrictEqual(policy);
      }
      for (const [bad, message] of [
        [{ mode: "after-failures", failures: 0 }, /catchUp.failures: must be at least 1/],
        [{ mode: "after-failures", failures: 21 }, /catchUp.failures: must be at most 20/],
        [{ mode: "after-failures", failures: 2.5 }, /catchUp.failures: must be a whole number/],
        [{ mode: "after-failures", failures: "3" }, /catchUp.failures/],
        [{ mode: "sometimes" }, /catchUp.mode: must be \{mode: "always"\}/],
        ["always", /catchUp/],
      ] as Array<[unknown, RegExp]>) {
        const answer = await instructor.call("PUT", "/api/instructor/class/settings", { catchUp: bad });
        expect(answer.status, JSON.stringify(bad)).toBe(400);
        expect(answer.json.error.message).toMatch(message);
      }
      // The last good one is still in force; both settings are kept side by side.
      expect(await readCatchUpPolicy(db, course.config)).toStrictEqual({ mode: "after-failures", failures: 1 });
      expect((await instructor.call("GET", "/api/instructor/class/settings")).json.classLesson).toBe("tracking-example");
      // Solo learners get the default, whatever a class stored.
      expect(await readCatchUpPolicy(db, { ...course.config, mode: "solo" })).toStrictEqual({ mode: "after-failures", failures: 3 });
      await instructor.call("PUT", "/api/instructor/class/settings", { catchUp: { mode: "always" } });
    } finally {
      await db.destroy();
    }
  });

  it("clears messages, the class's lesson and the catch-up policy when a new class starts", async () => {
    expect((await instructor.call("GET", "/api/instructor/messages")).json.messages.length).toBeGreaterThan(0);
    const started = await instructor.call("POST", "/api/instructor/class", { action: "new-class" });
    expect(started.status, started.text).toBe(200);
    expect((await instructor.call("GET", "/api/instructor/messages")).json).toStrictEqual({ messages: [] });
    const settings = (await instructor.call("GET", "/api/instructor/class/settings")).json;
    expect(settings.classLesson).toBeNull();
    expect(settings.catchUp).toStrictEqual({ mode: "after-failures", failures: 3 });
    expect((await alice.call("GET", "/api/classroom")).status).toBe(401);
    const db = await openSqliteStore(path.join(course.dataDir, "course.db"));
    try {
      expect(await readCatchUpPolicy(db, course.config)).toStrictEqual({ mode: "after-failures", failures: 3 });
      expect(await db.selectFrom("message_dismissals").selectAll().execute()).toStrictEqual([]);
    } finally {
      await db.destroy();
    }
    const newcomer = new Client(site);
    expect((await newcomer.call("POST", "/api/session/join", { classCode: started.json.classCode, displayName: "Dana" })).status).toBe(200);
    expect(await feed(newcomer)).toStrictEqual({ classLesson: null, messages: [] });
  });

  it("shows a newcomer messages to everyone sent after they joined, not the ones before", async () => {
    const code = (await instructor.call("GET", "/api/instructor/class")).json.classCode;
    expect((await send({ to: "everyone", text: "Before Eve" })).status).toBe(200);
    const eve = new Client(site);
    expect((await eve.call("POST", "/api/session/join", { classCode: code, displayName: "Eve" })).status).toBe(200);
    expect((await send({ to: "everyone", text: "After Eve" })).status).toBe(200);
    expect((await feed(eve)).messages.map((message) => message.text)).toStrictEqual(["After Eve"]);
  });
});

describe("solo mode has no class: no messages, no class lesson", () => {
  let course: TempCourse;
  beforeAll(async () => {
    course = await startTempCourse(["site"], { COURSE_MODE: "solo" });
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("answers the learner's class routes with a clear 404, and the instructor's with 403", async () => {
    const site = `http://127.0.0.1:${course.config.site.port}`;
    const solo = new Client(site);
    const answer = await solo.call("GET", "/api/classroom");
    expect(answer.status).toBe(404);
    expect(answer.json.error.message).toBe("There is no class in solo mode: messages and the class's lesson exist only in classroom mode.");
    expect((await solo.call("POST", "/api/classroom/messages/0123456789abcdef/dismiss")).status).toBe(404);
    expect((await solo.call("POST", "/api/instructor/messages", { to: "everyone", text: "hello" })).status).toBe(403);
    expect((await solo.call("PUT", "/api/instructor/class/settings", { catchUp: { mode: "always" } })).status).toBe(403);
  });
});

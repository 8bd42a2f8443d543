import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesFrom, rawRequest, type RawResponse } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { WRONG_CLASS_CODES } from "./course-identity";

/**
 * The attacks on joining a class (found by an attacker with curl), each replayed
 * against a real classroom course (the site behind its own entry point, MLflow
 * with workspaces, Jupyter) and shown to fail now. Clients are told apart by
 * their source address on the loopback range (127.0.0.2, .3, ...), which is
 * what the course's entry point counts wrong guesses by.
 */

type Answer = RawResponse & { location: string | null };

/** One browser: a source address, a cookie jar, requests from the course's own origin. */
class Client {
  cookie = "";
  constructor(
    private readonly site: string,
    readonly address: string,
  ) {}

  async call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const target = new URL(url, this.site);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const response = await rawRequest(this.site, {
      method,
      path: target.pathname + target.search,
      localAddress: this.address,
      body: payload,
      headers: {
        origin: this.site,
        ...(payload === undefined ? {} : { "content-type": "application/json" }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
    });
    this.cookie = cookiesFrom(response, this.cookie);
    return { ...response, location: (response.headers.location as string | undefined) ?? null };
  }

  join(classCode: string, displayName: string) {
    return this.call("POST", "/api/session/join", { classCode, displayName });
  }

  signIn(password: string) {
    return this.call("POST", "/api/session/instructor", { password });
  }

  /** Submits a re-join link's form, as the button on its page does. */
  redeem(link: string) {
    const token = new URL(link).searchParams.get("token") ?? "";
    return this.call("POST", "/join/rejoin", `token=${encodeURIComponent(token)}`, { "content-type": "application/x-www-form-urlencoded" });
  }
}

const PASSWORD = "a-long-instructor-passphrase";
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A well-formed class code that is not `code`. */
function wrongCode(code: string, seed: number): string {
  const bare = code.replace(/-/g, "");
  const swapped = CODE_ALPHABET[(CODE_ALPHABET.indexOf(bare[0]) + 1 + (seed % 31)) % 32];
  const wrong = swapped + bare.slice(1);
  return `${wrong.slice(0, 5)}-${wrong.slice(5)}`;
}

/** `count` wrong codes from `from`, 25 at a time (a room's worth of browsers); their statuses. */
async function guessWrong(from: Client, code: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += 25) {
    const batch = Array.from({ length: Math.min(25, count - sent) }, (_, i) => from.join(wrongCode(code, sent + i), "Mallory").then((answer) => answer.status));
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

async function mlflowWorkspaces(mlflowUrl: string): Promise<Array<{ name: string; default_artifact_root?: string }>> {
  const response = await fetch(`${mlflowUrl}/api/3.0/mlflow/workspaces`);
  return ((await response.json()) as { workspaces: Array<{ name: string; default_artifact_root?: string }> }).workspaces;
}

describe("joining a classroom course under attack", () => {
  let course: TempCourse;
  let site: string;
  let instructor: Client;
  let code: string;
  const client = (address: string) => new Client(site, address);

  async function learnerId(displayName: string): Promise<string> {
    const learners = (await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ id: string; displayName: string }>;
    const found = learners.find((learner) => learner.displayName === displayName);
    if (!found) throw new Error(`No learner ${displayName} in ${JSON.stringify(learners)}`);
    return found.id;
  }

  async function ownWorkspace(learner: Client): Promise<string> {
    const list = await learner.call("GET", "/mlflow/api/3.0/mlflow/workspaces");
    expect(list.status, list.text).toBe(200);
    expect(list.json.workspaces).toHaveLength(1);
    return list.json.workspaces[0].name as string;
  }

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: PASSWORD });
    site = `http://127.0.0.1:${course.config.site.port}`;
    instructor = client("127.0.0.4");
    expect((await instructor.signIn(PASSWORD)).status).toBe(200);
    code = (await instructor.call("GET", "/api/instructor/class")).json.classCode;
  });
  afterAll(async () => {
    await course?.stop();
  });

  describe("wrong class codes are counted per client", () => {
    it("shows a long code in two groups, and takes it in any case, with or without the dash", async () => {
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
      // The join form takes its limits from the same constants as the schemas.
      const form = await client("127.0.0.19").call("GET", "/join");
      expect(form.status).toBe(200);
      expect(form.text).toMatch(/maxLength="60"/i);
      expect(form.text).toContain('placeholder="ABCDE-FGHJK"');
      expect((await client("127.0.0.20").join(code.toLowerCase(), "Lower Case")).status).toBe(200);
      expect((await client("127.0.0.21").join(code.replace("-", ""), "No Dash")).status).toBe(200);
      expect((await client("127.0.0.22").join(` ${code.slice(0, 5)} ${code.slice(6).toLowerCase()} `, "With Spaces")).status).toBe(200);
    });

    it("lets a room behind one address mistype; pauses only an address that guesses, saying what to do", async () => {
      const room = client("127.0.0.2");
      // A room's typos (twelve wrong codes, O for 0 and the like), then the right code: in.
      const typos: number[] = [];
      for (let i = 0; i < 12; i++) typos.push((await room.join(wrongCode(code, i), "Mallory")).status);
      expect(typos).toStrictEqual(Array(12).fill(403));
      expect((await room.join(code, "Room Learner")).status).toBe(200);

      // Guessing on up to the limit: every wrong code is answered 403, then the address is paused.
      const statuses = await guessWrong(room, code, WRONG_CLASS_CODES.limit - 12);
      expect(statuses.filter((status) => status !== 403), "all wrong, none paused before the limit").toStrictEqual([]);
      const paused = await room.join(wrongCode(code, 1), "Mallory");
      expect(paused.status).toBe(429);
      expect(paused.json.error.message).toMatch(/^Joining from this network is paused for \d+ s: 1000 wrong class codes came from it in 10 minutes\. Check the code with your instructor/);
      expect(paused.json.error.retryAfterSeconds).toBeGreaterThan(500);
      expect(Number(paused.headers["retry-after"])).toBe(paused.json.error.retryAfterSeconds);
      expect((await room.join(code, "Late Learner")).status, "the right code too, while paused").toBe(429);
      // A forged X-Forwarded-For changes nothing: the entry point counts the TCP peer.
      expect((await room.call("POST", "/api/session/join", { classCode: code, displayName: "Mallory" }, { "x-forwarded-for": "198.51.100.9", "x-course-client-address": "198.51.100.10" })).status).toBe(429);

      // Another address joins with the right code right after the burst.
      expect((await client("127.0.0.3").join(code, "Bea")).status).toBe(200);
      // The instructor signs in, from their usual address and from a fresh one.
      expect((await client("127.0.0.4").signIn(PASSWORD)).status).toBe(200);
      expect((await client("127.0.0.5").signIn(PASSWORD)).status).toBe(200);
      // The paused address's instructor-password counter is a separate one: a wrong password is 403, not 429.
      expect((await room.signIn("not-the-password")).status).toBe(403);
    });

    it("counts wrong instructor passwords on their own counter, which never blocks joining", async () => {
      const guesser = client("127.0.0.6");
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await guesser.signIn(`guess-${i}`)).status);
      expect(statuses).toStrictEqual([...Array(10).fill(403), 429]);
      expect((await guesser.signIn(PASSWORD)).status).toBe(429);
      expect((await client("127.0.0.7").signIn(PASSWORD)).status).toBe(200);
      expect((await guesser.join(code, "Gus")).status).toBe(200);
    });

    it("does not let a burst of concurrent guesses slip past the count", async () => {
      const burst = client("127.0.0.8");
      expect((await guessWrong(burst, code, WRONG_CLASS_CODES.limit - 5)).filter((status) => status !== 403)).toStrictEqual([]);
      const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => burst.join(wrongCode(code, i), "Burst").then((answer) => answer.status)));
      expect(statuses.filter((status) => status === 403)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(25);
    });

    it("says what a class code looks like when a malformed one is typed, and counts it as wrong", async () => {
      const typo = await client("127.0.0.9").join("ABC123", "Typo");
      expect(typo.status).toBe(403);
      expect(typo.json.error.message).toContain("10 letters and digits");
    });
  });

  describe("workspaces get unpredictable names and are never taken over", () => {
    it("gives a joining learner a random workspace name", async () => {
      const wendy = client("127.0.0.30");
      expect((await wendy.join(code, "Wendy")).status).toBe(200);
      const id = await learnerId("Wendy");
      expect(await ownWorkspace(wendy)).toMatch(new RegExp(`^learner-${id}-[0-9a-f]{12}$`));
    });

    it("resets into a fresh random workspace, never one somebody created in advance", async () => {
      const victim = client("127.0.0.31");
      expect((await victim.join(code, "Victoria")).status).toBe(200);
      const id = await learnerId("Victoria");
      const before = await ownWorkspace(victim);

      // The attacker, able to reach MLflow, pre-creates the names the old scheme would have used
      // next, with an artifact root in his own folder.
      const attackerRoot = fs.mkdtempSync(path.join(os.tmpdir(), "attacker-artifacts-"));
      const planted = [`learner-${id}-r1`, `learner-${id}-r2`, `learner-${id}`];
      for (const name of planted) {
        const created = await fetch(`${course.config.mlflow.url}/api/3.0/mlflow/workspaces`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name, default_artifact_root: attackerRoot }),
        });
        expect(created.ok, await created.text()).toBe(true);
      }

      try {
        const reset = await instructor.call("POST", `/api/instructor/learners/${id}`, { action: "reset" });
        expect(reset.status, reset.text).toBe(200);
        const after = reset.json.workspace as string;
        expect(after).toMatch(new RegExp(`^learner-${id}-[0-9a-f]{12}$`));
        expect(planted).not.toContain(after);
        expect(after).not.toBe(before);
        expect(await ownWorkspace(victim)).toBe(after);

        // Her new experiments' artifacts go to the course's store, not to the attacker's folder.
        const experiment = await victim.call("POST", "/mlflow/api/2.0/mlflow/experiments/create", { name: "After-Reset" });
        expect(experiment.status, experiment.text).toBe(200);
        const got = await victim.call("GET", `/mlflow/api/2.0/mlflow/experiments/get?experiment_id=${experiment.json.experiment_id}`);
        expect(got.json.experiment.artifact_location).not.toContain(attackerRoot);
        const onMlflow = await mlflowWorkspaces(course.config.mlflow.url);
        expect(onMlflow.find((workspace) => workspace.name === after)?.default_artifact_root ?? "").not.toContain(attackerRoot);

        // A second reset: again a new random name.
        const again = await instructor.call("POST", `/api/instructor/learners/${id}`, { action: "reset" });
        expect(again.status).toBe(200);
        expect([before, after, ...planted]).not.toContain(again.json.workspace);
      } finally {
        fs.rmSync(attackerRoot, { recursive: true, force: true });
      }
    });
  });

  describe("re-join links", () => {
    let rita: Client;
    let ritaId: string;

    beforeAll(async () => {
      rita = client("127.0.0.40");
      expect((await rita.join(code, "Rita")).status).toBe(200);
      ritaId = await learnerId("Rita");
    });

    const linkFor = async (id: string, headers: Record<string, string> = {}) => {
      const answer = await instructor.call("POST", `/api/instructor/learners/${id}`, { action: "rejoin-link" }, headers);
      expect(answer.status, answer.text).toBe(200);
      return answer.json as { url: string; expiresAt: string };
    };

    it("work once: the page asks first (a link preview uses nothing up), the button signs in, a second use is refused", async () => {
      const { url, expiresAt } = await linkFor(ritaId);
      expect(url.startsWith(`${site}/join/rejoin?token=`)).toBe(true);
      // About an hour.
      const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(55);
      expect(minutes).toBeLessThanOrEqual(60);

      const browser = client("127.0.0.41");
      const relative = new URL(url).pathname + new URL(url).search;
      for (let i = 0; i < 2; i++) {
        const preview = await browser.call("GET", relative);
        expect(preview.status).toBe(200);
        expect(preview.text).toContain("Continue as Rita");
        expect(preview.headers["referrer-policy"]).toBe("no-referrer");
      }
      expect(browser.cookie).toBe("");

      const first = await browser.redeem(url);
      expect(first.status).toBe(303);
      expect(first.location).toBe("/");
      expect((await browser.call("GET", "/api/model-server")).status).toBe(200);

      const thief = client("127.0.0.42");
      const second = await thief.redeem(url);
      expect(second.status).toBe(410);
      expect(second.text).toContain("has been used already");
      expect(thief.cookie).toBe("");
      expect((await thief.call("GET", "/api/model-server")).status).toBe(401);
      const page = await thief.call("GET", relative);
      expect(page.status).toBe(410);
      expect(page.text).toContain("each link works once");
      const asJson = await thief.call("POST", "/join/rejoin", { token: new URL(url).searchParams.get("token") });
      expect(asJson.status).toBe(410);
      expect(asJson.json.error.message).toContain("used already");
    });

    it("give one session when used several times at once", async () => {
      const { url } = await linkFor(ritaId);
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client(`127.0.0.${50 + i}`).redeem(url)));
      expect(answers.map((answer) => answer.status).sort()).toStrictEqual([303, 410, 410, 410, 410, 410]);
    });

    it("expire", async () => {
      const { url } = await linkFor(ritaId);
      const token = new URL(url).searchParams.get("token")!;
      // An hour passes: move the stored expiry into the past.
      const db = new Sqlite(path.join(course.dataDir, "course.db"));
      try {
        const id = crypto.createHash("sha256").update(token).digest("hex");
        const changed = db.prepare("update rejoin_tokens set expires_at = ? where id = ?").run(new Date(Date.now() - 1000).toISOString(), id);
        expect(changed.changes).toBe(1);
      } finally {
        db.close();
      }
      const late = client("127.0.0.43");
      const answer = await late.redeem(url);
      expect(answer.status).toBe(410);
      expect(answer.text).toContain("has expired");
      expect(late.cookie).toBe("");
      expect((await late.call("GET", new URL(url).pathname + new URL(url).search)).status).toBe(410);
    });

    it("refuse tokens the course never issued (and the old signed kind)", async () => {
      const stranger = client("127.0.0.44");
      expect((await stranger.call("GET", "/join/rejoin?token=forged.token")).status).toBe(403);
      expect((await stranger.redeem(`${site}/join/rejoin?token=${crypto.randomBytes(32).toString("base64url")}`)).status).toBe(403);
      expect((await stranger.redeem(`${site}/join/rejoin`)).status).toBe(403);
    });

    it("never point at a host the request named but this server is not", async () => {
      const port = course.config.site.port;
      const viaLoopbackName = await linkFor(ritaId, { host: `localhost:${port}`, origin: `http://localhost:${port}` });
      expect(viaLoopbackName.url.startsWith(`http://localhost:${port}/join/rejoin?token=`)).toBe(true);
      const forged = await linkFor(ritaId, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` });
      expect(forged.url.startsWith(`${course.config.site.url}/join/rejoin?token=`)).toBe(true);
      expect(forged.url).not.toContain("evil.example");
    });
  });

  describe("display names", () => {
    it.each([
      ["Eve\u202Egnp.exe", "invisible formatting characters", "U+202E RIGHT-TO-LEFT OVERRIDE"],
      ["Ev\u200Be", "invisible formatting characters", "U+200B ZERO WIDTH SPACE"],
      ["\uFEFFEve", "invisible formatting characters", "U+FEFF"],
      ["Eve\u2067x", "invisible formatting characters", "U+2067 RIGHT-TO-LEFT ISOLATE"],
      ["Eve\u0007", "control characters", "U+0007"],
      ["Eve\nInstructor", "control characters", "U+000A LINE FEED"],
      ["Eve\u2028Instructor", "line or paragraph separators", "U+2028 LINE SEPARATOR"],
    ])("refuses %j with a message naming the problem", async (name, problem, found) => {
      const answer = await client("127.0.0.60").join(code, name);
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toContain(`displayName: must not contain ${problem}`);
      expect(answer.json.error.message).toContain(`found ${found}`);
    });

    it("stores names normalized: NFC, trimmed, spaces collapsed", async () => {
      const jose = client("127.0.0.61");
      const answer = await jose.join(code, "  Jose\u0301   Garci\u0301a ");
      expect(answer.status).toBe(200);
      expect(answer.json.learner.displayName).toBe("Jos\u00e9 Garc\u00eda");
      await learnerId("Jos\u00e9 Garc\u00eda");
    });

    it("refuses a second Alice, whatever the case or width, and suggests an initial", async () => {
      expect((await client("127.0.0.62").join(code, "Alice")).status).toBe(200);
      for (const twin of ["Alice", "alice", " ALICE ", "ａｌｉｃｅ", "ＡＬＩＣＥ"]) {
        const answer = await client("127.0.0.63").join(code, twin);
        expect(answer.status, twin).toBe(409);
        expect(answer.json.error.message).toContain('Someone in this class already uses the name "Alice"; add an initial, e.g. ');
      }
      expect((await client("127.0.0.63").join(code, "Alice B.")).status).toBe(200);
      const learners = (await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ displayName: string }>;
      expect(learners.filter((learner) => learner.displayName.toLowerCase().normalize("NFKC") === "alice")).toHaveLength(1);
    });

    it("checks the code before the name, so a stranger learns nothing about who is in the class", async () => {
      const answer = await client("127.0.0.64").join(wrongCode(code, 3), "Alice");
      expect(answer.status).toBe(403);
      expect(answer.text).not.toContain("already uses");
    });

    it("lets two people join as the same name at once only once", async () => {
      const answers = await Promise.all(["127.0.0.65", "127.0.0.66", "127.0.0.67"].map((address) => client(address).join(code, "Twin")));
      expect(answers.map((answer) => answer.status).sort()).toStrictEqual([200, 409, 409]);
      // The losers' workspaces are not left behind on MLflow: every learner workspace there is a learner's.
      const learners = (await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ id: string }>;
      const onMlflow = (await mlflowWorkspaces(course.config.mlflow.url)).map((workspace) => workspace.name).filter((name) => /^learner-[0-9a-f]{10}-[0-9a-f]{12}$/.test(name));
      for (const name of onMlflow) expect(learners.some((learner) => name.startsWith(`learner-${learner.id}-`)), name).toBe(true);
    });

    it("holds for the instructor's renames too", async () => {
      const id = await learnerId("Bea");
      const rename = (displayName: string) => instructor.call("POST", `/api/instructor/learners/${id}`, { action: "rename", displayName });
      const taken = await rename("ａｌｉｃｅ");
      expect(taken.status).toBe(409);
      expect(taken.json.error.message).toContain('already uses the name "Alice"');
      const hidden = await rename("Bea\u202E");
      expect(hidden.status).toBe(400);
      expect(hidden.json.error.message).toContain("U+202E");
      expect((await rename("  Bea   Two ")).status).toBe(200);
      await learnerId("Bea Two");
      // Her own name in another case is hers to take.
      expect((await rename("BEA TWO")).status).toBe(200);
    });
  });
});

describe("re-join links on a course with COURSE_PUBLIC_URL", () => {
  let course: TempCourse;
  afterAll(async () => {
    await course?.stop();
  });

  it("start with the public address, whatever Host the instructor used", async () => {
    course = await startTempCourse(["mlflow", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: PASSWORD,
      COURSE_PUBLIC_URL: "https://mlflow-course.example.edu",
    });
    const site = `http://127.0.0.1:${course.config.site.port}`;
    const instructor = new Client(site, "127.0.0.70");
    expect((await instructor.signIn(PASSWORD)).status).toBe(200);
    const code = (await instructor.call("GET", "/api/instructor/class")).json.classCode as string;
    const learner = new Client(site, "127.0.0.71");
    expect((await learner.join(code, "Pat")).status).toBe(200);
    const id = ((await instructor.call("GET", "/api/instructor/class")).json.learners as Array<{ id: string }>)[0].id;
    const link = await instructor.call("POST", `/api/instructor/learners/${id}`, { action: "rejoin-link" });
    expect(link.status, link.text).toBe(200);
    expect(link.json.url).toMatch(/^https:\/\/mlflow-course\.example\.edu\/join\/rejoin\?token=[A-Za-z0-9_-]{43}$/);
    // The token works here (the public address is this course behind its proxy).
    expect((await new Client(site, "127.0.0.72").redeem(link.json.url)).status).toBe(303);
  });
});

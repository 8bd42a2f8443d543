import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesFrom, rawRequest, type RawRequest } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";

const projectRoot = path.resolve(import.meta.dirname, "..", "..");

/** Every page and route handler under app/, with the methods it exports. */
function discoverRoutes(): { template: string; methods: string[] }[] {
  const routes: { template: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts" || entry.name === "page.tsx") {
        const template = `/${path.relative(path.join(projectRoot, "app"), dir).split(path.sep).join("/")}`.replace(/\/$/, "") || "/";
        const source = fs.readFileSync(full, "utf8");
        const methods =
          entry.name === "page.tsx"
            ? ["GET"]
            : [...source.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b|\bas (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1] ?? m[2]);
        routes.push({ template, methods: [...new Set(methods)] });
      }
    }
  };
  walk(path.join(projectRoot, "app"));
  return routes;
}

const SAMPLE_PARAMS: Record<string, string> = {
  "[slug]": "tracking-example",
  "[exercise]": "tracking-exercise",
  "[learner]": "nobody",
  // A well-formed message id (16 hex digits), so the lookup itself is fuzzed, not only the format check.
  "[message]": "0123456789abcdef",
  "[[...path]]": "api/2.0/mlflow/experiments/search",
};
const HOSTILE_PARAMS = ["%E0%A4%A", "..%2f..%2fapi", "%00", "x".repeat(3000), "%3Cscript%3E", "%F0%9F%92%A9", "%2e%2e"];

function fill(template: string, value?: string): string {
  return template.replace(/\[\[\.\.\.\w+\]\]|\[\w+\]/g, (param) => value ?? SAMPLE_PARAMS[param] ?? "x");
}

const deepJson = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
const BODIES: (string | Buffer)[] = [
  "{",
  "[]",
  "null",
  '"text"',
  "123",
  "{}",
  '{"classCode":{"$ne":1},"displayName":["a"],"password":null,"code":1,"action":"reset","lesson":"../../etc/passwd","cell":"\\u0000"}',
  '{"displayName":"\\ud800","classCode":"\\u202e","code":"\\ud800","lesson":"tracking-example","cell":"x","exercise":"x"}',
  deepJson,
  `{"code":"${"a".repeat(900_000)}"}`,
  Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b, 0x22]),
];
const COOKIES = [
  "course_session=%E0%A4%A",
  "course_session=",
  'course_session="quoted.value"',
  "course_session=a.b.c; course_session=d.e",
  `course_session=${"x".repeat(6000)}`,
  "=; ;;=;course_view_learner=%ZZ",
  "course_view_learner=../../etc; course_session=%",
];
const HEADERS: Record<string, string>[] = [
  { "content-type": "text/plain" },
  { "content-type": "application/json; charset=bogus" },
  { origin: "null" },
  { origin: "not a url" },
  { "x-forwarded-for": "garbage, ::::, 999.1.1.1" },
  { "x-course-client-address": "'; drop table learners; --" },
  { accept: "*/*;q=bad" },
  { "content-encoding": "gzip" },
  { "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:1" },
];

/**
 * Malformed cookies, headers, bodies, queries and path parameters, thrown at
 * every route of a classroom course as a stranger, a learner and the
 * instructor: whatever comes back, it is never a 5xx.
 */
describe("every route answers malformed input with a 4xx, never a 5xx", () => {
  let course: TempCourse;
  let site: string;
  const identities: Record<string, string> = { stranger: "" };

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], { COURSE_MODE: "classroom", COURSE_INSTRUCTOR_PASSWORD: "fuzz-teacher-passphrase" });
    site = `http://127.0.0.1:${course.config.site.port}`;
    const signIn = await rawRequest(site, {
      method: "POST",
      path: "/api/session/instructor",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ password: "fuzz-teacher-passphrase" }),
    });
    identities.instructor = cookiesFrom(signIn);
    const code = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: identities.instructor } })).json.classCode;
    const joined = await rawRequest(site, {
      method: "POST",
      path: "/api/session/join",
      headers: { origin: site, "content-type": "application/json" },
      body: JSON.stringify({ classCode: code, displayName: "Fuzzy" }),
    });
    expect(joined.status).toBe(200);
    identities.learner = cookiesFrom(joined);
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("finds the routes to fuzz", () => {
    const routes = discoverRoutes();
    expect(routes.map((r) => r.template)).toEqual(expect.arrayContaining(["/api/session/join", "/mlflow/[[...path]]", "/lessons/[slug]", "/"]));
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it("never answers 5xx", async () => {
    // Sign-out ends the session it is sent with: fuzz it last.
    const routes = discoverRoutes().sort((a, b) => Number(a.template.includes("logout")) - Number(b.template.includes("logout")));
    const failures: string[] = [];
    let sent = 0;
    const send = async (identity: string, request: RawRequest) => {
      const cookie = identities[identity];
      const headers = { origin: site, ...(cookie ? { cookie } : {}), ...(request.headers ?? {}) };
      let status: number;
      try {
        status = (await rawRequest(site, { ...request, headers })).status;
      } catch (error) {
        // The entry point may close the connection on a body it refuses; that is not a 5xx.
        if ((error as NodeJS.ErrnoException).code === "ECONNRESET" || (error as NodeJS.ErrnoException).code === "EPIPE") return;
        throw error;
      }
      sent += 1;
      if (status >= 500) failures.push(`${identity} ${request.method ?? "GET"} ${request.path.slice(0, 120)} ${JSON.stringify(request.headers ?? {}).slice(0, 100)} body=${String(request.body ?? "").slice(0, 40)} -> ${status}`);
    };

    for (const identity of ["stranger", "learner", "instructor"]) {
      for (const route of routes) {
        for (const method of route.methods) {
          const target = fill(route.template);
          const hasBody = method !== "GET" && method !== "DELETE";
          for (const value of HOSTILE_PARAMS) if (route.template.includes("[")) await send(identity, { method, path: fill(route.template, value), body: hasBody ? "{}" : undefined, headers: hasBody ? { "content-type": "application/json" } : {} });
          for (const query of ["?%E0%A4%A=%ZZ", "?format=..%2F..%2Fetc&format=csv&token=%00", `?q=${"%41".repeat(2000)}`]) await send(identity, { method, path: `${target}${query}` });
          for (const cookie of COOKIES) await send(identity, { method, path: target, headers: { cookie } });
          for (const headers of HEADERS) await send(identity, { method, path: target, headers, body: hasBody ? "{}" : undefined });
          if (hasBody || method === "DELETE") {
            for (const body of BODIES) await send(identity, { method, path: target, headers: { "content-type": "application/json" }, body });
            await send(identity, { method, path: target, headers: { "content-type": "application/json" }, body: '{"a":1}', chunked: true });
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
  });
});

import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxedProcesses } from "../testing/learner-cgroups";
import { joinClass, rawRequest, runCellAs, signInAsInstructor } from "../testing/raw-http";
import { startTempCourse, type TempCourse } from "../testing/temp-course";
import { SERVICE_OOM_SCORE_ADJ } from "./out-of-memory";

const scoreOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/oom_score_adj`, "utf8").trim());
const asRoot = process.getuid?.() === 0;
/** Lowering a score needs CAP_SYS_RESOURCE, which root lacks in some containers (this machine's kind among them). */
const mayLowerScores = (BigInt(`0x${/^CapEff:\s+([0-9a-f]+)$/m.exec(fs.readFileSync("/proc/self/status", "utf8"))![1]}`) >> 24n) & 1n;

/**
 * When the machine itself runs out of memory (a learner's limit set above what it has, as a class of
 * many learners' limits always is), the kernel's out-of-memory killer takes that learner's kernel,
 * never the course's services: they run with a low score, learners' processes with the highest.
 */
describe.runIf(asRoot)("the machine out of memory", () => {
  let course: TempCourse;
  let site: string;
  let ada: { cookie: string; id: string };
  let bob: { cookie: string; id: string };

  beforeAll(async () => {
    course = await startTempCourse(["mlflow", "jupyter", "site"], {
      COURSE_MODE: "classroom",
      COURSE_INSTRUCTOR_PASSWORD: "oom-teacher-passphrase",
      COURSE_SANDBOX: "on",
      DATABASE_URL: "",
      // Far above the machine's memory: only the machine stops a learner here.
      COURSE_SANDBOX_MEMORY_MB: "1000000",
      COURSE_MEMORY_FLOOR_MB: "256",
    });
    site = `http://127.0.0.1:${course.config.site.port}`;
    const instructor = await signInAsInstructor(site, "oom-teacher-passphrase");
    const classCode = (await rawRequest(site, { path: "/api/instructor/class", headers: { cookie: instructor } })).json.classCode;
    ada = await joinClass(site, classCode, "Ada");
    bob = await joinClass(site, classCode, "Bob");
  });
  afterAll(async () => {
    await course?.stop();
  });

  it("runs the course's services with a low score (where the machine lets root lower one) and learners' kernels with the highest", async () => {
    expect((await runCellAs(site, ada.cookie, "print('ready')")).stdout.trim()).toBe("ready");
    for (const service of course.supervisor.statuses()) expect(scoreOf(service.pid!), service.name).toBe(mayLowerScores ? SERVICE_OOM_SCORE_ADJ : 0);
    // Every process of the learner's sandbox: the launcher, bubblewrap, the bridges, the kernel.
    const sandbox = sandboxedProcesses(ada.id);
    expect(sandbox.length).toBeGreaterThan(2);
    for (const pid of sandbox) expect(scoreOf(pid), fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 100)).toBe(1000);
  });

  it("loses only the learner's own kernel when their cell takes all the machine's memory", async () => {
    expect((await runCellAs(site, bob.cookie, "kept = 'bob still here'\nprint('ok')")).stdout.trim()).toBe("ok");
    const services = course.supervisor.statuses().map((status) => ({ name: status.name, pid: status.pid, restarts: status.restarts }));
    const greedy = await rawRequest(site, {
      method: "POST",
      path: "/api/cells/run",
      headers: { origin: site, cookie: ada.cookie, "content-type": "application/json" },
      // A block at a time, each touched, until the machine has no more.
      body: JSON.stringify({ lesson: "tracking-example", cellId: "load-data", code: "blocks = []\nwhile True:\n    block = bytearray(256 << 20)\n    block[::4096] = b'x' * len(block[::4096])\n    blocks.append(block)" }),
    });
    expect(greedy.text).toMatch(/"status":"dead"/);
    // The course's services are the same processes, none restarted.
    expect(course.supervisor.statuses().map((status) => ({ name: status.name, pid: status.pid, restarts: status.restarts }))).toEqual(services);
    expect((await fetch(`${course.config.mlflow.url}/health`)).status).toBe(200);
    // Another learner's kernel keeps its state; the learner who ran out gets a new kernel.
    expect((await runCellAs(site, bob.cookie, "print(kept)")).stdout.trim()).toBe("bob still here");
    let after = { stdout: "" };
    for (let attempt = 0; attempt < 5 && after.stdout.trim() !== "42"; attempt += 1) after = await runCellAs(site, ada.cookie, "print(6 * 7)");
    expect(after.stdout.trim()).toBe("42");
  });
});

import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { groupAlive, spawnGroup } from "./process-group";
import { runProcess, SpawnError } from "./run-process";
import { waitUntil } from "./wait-until";

const env = { PATH: process.env.PATH };
const cwd = os.tmpdir();
const sh = (script: string) => ({ command: "/bin/sh", args: ["-c", script], env, cwd });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids the test started that must be gone by its end. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

describe("runProcess", () => {
  it("collects stdout and stderr, passes stdin, and reports the exit code", async () => {
    const result = await runProcess(sh("cat; echo oops >&2; exit 3"), { stdin: "hello", timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 3, stdout: "hello", stderr: "oops\n", timedOut: false, aborted: false });
  });

  it("kills the whole group at the time limit, a grandchild included", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "run-process-"));
    const pidFile = path.join(folder, "grandchild");
    // The grandchild ignores SIGTERM: the grace ends in SIGKILL.
    const script = `sh -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 0.1; done' & wait`;
    const begun = Date.now();
    const result = await runProcess(sh(script), { timeoutMs: 300, killGraceMs: 300 });
    const grandchild = Number(fs.readFileSync(pidFile, "utf8"));
    started.push(grandchild);
    expect(result.timedOut).toBe(true);
    expect(alive(grandchild)).toBe(false);
    expect(Date.now() - begun).toBeLessThan(5000);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it("kills with SIGKILL at once when there is no grace", async () => {
    const result = await runProcess(sh(`trap "" TERM; while :; do sleep 0.1; done`), { timeoutMs: 100, killGraceMs: 0 });
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL" });
  });

  it("ends what the leader left behind in its group when the leader exits", async () => {
    const result = await runProcess(sh("sleep 60 & echo $!"), { timeoutMs: 10_000 });
    const worker = Number(result.stdout.trim());
    started.push(worker);
    expect(result.code).toBe(0);
    expect(alive(worker)).toBe(false);
  });

  it("keeps stdout's head and stderr's tail up to their caps", async () => {
    const result = await runProcess(sh("printf 0123456789; printf abcdefghij >&2"), {
      timeoutMs: 10_000,
      stdout: { maxChars: 4, keep: "head" },
      stderr: { maxChars: 3, keep: "tail" },
    });
    expect(result).toMatchObject({ stdout: "0123", stdoutTruncated: true, stderr: "hij", stderrTruncated: true });
    const small = await runProcess(sh("printf ab"), { timeoutMs: 10_000, stdout: { maxChars: 4, keep: "head" } });
    expect(small).toMatchObject({ stdout: "ab", stdoutTruncated: false });
  });

  it("kills the group when aborted, and does not start when already aborted", async () => {
    const controller = new AbortController();
    const running = runProcess(sh("sleep 60"), { timeoutMs: 60_000, signal: controller.signal, killGraceMs: 0 });
    setTimeout(() => controller.abort(), 50);
    await expect(running).resolves.toMatchObject({ aborted: true, timedOut: false, signal: "SIGKILL" });
    await expect(runProcess(sh("exit 0"), { timeoutMs: 1000, signal: AbortSignal.abort() })).resolves.toMatchObject({ aborted: true, code: null });
  });

  it("gives extra pipes as file descriptors 3 and up", async () => {
    let fromThree = "";
    const result = await runProcess(sh("read word <&4; echo \"got $word\" >&3"), {
      timeoutMs: 10_000,
      extraPipes: 2,
      withPipes: ([three, four]) => {
        three.setEncoding("utf8").on("data", (chunk: string) => (fromThree += chunk));
        four.end("go\n");
      },
    });
    expect(result.code).toBe(0);
    expect(fromThree).toBe("got go\n");
  });

  it("rejects with SpawnError when the command cannot start", async () => {
    await expect(runProcess({ command: "/nonexistent/python", args: [], env, cwd }, { timeoutMs: 1000 })).rejects.toBeInstanceOf(SpawnError);
  });
});

describe("spawnGroup", () => {
  it("forwards output line by line and stops the whole group with SIGTERM", async () => {
    const lines: string[] = [];
    const group = spawnGroup(sh("sleep 60 & echo started; wait"), { onLine: (line) => lines.push(line) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines).toEqual(["started"]);
    expect(group.alive()).toBe(true);
    const exit = await group.stop(2000);
    expect(exit.signal).toBe("SIGTERM");
    expect(groupAlive(group.pid)).toBe(false);
    expect(group.leaderEnded()).toBe(true);
  });

  it("ends a leader started with endsWithThisProcess when the process that started it dies alone (SIGKILL)", async () => {
    const owner = async (endsWithThisProcess: boolean) => {
      // A Node process that starts `sleep` as the site starts a model server, prints its pid and waits.
      const script = `import { spawnGroup } from ${JSON.stringify(path.join(import.meta.dirname, "process-group.ts"))};
        const group = spawnGroup({ command: "sleep", args: ["60"], env: { PATH: process.env.PATH }, cwd: "/" }, { endsWithThisProcess: ${endsWithThisProcess} });
        console.log(group.pid); setInterval(() => {}, 1000);`;
      const node = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      const [line] = (await once(node.stdout!, "data")) as [Buffer];
      const sleeper = Number(line.toString().trim());
      started.push(sleeper, node.pid!);
      node.kill("SIGKILL");
      await once(node, "exit");
      return sleeper;
    };
    const ended = await owner(true);
    await waitUntil(() => !alive(ended), { timeoutMs: 5000, intervalMs: 50 });
    expect(alive(ended)).toBe(false);
    // Without it the leader outlives its owner: what a server started by a crashed site did.
    const orphan = await owner(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(orphan)).toBe(true);
  });

  it("says so when the command cannot start", async () => {
    const lines: string[] = [];
    const group = spawnGroup({ command: "/nonexistent/mlflow", args: [], env, cwd }, { onLine: (line) => lines.push(line) });
    const exit = await group.exited;
    expect(exit.code).toBe(127);
    expect(exit.error).toBeInstanceOf(Error);
    expect(lines[0]).toMatch(/^failed to start \/nonexistent\/mlflow/);
  });
});

import { describe, expect, it } from "vitest";
import { groupAlive } from "./process-group";
import { startUntilOutput } from "./start-until-output";

const node = (script: string) => ({ command: process.execPath, args: ["-e", script], env: { PATH: process.env.PATH }, cwd: process.cwd() });

describe("startUntilOutput", () => {
  it("resolves once the process prints the ready line, and keeps what it printed", async () => {
    const { group, output } = await startUntilOutput(node("console.log('starting'); setTimeout(() => console.error('all READY now'), 200); setInterval(() => {}, 1000)"), {
      readyWhen: "READY",
      timeoutMs: 10_000,
      what: "the stand-in",
    });
    expect(output()).toBe("starting\nall READY now\n");
    expect(group.alive()).toBe(true);
    await group.stop(1000);
    expect(group.alive()).toBe(false);
  });

  it("rejects with its output when it ends before it is ready", async () => {
    await expect(startUntilOutput(node("console.log('cannot start: port taken'); process.exit(3)"), { readyWhen: "READY", timeoutMs: 10_000, what: "the stand-in" })).rejects.toThrow(
      "the stand-in ended before it was ready:\ncannot start: port taken",
    );
  });

  it("kills the whole group when it is not ready in time", async () => {
    let pid = 0;
    const started = startUntilOutput(node("require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' }); console.log('pid ' + process.pid); setInterval(() => {}, 1000)"), {
      readyWhen: "READY",
      timeoutMs: 1500,
      what: "the stand-in",
    });
    await expect(started).rejects.toThrow(/the stand-in was not ready within/);
    const failure = (await started.catch((error: unknown) => error)) as Error;
    const printed = /pid (\d+)/.exec(failure.message);
    pid = Number(printed?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(groupAlive(pid)).toBe(false);
  });
});

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { helperProcessEnv, type ProcessLauncher } from "@/grader/process-launch";

export type CellsOutcome = { ok: true; output: string } | { ok: false; output: string; failedCell?: string; error: string };

/** What a catch-up shows of its cells' output: the end, where an error would be. */
const OUTPUT_LIMIT = 64 * 1024;

export function catchUpScript(projectRoot: string): string {
  return path.join(/* turbopackIgnore: true */ projectRoot, "python", "catch_up.py");
}

/**
 * Runs cells with `python/catch_up.py`, started by `launcher` (the course: in the learner's
 * sandbox, whose MLflow is the gate with the learner's token; without one, `trackingUri` in
 * `workspace`). The cells' output comes back, ending with the failed cell's traceback.
 */
export async function runSolutionCells(request: {
  projectRoot: string;
  pythonBin: string;
  trackingUri: string;
  workspace?: string;
  cells: Array<{ id: string; code: string }>;
  launcher: ProcessLauncher;
  timeoutMs: number;
}): Promise<CellsOutcome> {
  const script = catchUpScript(request.projectRoot);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "catch-up-"));
  try {
    const launch = request.launcher({
      command: request.pythonBin,
      args: [script],
      env: helperProcessEnv(request),
      cwd: scratch,
      writable: [scratch],
      readOnlyFiles: [script],
    });
    const { code, output, stdout, timedOut } = await run(launch.command, launch.args, launch.env, launch.cwd, JSON.stringify({ cells: request.cells }), request.timeoutMs);
    // The verdict is stdout's last line; what is shown is both streams as they came, without it.
    const verdictLine = stdout.trimEnd().split("\n").at(-1);
    const verdict = parseJson(verdictLine);
    const shown = verdict && verdictLine ? output.replace(verdictLine, "").trimEnd() : output.trimEnd();
    if (timedOut) return { ok: false, output: shown, error: `the cells took longer than ${Math.round(request.timeoutMs / 1000)} s` };
    if (code === 0 && verdict?.ok === true) return { ok: true, output: shown };
    if (typeof verdict?.failed === "string") return { ok: false, output: shown, failedCell: verdict.failed, error: String(verdict.error ?? "it raised an error") };
    return { ok: false, output: shown, error: `the cells' Python ended with exit code ${code}` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function parseJson(line: string | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line ?? "");
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function run(command: string, args: string[], env: Record<string, string | undefined>, cwd: string, stdin: string, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string; stdout: string; timedOut: boolean }>((resolve, reject) => {
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let output = "";
    let stdout = "";
    let timedOut = false;
    const keep = (chunk: string) => {
      output = (output + chunk).slice(-OUTPUT_LIMIT);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout = (stdout + chunk).slice(-4096);
      keep(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", keep);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, stdout, timedOut });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(stdin);
  });
}

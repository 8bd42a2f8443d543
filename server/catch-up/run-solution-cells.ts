import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { catchUpVerdictSchema, type CatchUpVerdict } from "@/contracts/helper-answers";
import { helperContractFiles } from "@/grader/helper-files";
import { helperProcessEnv } from "@/lib/process/child-env";
import type { ProcessLauncher } from "@/lib/process/launch";
import { runProcess } from "@/lib/process/run-process";

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
      readOnlyFiles: [script, ...helperContractFiles(script, ["catch-up-verdict"])],
    });
    // Both streams as they come, for the learner; stdout alone for the verdict on its last line.
    let output = "";
    const { code, stdout, timedOut } = await runProcess(launch, {
      stdin: JSON.stringify({ cells: request.cells }),
      timeoutMs: request.timeoutMs,
      killGraceMs: 0,
      stdout: { maxChars: 4096, keep: "tail" },
      onOutput: (chunk) => {
        output = (output + chunk).slice(-OUTPUT_LIMIT);
      },
    });
    // The verdict is stdout's last line; what is shown is both streams as they came, without it.
    const verdictLine = stdout.trimEnd().split("\n").at(-1);
    const verdict = parseVerdict(verdictLine);
    const shown = verdict && verdictLine ? output.replace(verdictLine, "").trimEnd() : output.trimEnd();
    if (timedOut) return { ok: false, output: shown, error: `the cells took longer than ${Math.round(request.timeoutMs / 1000)} s` };
    if (code === 0 && verdict && "ok" in verdict) return { ok: true, output: shown };
    if (verdict && "failed" in verdict) return { ok: false, output: shown, failedCell: verdict.failed, error: verdict.error };
    return { ok: false, output: shown, error: `the cells' Python ended with exit code ${code}` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The helper's verdict (python/catch_up.py), or null when stdout's last line is not one. */
function parseVerdict(line: string | undefined): CatchUpVerdict | null {
  try {
    const parsed = catchUpVerdictSchema.safeParse(JSON.parse(line ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

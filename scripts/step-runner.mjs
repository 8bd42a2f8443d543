// One line per install step, with the time it has taken: a long command's own output goes to a
// log file, and only its latest meaningful line (pip's "Collecting ...", npm's, next build's)
// is shown beside the clock. On failure the log's last lines are printed and the file is named.
// Plain Node.js with no dependencies (it runs before node_modules exists).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Seconds as "42 s" or "2 min 05 s". */
export function formatElapsed(ms) {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** The part of a command's output line worth showing beside the clock, or null for noise. */
export function progressOf(line) {
  const text = line.replace(/\x1b\[[\d;]*[A-Za-z]/g, "").trim();
  if (!text) return null;
  // pip: what it is fetching or building, and the final install.
  const pip = /^(Collecting \S+|Downloading \S+|Building wheel for \S+|Installing collected packages|Successfully installed)/.exec(text);
  if (pip) return pip[1];
  // apt-get: packages fetched and set up.
  const apt = /^(Get:\d+ \S+ \S+ \S+ (\S+)|Setting up (\S+))/.exec(text);
  if (apt) return apt[2] ? `Fetching ${apt[2]}` : `Setting up ${apt[3]}`;
  // next build's phases.
  const next = /^[\u2713\u25b2\u25cb ]*(Creating an optimized production build|Compiled successfully|Collecting page data|Generating static pages|Finalizing page optimization|Linting and checking)/.exec(text);
  if (next) return next[1];
  return null;
}

/**
 * Runs `command args` as the step `label`: prints "▸ label" and, on a terminal, keeps that one
 * line updated with the elapsed time and progress; elsewhere (CI logs) a line every
 * `heartbeatMs`. Resolves to { ok, logFile, elapsedMs }.
 * @param {string} label
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, logDir: string, logName: string, out?: { isTTY?: boolean, columns?: number, write(text: string): unknown }, heartbeatMs?: number, now?: () => number }} options
 * @returns {Promise<{ ok: boolean, logFile: string, elapsedMs: number }>}
 */
export function runStep(label, command, args, { cwd, env, logDir, logName, out = process.stdout, heartbeatMs = 30_000, now = Date.now }) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${logName}.log`);
  const log = fs.openSync(logFile, "w");
  fs.writeSync(log, `$ ${command} ${args.join(" ")}\n`);
  const started = now();
  const tty = Boolean(out.isTTY);
  let progress = "";
  let lastBeat = started;
  const line = () => `\u25b8 ${label} ${formatElapsed(now() - started)}${progress ? `  ${progress}` : ""}`;
  const width = () => Math.max(40, (out.columns ?? 100) - 1);
  const redraw = () => out.write(`\r\x1b[K${line().slice(0, width())}`);
  if (tty) redraw();
  else out.write(`\u25b8 ${label}\n`);
  const ticker = setInterval(() => {
    if (tty) redraw();
    else if (now() - lastBeat >= heartbeatMs) {
      lastBeat = now();
      out.write(`  ... ${formatElapsed(now() - started)}${progress ? `: ${progress}` : ""}\n`);
    }
  }, tty ? 1000 : Math.min(heartbeatMs, 5000));

  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let partial = "";
    const onData = (chunk) => {
      fs.writeSync(log, chunk);
      const lines = (partial + chunk.toString()).split(/\r?\n|\r/);
      partial = lines.pop() ?? "";
      for (const text of lines) {
        const shown = progressOf(text);
        if (shown) progress = shown;
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    let finished = false;
    const finish = (ok, why) => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      if (why) fs.writeSync(log, `\n${why}\n`);
      fs.closeSync(log);
      const elapsedMs = now() - started;
      const mark = ok ? "\u2714" : "\u2716";
      out.write(`${tty ? "\r\x1b[K" : ""}${mark} ${label} ${ok ? "done" : "failed"} in ${formatElapsed(elapsedMs)}\n`);
      if (!ok) {
        const tail = fs.readFileSync(logFile, "utf8").split("\n").filter(Boolean).slice(-20);
        out.write(`${tail.map((text) => `    ${text}`).join("\n")}\n  Full output: ${logFile}\n`);
      }
      resolve({ ok, logFile, elapsedMs });
    };
    child.once("error", (error) => finish(false, `Could not run ${command}: ${error.message}`));
    child.once("close", (code) => finish(code === 0, code === 0 ? "" : `Exit code ${code}`));
  });
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatElapsed, progressOf, runStep } from "./step-runner.mjs";

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "step-runner-"));
afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

/** A console stand-in: what a step printed, as a terminal or as a CI log. */
function output(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, columns: 120, write: (text: string) => written.push(text), text: () => written.join("") };
}

const python = (code: string) => ["python3", ["-c", code]] as const;

describe("install steps: one line each, with the time taken, full output in a log", () => {
  it("shows one line per step in a CI log, with heartbeats and pip's progress, and keeps the output in the log only", async () => {
    const out = output(false);
    const [command, args] = python("import time\nfor name in ['mlflow', 'pyspark']:\n    print(f'Collecting {name}==3.0', flush=True)\n    print('  noise ' * 20, flush=True)\n    time.sleep(0.7)\nprint('Successfully installed mlflow pyspark')");
    const result = await runStep("Installing the Python packages", command, args, { logDir, logName: "pip-ok", out, heartbeatMs: 500 });
    expect(result.ok).toBe(true);
    const lines = out.text().trimEnd().split("\n");
    expect(lines[0]).toBe("\u25b8 Installing the Python packages");
    expect(lines.at(-1)).toMatch(/^\u2714 Installing the Python packages done in \d+ s$/);
    expect(lines.slice(1, -1).length).toBeGreaterThan(0);
    for (const beat of lines.slice(1, -1)) expect(beat).toMatch(/^ {2}\.\.\. \d+ s(: Collecting (mlflow|pyspark)==3\.0)?$/);
    expect(out.text()).not.toContain("noise");
    const log = fs.readFileSync(result.logFile, "utf8");
    expect(log).toContain("Collecting pyspark==3.0");
    expect(log).toContain("noise");
  });

  it("on a terminal keeps rewriting one line, and on failure prints the output's last lines and names the log", async () => {
    const out = output(true);
    const [command, args] = python("import sys, time\nprint('Collecting scikit-learn', flush=True)\ntime.sleep(1.2)\nfor i in range(30): print(f'line {i}')\nprint('ERROR: No matching distribution found for nothing', file=sys.stderr)\nsys.exit(3)");
    const result = await runStep("Installing the Python packages", command, args, { logDir, logName: "pip-failed", out });
    expect(result.ok).toBe(false);
    const text = out.text();
    expect(text).toMatch(/\r\x1b\[K\u25b8 Installing the Python packages \d+ s {2}Collecting scikit-learn/);
    expect(text).toMatch(/\u2716 Installing the Python packages failed in \d+ s\n/);
    expect(text).toContain("    ERROR: No matching distribution found for nothing");
    expect(text).toContain("    line 29");
    expect(text).not.toContain("line 5\n");
    expect(text).toContain(`  Full output: ${path.join(logDir, "pip-failed.log")}`);
    expect(fs.readFileSync(result.logFile, "utf8")).toContain("line 5\n");
  });

  it("reports a program that cannot be started as a failed step", async () => {
    const out = output(false);
    const result = await runStep("Building", "/no/such/program", [], { logDir, logName: "missing", out });
    expect(result.ok).toBe(false);
    expect(out.text()).toMatch(/Could not run \/no\/such\/program: .*ENOENT/);
  });

  it("condenses pip, apt-get and next build output to the part worth showing", () => {
    expect(progressOf("Collecting mlflow==3.7.0 (from -r requirements.txt (line 1))")).toBe("Collecting mlflow==3.7.0");
    expect(progressOf("  Downloading pyspark-3.5.5.tar.gz (317.2 MB)")).toBe("Downloading pyspark-3.5.5.tar.gz");
    expect(progressOf("Get:3 http://deb.debian.org/debian bookworm/main amd64 haproxy amd64 2.6.12-1 [2,046 kB]")).toBe("Fetching haproxy");
    expect(progressOf("Setting up chromium (120.0) ...")).toBe("Setting up chromium");
    expect(progressOf("   Creating an optimized production build ...")).toBe("Creating an optimized production build");
    expect(progressOf(" \u2713 Compiled successfully in 40s")).toBe("Compiled successfully");
    expect(progressOf("Requirement already satisfied: six")).toBeNull();
    expect(formatElapsed(42_900)).toBe("42 s");
    expect(formatElapsed(125_000)).toBe("2 min 05 s");
  });
});

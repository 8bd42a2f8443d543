import { countStatuses, type CheckResult, type CheckStatus, type ExerciseReport } from "../report";

/** Pytest-like text for one report: header, one line per check, details of the misses, summary. */

export type FormatOptions = {
  /** Site URL that turns link paths into full URLs (http://127.0.0.1:3000). */
  siteUrl: string;
  color: boolean;
  title?: string;
};

const LABEL: Record<CheckStatus, string> = { passed: "PASSED", failed: "FAILED", skipped: "SKIPPED", error: "ERROR" };
const COLOR: Record<CheckStatus, string> = { passed: "32", failed: "31", skipped: "33", error: "35" };

export function formatReport(report: ExerciseReport, options: FormatOptions): string {
  const paint = (status: CheckStatus, text: string) => (options.color ? `\u001b[${COLOR[status]}m${text}\u001b[0m` : text);
  const bold = (text: string) => (options.color ? `\u001b[1m${text}\u001b[0m` : text);
  const url = (link: string) => fullUrl(options.siteUrl, link);
  const lines: string[] = [];

  lines.push(bold(banner(`${report.exercise}${options.title ? `: ${options.title}` : ""}`)));
  if (report.gradedRun) {
    const name = report.gradedRun.runName ? `${report.gradedRun.runName} (${report.gradedRun.runId})` : report.gradedRun.runId;
    lines.push(`graded run: ${name}  ${url(report.gradedRun.link)}`);
  }
  for (const check of report.checks) {
    lines.push(`${paint(check.status, label(check).padEnd(17))} ${check.title}`);
  }

  const misses = report.checks.filter((check) => check.status === "failed" || check.status === "error");
  if (misses.length > 0) {
    lines.push("", bold(banner("details", "-")));
    for (const check of misses) {
      lines.push(`${paint(check.status, label(check))} ${check.title}`);
      lines.push(indent(check.message));
      if (check.hint) lines.push(indent(`hint: ${check.hint}`));
      if (check.link) lines.push(indent(`see: ${url(check.link)}`));
      lines.push("");
    }
  } else {
    lines.push("");
  }
  lines.push(bold(summaryLine(report.checks)));
  return lines.join("\n");
}

/** `3 passed, 1 failed`, then `, 1 optional failed`, `, 2 skipped`, `, 1 error` when nonzero. */
export function summaryLine(checks: readonly CheckResult[]): string {
  const counts = countStatuses(checks);
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`];
  if (counts.optionalFailed > 0) parts.push(`${counts.optionalFailed} optional failed`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (counts.error > 0) parts.push(`${counts.error} ${counts.error === 1 ? "error" : "errors"}`);
  return parts.join(", ");
}

export function fullUrl(siteUrl: string, link: string): string {
  if (/^https?:\/\//.test(link)) return link;
  return `${siteUrl.replace(/\/+$/, "")}${link.startsWith("/") ? "" : "/"}${link}`;
}

function label(check: CheckResult): string {
  return check.optional && check.status === "failed" ? `${LABEL[check.status]} (optional)` : LABEL[check.status];
}

function banner(text: string, fill = "="): string {
  const width = 72;
  const inner = ` ${text} `;
  const side = Math.max(3, Math.floor((width - inner.length) / 2));
  return `${fill.repeat(side)}${inner}${fill.repeat(side)}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

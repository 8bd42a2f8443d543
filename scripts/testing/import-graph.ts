import fs from "node:fs";
import path from "node:path";

/**
 * The project's own import graph, read from the source text: every `import ... from`, `export
 * ... from`, `import(...)` and `require(...)` of a relative or `@/` path, resolved to a file of
 * the tree. Package imports are not edges. Tests and test helpers (`*.test.ts`, `testing/`
 * folders) are left out: they may reach into anything they test.
 */
export type ImportEdge = { from: string; to: string; specifier: string };

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const SKIPPED_FOLDERS = new Set(["node_modules", ".next", ".git", ".venv", ".venv-gateway", ".data", ".install-logs", "testing", "fixtures"]);
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm;

export function isTestFile(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || /\.suite\.ts$/.test(file) || file.split("/").includes("testing");
}

/** Every source file under `folders` of `root` (relative paths, `/`-separated), tests left out. */
export function sourceFiles(root: string, folders: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_FOLDERS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        const relative = path.relative(root, full).split(path.sep).join("/");
        if (!isTestFile(relative)) found.push(relative);
      }
    }
  };
  for (const folder of folders) {
    const full = path.join(root, folder);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) found.push(folder);
    else walk(full);
  }
  return found.sort();
}

/** Drops comments so an import named in a comment is not an edge (string contents are kept). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/[^\n]*/g, "$1");
}

function resolve(root: string, fromFile: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(root, path.dirname(fromFile), specifier);
  else return null;
  const candidates = [base, ...[".ts", ".tsx", ".mts", ".mjs", ".js"].map((ext) => base + ext), ...["index.ts", "index.tsx"].map((name) => path.join(base, name))];
  const hit = candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  return path.relative(root, hit ?? base).split(path.sep).join("/");
}

export function importEdges(root: string, files: string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = withoutComments(fs.readFileSync(path.join(root, file), "utf8"));
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
      const to = resolve(root, file, specifier);
      if (to !== null) edges.push({ from: file, to, specifier });
    }
  }
  return edges;
}

/**
 * The import rules as ARCHITECTURE.md writes them: a fenced block of kind `imports`, one line a
 * folder, `folder: what it may import` (comma-separated folders, or `-` for none of ours).
 * `#` starts a comment.
 */
export type ImportRules = Map<string, string[]>;

export function parseImportRules(markdown: string): ImportRules {
  const block = /```imports\n([\s\S]*?)```/.exec(markdown);
  if (!block) throw new Error("ARCHITECTURE.md has no ```imports block");
  const rules: ImportRules = new Map();
  for (const raw of block[1].split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon < 0) throw new Error(`not "folder: folders it may import": ${raw}`);
    const unit = line.slice(0, colon).trim();
    const allowed = line
      .slice(colon + 1)
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part && part !== "-");
    if (rules.has(unit)) throw new Error(`${unit} has two rules`);
    rules.set(unit, allowed);
  }
  return rules;
}

/** The unit (a folder of the rules) a file belongs to: the longest rule folder it lies in. */
export function unitOf(rules: ImportRules, file: string): string | null {
  let best: string | null = null;
  for (const unit of rules.keys()) {
    if ((file === unit || file.startsWith(`${unit}/`) || file.startsWith(`${unit}.`)) && (best === null || unit.length > best.length)) best = unit;
  }
  return best;
}

export type RuleBreak = { from: string; to: string; fromUnit: string; toUnit: string; specifier: string };

/** Imports between units that the rules do not allow (an import within a unit is always allowed). */
export function ruleBreaks(rules: ImportRules, edges: ImportEdge[]): RuleBreak[] {
  const breaks: RuleBreak[] = [];
  for (const edge of edges) {
    const fromUnit = unitOf(rules, edge.from);
    const toUnit = unitOf(rules, edge.to);
    if (!fromUnit || !toUnit || fromUnit === toUnit) continue;
    if (!(rules.get(fromUnit) ?? []).includes(toUnit)) breaks.push({ ...edge, fromUnit, toUnit });
  }
  return breaks;
}

/** A cycle among the rules themselves (so that no pair of folders can be allowed both ways), or null. */
export function ruleCycle(rules: ImportRules): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (unit: string): string[] | null => {
    if (state.get(unit) === "done") return null;
    if (state.get(unit) === "open") return [...stack.slice(stack.indexOf(unit)), unit];
    state.set(unit, "open");
    stack.push(unit);
    for (const next of rules.get(unit) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(unit, "done");
    return null;
  };
  for (const unit of rules.keys()) {
    const cycle = visit(unit);
    if (cycle) return cycle;
  }
  return null;
}

/** Pairs of units whose files import each other (the picture the rules forbid). */
export function mutualPairs(rules: ImportRules, edges: ImportEdge[]): Array<[string, string]> {
  const between = new Set<string>();
  for (const edge of edges) {
    const a = unitOf(rules, edge.from);
    const b = unitOf(rules, edge.to);
    if (a && b && a !== b) between.add(`${a}\u0000${b}`);
  }
  const pairs: Array<[string, string]> = [];
  for (const key of between) {
    const [a, b] = key.split("\u0000");
    if (a < b && between.has(`${b}\u0000${a}`)) pairs.push([a, b]);
  }
  return pairs.sort();
}

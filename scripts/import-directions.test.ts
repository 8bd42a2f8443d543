import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importEdges, mutualPairs, parseImportRules, ruleBreaks, ruleCycle, sourceFiles, unitOf } from "./testing/import-graph";

// The folders' import directions are written once, in ARCHITECTURE.md ("Import directions"); this
// test holds the tree to them, so the document and the code cannot drift apart.
const root = path.resolve(import.meta.dirname, "..");
const rules = parseImportRules(fs.readFileSync(path.join(root, "ARCHITECTURE.md"), "utf8"));
const files = sourceFiles(root, ["app", "components", "contracts", "lib", "grader", "server", "scripts", "bench", "e2e"]);
const edges = importEdges(root, files);

describe("import directions (ARCHITECTURE.md)", () => {
  it("reads the rules and the tree", () => {
    expect(rules.size).toBeGreaterThan(10);
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  it("allows no cycle among the folders", () => {
    expect(ruleCycle(rules)).toBeNull();
  });

  it("names a rule for every folder with code", () => {
    const unplaced = files.filter((file) => unitOf(rules, file) === null);
    expect(unplaced, "these files lie in no folder of the rules: add the folder to ARCHITECTURE.md").toEqual([]);
  });

  it("rules only folders that exist", () => {
    const missing = [...rules.keys(), ...[...rules.values()].flat()].filter((unit) => !fs.existsSync(path.join(root, unit)) && !fs.existsSync(path.join(root, `${unit}.ts`)));
    expect([...new Set(missing)]).toEqual([]);
  });

  it("has no import against the rules", () => {
    const breaks = ruleBreaks(rules, edges).map((b) => `${b.from} imports ${b.specifier} (${b.fromUnit} -> ${b.toUnit})`);
    expect(breaks, "an import against ARCHITECTURE.md's directions: move the code, or change the rule there and say why").toEqual([]);
  });

  it("has no two server folders importing each other", () => {
    expect(mutualPairs(rules, edges)).toEqual([]);
  });

  it("catches a forbidden import (the check itself can fail)", () => {
    const fake = [{ from: "server/store/x.ts", to: "server/http/y.ts", specifier: "../http/y" }];
    expect(ruleBreaks(rules, fake)).toHaveLength(1);
    expect(mutualPairs(rules, [...fake, { from: "server/http/y.ts", to: "server/store/x.ts", specifier: "../store/x" }])).toEqual([["server/http", "server/store"]]);
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { CourseTextError, loadedCourseTexts, readCourseText, textFolder, type TextNeeds } from "./course-text";
import { EXERCISE_IDS } from "./grade";

type TextFile = { checks?: Record<string, { title: string; hints: Record<string, string[]> }>; messages?: Record<string, string> };
type Needs = TextNeeds<Record<string, readonly string[]>>;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "course-text-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const original = (name: string): TextFile => parseYaml(fs.readFileSync(path.join(textFolder(), `${name}.yaml`), "utf8"));

/** Reads a changed copy of a text file the way the grader reads the real one. */
function readChanged(name: string, needs: Needs, change: (file: TextFile) => void) {
  const file = original(name);
  change(file);
  const copy = path.join(scratch, `${name}.yaml`);
  fs.writeFileSync(copy, stringifyYaml(file));
  return () => readCourseText(copy, `lessons/messages/${name}.yaml`, needs);
}

const texts = [...loadedCourseTexts()];

describe("the Check's words (lessons/messages/)", () => {
  it("has one file per exercise, plus the tracking checks' shared one, and the grader reads each", () => {
    const files = fs.readdirSync(textFolder()).filter((name) => name.endsWith(".yaml")).map((name) => name.replace(/\.yaml$/, ""));
    expect(files.sort()).toEqual([...EXERCISE_IDS, "shared"].sort());
    expect(texts.map(([name]) => name).sort()).toEqual(files.sort());
  });

  describe.each(texts)("%s.yaml", (name, needs) => {
    const messageKeys = Object.keys(needs.messages ?? {});
    const checkIds = Object.keys(needs.checks ?? {});

    it("gives every title, hint kind and message the code needs, with no placeholder a message does not have", () => {
      expect(() => readCourseText(path.join(textFolder(), `${name}.yaml`), name, needs)).not.toThrow();
      expect(messageKeys.length + checkIds.length).toBeGreaterThan(0);
    });

    // Each file is broken in every way that applies to it (a file may have only checks, or only messages).
    if (messageKeys.length > 0) it("names a missing message, and a placeholder a message does not have", () => {
      const key = messageKeys[0];
      expect(readChanged(name, needs, (file) => delete file.messages![key])).toThrow(new CourseTextError(`lessons/messages/${name}.yaml`, `messages.${key} is missing`));
      const known = needs.messages![key];
      const error = `messages.${key} uses {experimentNmae}, which it does not have (${known.length > 0 ? `it has ${known.map((n) => `{${n}}`).join(", ")}` : "it has no placeholders"})`;
      expect(readChanged(name, needs, (file) => (file.messages![key] += " {experimentNmae}"))).toThrow(new CourseTextError(`lessons/messages/${name}.yaml`, error));
      expect(readChanged(name, needs, (file) => (file.messages!.typoedKey = "text"))).toThrow(/messages\.typoedKey is not a message of this exercise/);
    });

    if (checkIds.length > 0) it("names a missing check, a missing or unknown hint kind, and a hint list that is not three hints", () => {
      const checkId = checkIds[0];
      expect(readChanged(name, needs, (file) => delete file.checks![checkId])).toThrow(`checks.${checkId} is missing (its title and hints)`);
      expect(readChanged(name, needs, (file) => delete file.checks![checkId].hints.default)).toThrow(`checks.${checkId}.hints.default is missing`);
      expect(readChanged(name, needs, (file) => (file.checks![checkId].hints.nearMis = ["a", "b", "c"]))).toThrow(`checks.${checkId}.hints.nearMis is not a hint kind this check uses`);
      expect(readChanged(name, needs, (file) => file.checks![checkId].hints.default.pop())).toThrow(`checks.${checkId}.hints.default must be a list of exactly three hints`);
      expect(readChanged(name, needs, (file) => (file.checks!["no-such-check"] = file.checks![checkId]))).toThrow("checks.no-such-check is not a check of this exercise");
    });
  });

  it("fills in placeholders, and says which file is missing or not YAML", () => {
    const needs = { checks: { only: ["other"] }, messages: { found: ["name", "count"], plain: [] } } as const;
    const file = path.join(scratch, "example.yaml");
    fs.writeFileSync(
      file,
      stringifyYaml({ checks: { only: { title: "Only", hints: { default: ["1", "2", "3"], other: ["a", "b", "c"] } } }, messages: { found: "`{name}` has {count} runs; {name}!", plain: "as it is {here}" } }),
    );
    expect(() => readCourseText(file, "example.yaml", needs)).toThrow("example.yaml: messages.plain uses {here}, which it does not have (it has no placeholders)");
    fs.writeFileSync(file, stringifyYaml({ checks: { only: { title: "Only", hints: { default: ["1", "2", "3"], other: ["a", "b", "c"] } } }, messages: { found: "`{name}` has {count} runs; {name}!", plain: "as it is" } }));
    const text = readCourseText(file, "example.yaml", needs);
    expect(text.message("found", { name: "Tracking-Exercise", count: 2 })).toBe("`Tracking-Exercise` has 2 runs; Tracking-Exercise!");
    expect(text.message("plain")).toBe("as it is");
    expect(text.title("only")).toBe("Only");
    expect(text.hints("only").other).toEqual(["a", "b", "c"]);
    expect(() => readCourseText(path.join(scratch, "absent.yaml"), "absent.yaml", needs)).toThrow("absent.yaml: the file is missing");
    fs.writeFileSync(file, "messages: [unclosed");
    expect(() => readCourseText(file, "example.yaml", needs)).toThrow(/example\.yaml: not valid YAML/);
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listLessons } from "./lesson-catalog";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

function courseWith(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lessons-"));
  roots.push(root);
  fs.mkdirSync(path.join(root, "lessons"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, "lessons", name), text);
  return root;
}

const lesson = (slug: string, order: number, extra: string) => `---\nslug: ${slug}\ntitle: ${slug}\norder: ${order}\nminutes: 5\n${extra}\n---\n\nText.\n`;

describe("a lesson's needs", () => {
  it("are exercises of earlier lessons", () => {
    const root = courseWith({ "01-first.md": lesson("first", 1, "exercises: [first-exercise]"), "02-second.md": lesson("second", 2, "needs: [first-exercise]") });
    expect(listLessons(root).map((parsed) => parsed.frontMatter.needs)).toEqual([[], ["first-exercise"]]);
  });

  it("refuse an exercise no earlier lesson has, naming the file and the field", () => {
    const root = courseWith({ "01-first.md": lesson("first", 1, "needs: [second-exercise]"), "02-second.md": lesson("second", 2, "exercises: [second-exercise]") });
    expect(() => listLessons(root)).toThrow('01-first.md: front matter field "needs" names "second-exercise", which is not an exercise of an earlier lesson');
  });
});

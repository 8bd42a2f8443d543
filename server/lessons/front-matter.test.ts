import { describe, expect, it } from "vitest";
import { LessonFormatError, splitFrontMatter } from "./front-matter";

const valid = `---
slug: tracking-example
title: Tracking an experiment
order: 2
minutes: 15
exercises: [tracking-example]
---
# Hello
`;

describe("splitFrontMatter", () => {
  it("reads the fields and the body", () => {
    const { frontMatter, body } = splitFrontMatter(valid, "lessons/02-tracking-example.md");
    expect(frontMatter).toMatchObject({ slug: "tracking-example", order: 2, minutes: 15, exercises: ["tracking-example"] });
    expect(body.trim()).toBe("# Hello");
  });

  it.each([
    ["no front matter", "# Just markdown", null, "must start with front matter"],
    ["invalid YAML", "---\nslug: [unclosed\n---\n", null, "not valid YAML"],
    ["a missing title", valid.replace("title: Tracking an experiment\n", ""), "title", 'field "title" is missing'],
    ["a bad slug", valid.replace("slug: tracking-example", "slug: Tracking Example"), "slug", 'field "slug" must be lowercase'],
    ["a text order", valid.replace("order: 2", "order: second"), "order", 'field "order"'],
    ["negative minutes", valid.replace("minutes: 15", "minutes: -3"), "minutes", 'field "minutes" must be a positive number'],
  ])("rejects %s with an error naming the file and field", (_, source, field, message) => {
    try {
      splitFrontMatter(source, "lessons/99-broken.md");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LessonFormatError);
      expect((error as LessonFormatError).field).toBe(field);
      expect((error as Error).message).toContain("lessons/99-broken.md");
      expect((error as Error).message).toContain(message);
    }
  });
});

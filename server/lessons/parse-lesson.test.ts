import { describe, expect, it } from "vitest";
import { LessonFormatError } from "./front-matter";
import { parseLesson } from "./parse-lesson";

const head = `---
slug: demo
title: Demo
order: 1
minutes: 5
exercises: [demo-exercise]
---
`;

describe("parseLesson", () => {
  it("splits prose, runnable cells, exercise cells, hints and callouts in order", () => {
    const lesson = parseLesson(
      `${head}Intro **text**.

\`\`\`python cell id=load
x = 1
\`\`\`

:::tip Remember
Cells share state.
:::

\`\`\`python exercise=demo-exercise id=do-it
# TODO: print x
\`\`\`

:::hint exercise=demo-exercise level=1
Look at x.
:::

\`\`\`python
display_only = True
\`\`\`
`,
      "lessons/01-demo.md",
    );
    expect(lesson.segments.map((segment) => segment.kind)).toEqual(["markdown", "cell", "callout", "cell", "hint", "markdown"]);
    expect(lesson.cells).toEqual([
      { id: "load", source: "x = 1", index: 0 },
      { id: "do-it", source: "# TODO: print x", index: 1, exercise: "demo-exercise" },
    ]);
    expect(lesson.segments[2]).toMatchObject({ kind: "callout", variant: "tip", title: "Remember", markdown: "Cells share state." });
    expect(lesson.segments[4]).toMatchObject({ kind: "hint", exercise: "demo-exercise", level: 1 });
    // Display-only code stays in the prose, untouched.
    expect(lesson.segments[5]).toMatchObject({ kind: "markdown", markdown: "```python\ndisplay_only = True\n```" });
  });

  it("marks a cell the lesson calls optional", () => {
    const lesson = parseLesson(`${head}\`\`\`python cell id=extra optional\nx = 1\n\`\`\`\n\`\`\`python cell id=next\ny = 2\n\`\`\`\n`, "lessons/01-demo.md");
    expect(lesson.cells).toEqual([
      { id: "extra", source: "x = 1", index: 0, optional: true },
      { id: "next", source: "y = 2", index: 1 },
    ]);
  });

  it("keeps directive-looking lines inside display-only code blocks", () => {
    const lesson = parseLesson(`${head}\`\`\`text\n:::note\nnot a callout\n\`\`\`\n`, "lessons/01-demo.md");
    expect(lesson.segments).toHaveLength(1);
    expect(lesson.segments[0].kind).toBe("markdown");
  });

  it.each([
    ["a cell without an id", "```python cell\nx = 1\n```", "needs an id"],
    ["a duplicate cell id", "```python cell id=a\n1\n```\n```python cell id=a\n2\n```", 'cell id "a" is used twice'],
    ["an optional exercise cell", "```python exercise=demo-exercise id=a optional\n1\n```", "an exercise cell cannot be optional"],
    ["optional with a value", "```python cell id=a optional=yes\n1\n```", "`optional` takes no value"],
    ["a misspelt cell attribute", "```python cell id=a optinal\n1\n```", 'unknown cell attribute "optinal"'],
    ["an unlisted exercise", "```python exercise=other id=a\n1\n```", 'exercise "other" is not listed'],
    ["an unclosed cell", "```python cell id=a\nx = 1\n", "never closed"],
    ["an unclosed callout", ":::note\ntext\n", "never closed with :::"],
    ["an unknown directive", ":::danger\ntext\n:::", "unknown block :::danger"],
    ["a hint without a level", ":::hint exercise=demo-exercise\ntext\n:::", "a hint's level is 1"],
    ["a hint for an unknown exercise", ":::hint exercise=nope level=1\ntext\n:::", "a hint names an exercise listed"],
  ])("rejects %s, naming the file and line", (_, body, message) => {
    try {
      parseLesson(`${head}${body}`, "lessons/01-demo.md");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LessonFormatError);
      expect((error as Error).message).toMatch(/^lessons\/01-demo\.md: line \d+: /);
      expect((error as Error).message).toContain(message);
    }
  });
});

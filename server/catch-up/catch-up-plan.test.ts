import { describe, expect, it } from "vitest";
import { listLessons } from "../lessons/lesson-catalog";
import { exercisesToMake, planCatchUp } from "./catch-up-plan";

const lessons = listLessons(process.cwd());
const solutionOf = (_lesson: unknown, cell: { id: string }) => `# solution of ${cell.id}`;
const passing = (...ids: string[]) => async (exercise: string) => ids.includes(exercise);

describe("exercisesToMake", () => {
  it("makes a lesson's missing needs, prerequisites first, asking the grader once per exercise", async () => {
    const asked: string[] = [];
    const made = await exercisesToMake(lessons, ["model-registry", "model-aliases"], async (exercise) => {
      asked.push(exercise);
      return false;
    });
    expect(made).toEqual(["tracking-exercise", "model-registry", "model-aliases"]);
    expect([...asked].sort()).toEqual(["model-aliases", "model-registry", "tracking-exercise"]);
  });

  it("stops at what passes: nothing behind a passing need is made", async () => {
    expect(await exercisesToMake(lessons, ["model-registry"], passing("model-registry"))).toEqual([]);
    expect(await exercisesToMake(lessons, ["model-registry", "model-aliases"], passing("tracking-exercise", "model-registry"))).toEqual(["model-aliases"]);
  });
});

describe("planCatchUp", () => {
  it("runs a lesson's cells up to the exercise, with its solution in place of the exercise cell", () => {
    const [step] = planCatchUp(lessons, ["tracking-exercise"], solutionOf);
    expect(step).toEqual({
      kind: "cells",
      lesson: "tracking-exercise",
      exercises: ["tracking-exercise"],
      cells: [
        { id: "load-data", code: expect.any(String), solution: false },
        { id: "define-model", code: expect.any(String), solution: false },
        { id: "track-the-run", code: "# solution of track-the-run", solution: true },
      ],
    });
  });

  it("leaves out exercise cells of exercises that are not made and the lesson's optional cells, and stops at the last exercise cell that is made", () => {
    const [aliasesOnly] = planCatchUp(lessons, ["model-aliases"], solutionOf);
    // set-alias is optional: nothing the Check grades, and no later cell, needs it.
    expect(aliasesOnly.kind === "cells" && aliasesOnly.cells.map((cell) => cell.id)).toEqual([
      "find-runs",
      "load-by-uri",
      "sweep",
      "register-candidate",
      "signature",
      "gate-challenger",
      "first-champion",
      "promote-and-roll-back",
    ]);
    const [registryOnly] = planCatchUp(lessons, ["model-registry"], solutionOf);
    expect(registryOnly.kind === "cells" && registryOnly.cells.map((cell) => [cell.id, cell.solution])).toEqual([
      ["find-runs", false],
      ["register-and-stage", true],
    ]);
  });

  it("runs a whole lesson for an exercise graded on what all its cells leave, and one step per lesson in course order", () => {
    const steps = planCatchUp(lessons, ["model-registry", "tracking-example", "tracking-exercise"], solutionOf);
    expect(steps.map((step) => [step.kind, step.lesson, step.exercises])).toEqual([
      ["cells", "tracking-example", ["tracking-example"]],
      ["cells", "tracking-exercise", ["tracking-exercise"]],
      ["cells", "model-registry", ["model-registry"]],
    ]);
    const [example] = steps;
    const lesson2 = lessons.find((lesson) => lesson.frontMatter.slug === "tracking-example")!;
    expect(example.kind === "cells" && example.cells.length).toBe(lesson2.cells.length);
  });

  it("starts the model server for the serving exercise and grades the reference function for the Spark one", () => {
    const steps = planCatchUp(lessons, ["model-serving", "spark-integration"], solutionOf);
    expect(steps).toEqual([
      { kind: "serve", lesson: "model-serving", exercises: ["model-serving"], modelUri: "models:/IrisModel/Staging" },
      { kind: "graded-code", lesson: "spark-integration", exercises: ["spark-integration"], cellId: "predict-with-udf", code: "# solution of predict-with-udf" },
    ]);
  });
});

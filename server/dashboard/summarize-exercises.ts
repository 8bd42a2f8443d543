import type { ExerciseInfo, ExerciseSummary, MatrixRow } from "@/contracts/dashboard";


/** Median of a list (mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per exercise (course order), from the matrix so the two always agree. */
export function exerciseSummaries(matrix: readonly MatrixRow[], exercises: readonly ExerciseInfo[]): ExerciseSummary[] {
  return exercises.map((exercise) => {
    const counts = { passed: 0, stuck: 0, inProgress: 0, caughtUp: 0, notStarted: 0 };
    const times: number[] = [];
    const tries: number[] = [];
    for (const row of matrix) {
      const cell = row.cells[exercise.id];
      if (!cell || cell.state === "not-started") counts.notStarted += 1;
      else if (cell.state === "stuck") counts.stuck += 1;
      else if (cell.state === "in-progress") counts.inProgress += 1;
      else if (cell.state === "caught-up") counts.caughtUp += 1;
      else {
        counts.passed += 1;
        if (cell.timeToPassMs !== null) times.push(cell.timeToPassMs);
        if (cell.attemptsToPass !== null) tries.push(cell.attemptsToPass);
      }
    }
    // Caught up counts as started (the learner tried, or moved on), never as passed.
    const started = counts.passed + counts.stuck + counts.inProgress + counts.caughtUp;
    return {
      exercise: exercise.id,
      title: exercise.title,
      learners: matrix.length,
      started,
      ...counts,
      passRateOfStarted: started ? counts.passed / started : null,
      passRateOfAll: matrix.length ? counts.passed / matrix.length : null,
      medianTimeToPassMs: median(times),
      medianAttemptsToPass: median(tries),
    };
  });
}

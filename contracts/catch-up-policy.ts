import { z } from "zod";

/**
 * When a learner is offered catch-up for an exercise (the instructor's choice per
 * class): always, after N failed Checks of that exercise, or never. Solo learners
 * always get the default. A lesson's *needs* can be caught up whatever this says;
 * the policy is about the exercise itself. A contract: the dashboard's form takes its
 * limits from here; the store side is server/classroom/catch-up-policy.ts.
 */
export type CatchUpPolicy = { mode: "always" } | { mode: "after-failures"; failures: number } | { mode: "never" };

export const CATCH_UP_MIN_FAILURES = 1;
export const CATCH_UP_MAX_FAILURES = 20;
/** Frozen: every reader gets the same object. */
export const DEFAULT_CATCH_UP_POLICY: CatchUpPolicy = Object.freeze({ mode: "after-failures", failures: 3 });

export const catchUpPolicySchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("always") }),
    z.object({
      mode: z.literal("after-failures"),
      failures: z
        .number({ error: `must be a whole number of failed Checks from ${CATCH_UP_MIN_FAILURES} to ${CATCH_UP_MAX_FAILURES}` })
        .int({ error: `must be a whole number of failed Checks from ${CATCH_UP_MIN_FAILURES} to ${CATCH_UP_MAX_FAILURES}` })
        .min(CATCH_UP_MIN_FAILURES, { error: `must be at least ${CATCH_UP_MIN_FAILURES}` })
        .max(CATCH_UP_MAX_FAILURES, { error: `must be at most ${CATCH_UP_MAX_FAILURES}` }),
    }),
    z.object({ mode: z.literal("never") }),
  ],
  { error: "must be {mode: \"always\"}, {mode: \"after-failures\", failures: N} or {mode: \"never\"}" },
) satisfies z.ZodType<CatchUpPolicy>;

import type { CourseConfig } from "../config/config";
import { AppError } from "../errors/app-error";
import { countedAttempts } from "../store/attempts";
import type { Store } from "../store/database";
import { deleteSetting, readSetting, writeSetting } from "../store/settings";
import { DEFAULT_CATCH_UP_POLICY, catchUpPolicySchema, type CatchUpPolicy } from "@/contracts/catch-up-policy";

export { CATCH_UP_MAX_FAILURES, CATCH_UP_MIN_FAILURES, DEFAULT_CATCH_UP_POLICY, catchUpPolicySchema, type CatchUpPolicy } from "@/contracts/catch-up-policy";

const CATCH_UP_SETTING = "catch_up_policy";

/** The class's catch-up policy; the default in solo mode, when unset, or when what is stored no longer parses. */
export async function readCatchUpPolicy(db: Store, config: CourseConfig): Promise<CatchUpPolicy> {
  if (config.mode !== "classroom") return DEFAULT_CATCH_UP_POLICY;
  const stored = await readSetting(db, CATCH_UP_SETTING);
  if (stored === null) return DEFAULT_CATCH_UP_POLICY;
  try {
    const parsed = catchUpPolicySchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : DEFAULT_CATCH_UP_POLICY;
  } catch {
    return DEFAULT_CATCH_UP_POLICY;
  }
}

/** Stores the class's policy (only what the schema lets through: no stray keys). */
export async function writeCatchUpPolicy(db: Store, policy: CatchUpPolicy): Promise<void> {
  const parsed = catchUpPolicySchema.safeParse(policy);
  if (!parsed.success) throw new AppError("bad_request", `Invalid catch-up policy: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  await writeSetting(db, CATCH_UP_SETTING, JSON.stringify(parsed.data));
}

/** Back to the default (a new class starts with it). */
export async function resetCatchUpPolicy(db: Store): Promise<void> {
  await deleteSetting(db, CATCH_UP_SETTING);
}

/** The class's rule itself, given the learner's failed Checks of the exercise. */
export function catchUpOffered(policy: CatchUpPolicy, failedChecks: number): boolean {
  return policy.mode === "always" || (policy.mode === "after-failures" && failedChecks >= policy.failures);
}

/**
 * Whether the learner may catch up on an exercise itself (the Check panel's offer): the class's
 * choice (always, after N failed Checks of it, never); solo learners after N failed Checks.
 */
export async function exerciseCatchUpOffer(db: Store, config: CourseConfig, learnerId: string, exercise: string): Promise<{ offered: boolean; policy: CatchUpPolicy; failed: number }> {
  const policy = await readCatchUpPolicy(db, config);
  const failed = await countedAttempts(db, learnerId, exercise, "failed");
  return { offered: catchUpOffered(policy, failed), policy, failed };
}

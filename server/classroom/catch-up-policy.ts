// Placeholder until the class-messages branch lands its version (same API).
import { z } from "zod";
import type { CourseConfig } from "../config/config";
import type { Store } from "../store/database";
import { readSetting, writeSetting } from "../store/settings";

export const catchUpPolicySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("always") }),
  z.object({ mode: z.literal("after-failures"), failures: z.number().int().min(1).max(20) }),
  z.object({ mode: z.literal("never") }),
]);
export type CatchUpPolicy = z.infer<typeof catchUpPolicySchema>;
export const DEFAULT_CATCH_UP_POLICY: CatchUpPolicy = { mode: "after-failures", failures: 3 };
const KEY = "catch_up_policy";

export async function readCatchUpPolicy(db: Store, config: CourseConfig): Promise<CatchUpPolicy> {
  if (config.mode === "solo") return DEFAULT_CATCH_UP_POLICY;
  const raw = await readSetting(db, KEY);
  if (!raw) return DEFAULT_CATCH_UP_POLICY;
  const parsed = catchUpPolicySchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : DEFAULT_CATCH_UP_POLICY;
}

export async function writeCatchUpPolicy(db: Store, policy: CatchUpPolicy): Promise<void> {
  await writeSetting(db, KEY, JSON.stringify(catchUpPolicySchema.parse(policy)));
}

import { getConfig } from "../config/runtime-config";
import { getStore } from "../store/database";
import { ensureLearner } from "../store/learners";

export type Learner = { id: string; displayName: string };

/** Solo mode has exactly one learner, on this machine. */
const SOLO_LEARNER: Learner = { id: "local", displayName: "You" };

/**
 * Who is asking. The learner is always derived on the server (never taken
 * from the request body or query), so classroom mode can swap in the session.
 */
export async function currentLearner(_request?: Request): Promise<Learner> {
  const learner = SOLO_LEARNER;
  await ensureLearner(await getStore(getConfig().dataDir), learner.id, learner.displayName);
  return learner;
}

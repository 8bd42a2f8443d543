import type { SparkQueueView, SparkWaitView } from "@/contracts/spark";
import type { SparkWait } from "../spark/spark-slots";
import { waitingWords, type LearnerSpark } from "./learner-spark";

function view(wait: SparkWait | null, what: "session" | "check"): SparkWaitView | null {
  if (!wait) return null;
  return { ...wait, message: waitingWords(wait, what === "check" ? "check" : "cell") };
}

/** Where the learner's Spark waits stand now. */
export function sparkQueue(spark: LearnerSpark): SparkQueueView {
  return { session: view(spark.sessionWaiting(), "session"), check: view(spark.checkWaiting(), "check") };
}

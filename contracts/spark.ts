/** What `GET /api/spark` answers: where the learner's Spark waits stand (null: not waiting). */
export type SparkWaitView = { ahead: number; etaSeconds: number; reason: "slots" | "memory"; slots: number; message: string };

export type SparkQueueView = { session: SparkWaitView | null; check: SparkWaitView | null };

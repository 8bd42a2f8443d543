import { z } from "zod";
import { modelUriSchema } from "./model-uri";

/** The Serve panel and the playground: `/api/model-server` and `/api/model-server/invocations`. */

/** The model the serving lesson serves: the Serve panel's suggestion, and what a catch-up serves. */
export const LESSONS_MODEL_URI = "models:/IrisModel/Staging";

export const MAX_INVOCATION_BYTES = 256 * 1024;

export const startServerSchema = z.object({
  modelUri: modelUriSchema,
  port: z.number({ error: "must be a port number" }).int("must be a whole number"),
});

export const invocationSchema = z.object({
  /** The request body exactly as the learner typed it. */
  body: z.string().max(MAX_INVOCATION_BYTES, `must be at most ${MAX_INVOCATION_BYTES / 1024} KB`),
  contentType: z.enum(["application/json", "text/csv"]).default("application/json"),
});

export type ModelServerState = "starting" | "ready" | "failed" | "stopped";

/** How a learner's model server is doing, as the Serve panel shows it. */
export type ModelServerStatus = {
  state: ModelServerState;
  modelUri: string;
  port: number;
  version?: string;
  /** The command as a learner would type it. */
  command: string;
  /** Where the learner's own code calls it. */
  url: string;
  startedAt: number;
  readyAt?: number;
  /** Why it failed, in plain words. */
  reason?: string;
  log: string[];
};

/** What `GET`, `POST` and `DELETE /api/model-server` answer: the learner's server, or where one could start. */
export type ServerView = (ModelServerStatus & { exists: true }) | { exists: false; defaultPort: number; portRange: { min: number; max: number } };

/** What the playground's request got back from the learner's scoring server. */
export type InvocationResult = {
  status: number;
  durationMs: number;
  contentType: string | null;
  body: string;
  /** Set when MLflow rejected the pre-2.0 `{"data": ...}` body. */
  explanation?: string;
};

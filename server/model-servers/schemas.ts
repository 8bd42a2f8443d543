import { z } from "zod";
import { modelUriSchema } from "./model-uri";

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

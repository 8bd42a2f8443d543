import { z } from "zod";

/**
 * Model URIs a learner may serve from the registry: a stage, a version, an
 * alias or `latest`. Anything else (paths, other schemes) is refused before
 * a process is started.
 */
const NAME = "[A-Za-z0-9][A-Za-z0-9_. -]{0,99}";
const MODEL_URI = new RegExp(`^models:/(${NAME})(?:/(None|Staging|Production|Archived|latest|\\d{1,6})|@([A-Za-z0-9_-]{1,64}))$`, "i");

export type ParsedModelUri =
  | { name: string; kind: "stage"; stage: string }
  | { name: string; kind: "version"; version: string }
  | { name: string; kind: "alias"; alias: string }
  | { name: string; kind: "latest" };

export function parseModelUri(uri: string): ParsedModelUri | null {
  const match = MODEL_URI.exec(uri.trim());
  if (!match) return null;
  const [, name, suffix, alias] = match;
  if (alias) return { name, kind: "alias", alias };
  if (/^latest$/i.test(suffix)) return { name, kind: "latest" };
  if (/^\d+$/.test(suffix)) return { name, kind: "version", version: suffix };
  const stage = suffix[0].toUpperCase() + suffix.slice(1).toLowerCase();
  return { name, kind: "stage", stage };
}

export const modelUriSchema = z
  .string()
  .trim()
  .refine((uri) => parseModelUri(uri) !== null, {
    message: "must be a registry URI such as models:/IrisModel/Staging, models:/IrisModel/3 or models:/IrisModel@staging",
  });

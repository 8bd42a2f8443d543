import { z } from "zod";
import { catchUpVerdictSchema, expectedPredictionsAnswerSchema, sparkAnswerSchema, sparkStageLineSchema } from "./helper-answers";
import { launchDescriptionSchema } from "./launch-description";
import { exerciseReportSchema } from "./report";

/**
 * The contracts that Python reads or writes, by the name of their JSON Schema file:
 * scripts/export-schemas.ts writes each to python/schemas/<name>.schema.json, where
 * python/course_contracts.py validates against it, and contracts/json-schemas.test.ts fails
 * when a committed file differs from what these schemas export.
 */
export const JSON_SCHEMAS = {
  "launch-description": { schema: launchDescriptionSchema, source: "contracts/launch-description.ts" },
  "spark-check-answer": { schema: sparkAnswerSchema, source: "contracts/helper-answers.ts" },
  "spark-check-stage": { schema: sparkStageLineSchema, source: "contracts/helper-answers.ts" },
  "expected-predictions-answer": { schema: expectedPredictionsAnswerSchema, source: "contracts/helper-answers.ts" },
  "catch-up-verdict": { schema: catchUpVerdictSchema, source: "contracts/helper-answers.ts" },
  "exercise-report": { schema: exerciseReportSchema, source: "contracts/report.ts" },
} as const;

export type JsonSchemaName = keyof typeof JSON_SCHEMAS;
export const JSON_SCHEMA_NAMES = Object.keys(JSON_SCHEMAS) as JsonSchemaName[];

/** Where a schema's file is, from the project root (the helpers' specs bind it into the sandbox). */
export function jsonSchemaPath(name: JsonSchemaName): string {
  return `python/schemas/${name}.schema.json`;
}

/**
 * A schema as JSON Schema (draft 2020-12). Exported as zod's output, which is what the writer of a
 * value may write: these schemas have no transforms, and their objects come out closed
 * (`additionalProperties: false`), so Python refuses a key the contract does not name even where
 * the TypeScript reader would only drop it. A schema with a transform would need `io: "input"`
 * (zod cannot export a transform's output); none has one, and the export fails if one is added.
 */
export function jsonSchemaOf(name: JsonSchemaName): Record<string, unknown> {
  const { schema, source } = JSON_SCHEMAS[name];
  const exported = z.toJSONSchema(schema, { io: "output", target: "draft-2020-12", unrepresentable: "throw" });
  const { $schema, ...rest } = exported;
  return { $schema, $comment: `Generated from ${source} by \`npx tsx scripts/export-schemas.ts\`: change the zod schema there, then run it.`, title: name, ...rest };
}

/** Every exported file's text, by its path from the project root. */
export function exportedSchemaFiles(): Record<string, string> {
  return Object.fromEntries(JSON_SCHEMA_NAMES.map((name) => [jsonSchemaPath(name), `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`]));
}

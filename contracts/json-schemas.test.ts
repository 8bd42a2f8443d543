import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportedExampleFiles, SCHEMA_EXAMPLES } from "./json-schema-examples";
import { exportedSchemaFiles, JSON_SCHEMA_NAMES, JSON_SCHEMAS, type JsonSchemaName } from "./json-schemas";

const projectRoot = path.resolve(import.meta.dirname, "..");

describe("the contracts Python reads and writes", () => {
  it.each(Object.entries({ ...exportedSchemaFiles(), ...exportedExampleFiles() }))("%s is what the zod schemas export", (file, text) => {
    const target = path.join(projectRoot, file);
    const committed = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    expect(committed === text, `${file} differs from what the zod schemas export: run \`npx tsx scripts/export-schemas.ts\` and commit what it writes`).toBe(true);
  });

  it("exports nothing else to python/schemas/", () => {
    const exported = new Set(Object.keys(exportedSchemaFiles()).map((file) => path.basename(file)));
    expect(fs.readdirSync(path.join(projectRoot, "python", "schemas")).filter((file) => !exported.has(file))).toEqual([]);
  });

  it.each(JSON_SCHEMA_NAMES)("%s: zod accepts every valid example as it is, and refuses every invalid one (or drops what it must)", (name: JsonSchemaName) => {
    const schema = JSON_SCHEMAS[name].schema;
    const examples = SCHEMA_EXAMPLES[name];
    for (const value of examples.valid) {
      const parsed = schema.safeParse(value);
      expect(parsed.error, JSON.stringify(value)).toBeUndefined();
      expect(parsed.data).toEqual(value);
    }
    for (const { why, field, readerDrops, value } of examples.invalid) {
      const parsed = schema.safeParse(value);
      if (readerDrops) {
        expect(parsed.success, why).toBe(true);
        expect(JSON.stringify(parsed.data), why).not.toContain(`"${field}"`);
      } else {
        expect(parsed.success, why).toBe(false);
      }
    }
  });

  it("has no field for a verdict in the Spark helper's answer: a forged one is dropped when read", () => {
    const forged = SCHEMA_EXAMPLES["spark-check-answer"].invalid.find((example) => example.field === "agreeing")!;
    const parsed = JSON_SCHEMAS["spark-check-answer"].schema.parse(forged.value);
    expect("found" in parsed && "agreeing" in parsed.found).toBe(false);
  });
});

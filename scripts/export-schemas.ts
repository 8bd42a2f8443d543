// Writes the JSON Schemas of the contracts Python reads or writes (contracts/json-schemas.ts) to
// python/schemas/, and the examples both sides are tested on to python/tests/examples/.
//   npx tsx scripts/export-schemas.ts
// contracts/json-schemas.test.ts fails while a committed file differs from what this writes.
import fs from "node:fs";
import path from "node:path";
import { exportedExampleFiles } from "../contracts/json-schema-examples";
import { exportedSchemaFiles } from "../contracts/json-schemas";

const projectRoot = path.resolve(import.meta.dirname, "..");
for (const [file, text] of Object.entries({ ...exportedSchemaFiles(), ...exportedExampleFiles() })) {
  const target = path.join(projectRoot, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const unchanged = fs.existsSync(target) && fs.readFileSync(target, "utf8") === text;
  if (!unchanged) fs.writeFileSync(target, text);
  console.log(`${unchanged ? "unchanged" : "wrote    "} ${file}`);
}

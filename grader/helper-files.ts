import path from "node:path";
import { jsonSchemaPath, type JsonSchemaName } from "@/contracts/json-schemas";

/**
 * What a Python helper beside `script` reads besides itself: python/course_contracts.py and the
 * JSON Schemas it checks its answer against. A sandbox shows a helper only the files its spec
 * names (`readOnlyFiles`), so the spec names these too.
 */
export function helperContractFiles(script: string, contracts: JsonSchemaName[]): string[] {
  const pythonDir = path.dirname(script);
  return [path.join(pythonDir, "course_contracts.py"), ...contracts.map((name) => path.join(pythonDir, "..", jsonSchemaPath(name)))];
}

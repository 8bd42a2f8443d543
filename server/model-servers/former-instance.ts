import fs from "node:fs";
import path from "node:path";

/**
 * The model-server instance id of this site's previous process (same run folder, same port), or
 * null; records `current` for the next one. Keyed by port: instances on one machine share a run
 * folder, and each must find only its own predecessor.
 */
export function swapFormerInstanceId(runDir: string, sitePort: number, current: string): string | null {
  const file = path.join(runDir, `model-servers-site-${sitePort}.id`);
  let former: string | null = null;
  try {
    former = fs.readFileSync(file, "utf8").trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(file, `${current}\n`);
  return former === current ? null : former;
}

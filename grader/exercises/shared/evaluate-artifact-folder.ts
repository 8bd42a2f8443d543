import { failed, passed, type Outcome } from "../../checks/check-spec";
import { code, listCodes } from "../../checks/format-names";
import type { ArtifactFile } from "../../mlflow";
import type { RunView } from "./run-view";

export const artifactMessages = {
  ok: (folder: string, files: string[]) => `${code(`${folder}/`)} holds ${listCodes(files, 3)}`,
  noArtifacts: (folder: string) => `this run has no artifacts; expected files under ${code(`${folder}/`)}`,
  elsewhere: (folder: string, dirs: string[], files: string[]) => {
    const where = [
      dirs.length > 0 ? `under ${listCodes(dirs.map((d) => `${d}/`))}` : "",
      files.length > 0 ? `at the top level (${listCodes(files)})` : "",
    ]
      .filter(Boolean)
      .join(" and ");
    return `artifacts are ${where}, expected ${code(`${folder}/`)}`;
  },
  onlyOthers: (folder: string, others: string[]) =>
    `this run has artifacts only under ${listCodes(others.map((d) => `${d}/`))}; expected some under ${code(`${folder}/`)} too`,
  empty: (folder: string) => `${code(`${folder}/`)} exists but holds no files`,
};

/**
 * At least one file under an artifact folder. `expectedElsewhere` names the
 * folders other checks expect, so they are not reported as this one's mistake.
 * Hint kinds: `default` (nothing logged), `elsewhere` (logged under another path).
 */
export async function evaluateArtifactFolder(run: RunView, folder: string, expectedElsewhere: readonly string[]): Promise<Outcome> {
  const root = await run.artifacts();
  const entry = root.find((file) => file.path === folder);
  if (entry?.is_dir) {
    const files = await findFiles(run, folder, 2);
    if (files.length > 0) return passed(artifactMessages.ok(folder, files.map((f) => f.path.slice(folder.length + 1))));
    return failed(artifactMessages.empty(folder));
  }
  if (root.length === 0) return failed(artifactMessages.noArtifacts(folder));
  const others = root.filter((file) => !expectedElsewhere.includes(file.path));
  if (others.length === 0) return failed(artifactMessages.onlyOthers(folder, root.map((f) => f.path)));
  const dirs = others.filter((f) => f.is_dir).map((f) => f.path);
  const files = others.filter((f) => !f.is_dir).map((f) => f.path);
  return failed(artifactMessages.elsewhere(folder, dirs, files), { hintKind: "elsewhere" });
}

/** Files under `folder`, looking `depth` levels into subfolders (a learner may log a whole directory). */
async function findFiles(run: RunView, folder: string, depth: number): Promise<ArtifactFile[]> {
  const entries = await run.artifacts(folder);
  const files = entries.filter((entry) => !entry.is_dir);
  if (files.length > 0 || depth <= 0) return files;
  for (const dir of entries.filter((entry) => entry.is_dir).slice(0, 3)) {
    const nested = await findFiles(run, dir.path, depth - 1);
    if (nested.length > 0) return nested;
  }
  return [];
}

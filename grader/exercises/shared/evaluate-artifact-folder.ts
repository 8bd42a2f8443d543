import { failed, passed, type Outcome } from "../../checks/check-spec";
import { listCodes } from "../../checks/format-names";
import type { ArtifactFile } from "@/lib/mlflow";
import type { RunView } from "./run-view";
import { sharedText as text } from "./shared-text";

export const artifactMessages = {
  ok: (folder: string, files: string[]) => text.message("artifactsOk", { folder, files: listCodes(files, 3) }),
  noArtifacts: (folder: string) => text.message("artifactsNone", { folder }),
  elsewhere: (folder: string, dirs: string[], files: string[]) => {
    const folders = listCodes(dirs.map((d) => `${d}/`));
    if (files.length === 0) return text.message("artifactsElsewhereInFolders", { folder, folders });
    if (dirs.length === 0) return text.message("artifactsElsewhereAtTop", { folder, files: listCodes(files) });
    return text.message("artifactsElsewhereBoth", { folder, folders, files: listCodes(files) });
  },
  onlyOthers: (folder: string, others: string[]) => text.message("artifactsOnlyOthers", { folder, folders: listCodes(others.map((d) => `${d}/`)) }),
  empty: (folder: string) => text.message("artifactsEmpty", { folder }),
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

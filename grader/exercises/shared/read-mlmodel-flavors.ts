import { parse as parseYaml } from "yaml";

/** The flavor names an MLmodel file declares (`sklearn`, `python_function`, ...); `null` when it is not readable YAML. */
export function readMlmodelFlavors(text: string): string[] | null {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    return null;
  }
  const flavors = (document as { flavors?: unknown } | null)?.flavors;
  if (!flavors || typeof flavors !== "object" || Array.isArray(flavors)) return null;
  return Object.keys(flavors);
}

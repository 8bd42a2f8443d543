/**
 * The MLflow UI reads its workspace from the hash route's query
 * (`#/experiments?workspace=name`), so links a learner follows carry theirs.
 */
export function inWorkspace(link: string, workspace: string | undefined): string {
  if (!workspace || !link.includes("#/")) return link;
  const [beforeHash, hash] = link.split("#");
  const separator = hash.includes("?") ? "&" : "?";
  return `${beforeHash}#${hash}${separator}workspace=${encodeURIComponent(workspace)}`;
}

export function mlflowHomeFor(workspace: string | undefined): string {
  return inWorkspace("/mlflow/#/experiments", workspace);
}

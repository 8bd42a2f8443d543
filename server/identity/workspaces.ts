import crypto from "node:crypto";
import { createMlflowClient, isMlflowUnavailableError } from "@/lib/mlflow";
import { AppError } from "../errors/app-error";

/**
 * A fresh, unpredictable workspace name for a learner: `learner-<id>-<12 random hex>`.
 * MLflow workspace names are lowercase letters, digits and single hyphens,
 * 2-63 characters; learner ids are lowercase hex, so this is always valid
 * (31 characters for the usual 10-hex id). Unpredictable, so nobody can
 * create a learner's next workspace before the course does.
 */
export function newWorkspaceName(learnerId: string): string {
  if (!/^[0-9a-f]{1,40}$/.test(learnerId)) throw new Error(`Learner id ${JSON.stringify(learnerId)} is not lowercase hex.`);
  return `learner-${learnerId}-${crypto.randomBytes(6).toString("hex")}`;
}

/**
 * Creates a workspace on MLflow. "exists" when MLflow already has one of that
 * name: it is somebody else's (or an attacker's, with an artifact root of
 * their choosing), never to be taken over.
 */
export async function createWorkspace(mlflowUrl: string, name: string): Promise<"created" | "exists"> {
  try {
    return await createMlflowClient({ baseUrl: mlflowUrl, timeoutMs: 10_000 }).createWorkspace(name);
  } catch (error) {
    if (!isMlflowUnavailableError(error)) throw error;
    if (error.kind === "unreachable" || error.kind === "timeout") {
      throw new AppError("mlflow_unreachable", "MLflow is not answering, so the workspace could not be created. Try again in a few seconds.");
    }
    throw new AppError("mlflow_unreachable", `MLflow refused to create workspace ${name} (${error.upstreamStatus ?? error.kind}). Is the course running in classroom mode with workspaces enabled?`);
  }
}

/**
 * Creates a new workspace of the learner's own under a fresh random name and
 * returns the name. A name MLflow already has is never reused: one more try with
 * another random name, then an error (two collisions of 48 random bits mean
 * something is creating workspaces behind the course's back).
 */
export async function createLearnerWorkspace(mlflowUrl: string, learnerId: string, nameFor: (learnerId: string) => string = newWorkspaceName): Promise<string> {
  const taken: string[] = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const name = nameFor(learnerId);
    if ((await createWorkspace(mlflowUrl, name)) === "created") return name;
    taken.push(name);
  }
  throw new AppError(
    "conflict",
    `MLflow already had workspaces named ${taken.join(" and ")}, which the course did not create; it will not reuse them. ` +
      "Check who else can reach MLflow (it should listen on loopback only), then try again.",
  );
}

/** Deletes a workspace; MLflow may refuse when it still holds objects, which a reset can live with. */
export async function deleteWorkspace(mlflowUrl: string, name: string): Promise<boolean> {
  return createMlflowClient({ baseUrl: mlflowUrl, timeoutMs: 10_000 }).deleteWorkspace(name);
}

import fs from "node:fs";
import type { InvocationResult, ServerView } from "@/contracts/model-server";
import { getConfig } from "../config/runtime-config";
import { AppError } from "../errors/app-error";
import type { Learner } from "../identity/current-learner";
import { kernelPoolIfRunning, modelServerEnv } from "../kernels/course-kernels";
import { getModelServers } from "./course-model-servers";

export async function modelServerStatus(learner: Learner): Promise<ServerView> {
  const servers = getModelServers();
  const status = await servers.status(learner.id);
  const { modelServers, mode, sandbox } = getConfig();
  // Without the sandbox, ports are the machine's, so in a class every learner gets one of their own
  // to suggest; with it, ports are each learner's own, so everyone gets the lessons' port.
  const defaultPort = mode === "classroom" && !sandbox.enabled ? ((await servers.unusedPort()) ?? modelServers.defaultPort) : modelServers.defaultPort;
  return status ? { exists: true, ...status } : { exists: false, defaultPort, portRange: modelServers.portRange };
}

export async function startModelServer(learner: Learner, modelUri: string, port: number): Promise<ServerView> {
  fs.mkdirSync(`${getConfig().jupyter.rootDir}/${learner.id}`, { recursive: true });
  const status = await getModelServers().start(learner.id, modelUri, port, learner.workspace ? { MLFLOW_WORKSPACE: learner.workspace } : {});
  // The serving lesson's cells call the server the panel started, on whatever port the learner chose.
  void tellKernelWhereTheServerIs(learner.id);
  return { exists: true, ...status };
}

async function tellKernelWhereTheServerIs(learnerId: string): Promise<void> {
  await kernelPoolIfRunning()?.updateEnvironment(learnerId, await modelServerEnv(learnerId)).catch(() => undefined);
}

export async function stopModelServer(learner: Learner): Promise<ServerView> {
  const stopped = await getModelServers().stop(learner.id);
  if (!stopped) throw new AppError("conflict", "You have no model server running.");
  return modelServerStatus(learner);
}

const PROTOCOL_CHANGE =
  "This is the body from the old tutorial. Since MLflow 2.0 the scoring server wants exactly one of " +
  "`inputs`, `dataframe_split`, `dataframe_records` or `instances` at the top level; `data` alone is refused. " +
  "Load the `inputs` or `dataframe_split` example instead.";

/** Sends the learner's request body to their own scoring server's /invocations. */
export async function invokeModelServer(learner: Learner, body: string, contentType: string): Promise<InvocationResult> {
  const servers = getModelServers();
  const url = await servers.readyUrl(learner.id);
  if (!url) throw new AppError("conflict", "No model server is running for you. Start one in the Serve panel first.");
  if (contentType === "application/json") {
    try {
      JSON.parse(body);
    } catch (error) {
      throw new AppError("bad_request", `The request body is not valid JSON (${(error as Error).message}). Fix it, or load one of the examples.`);
    }
  }
  servers.touch(learner.id);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${url}/invocations`, { method: "POST", headers: { "content-type": contentType }, body, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new AppError("upstream_unreachable", `Your model server did not answer (${(error as Error).name === "TimeoutError" ? "timed out after 30 s" : "connection failed"}). Look at its log in the Serve panel.`);
  }
  const text = await response.text();
  const durationMs = Math.round(performance.now() - started);
  const legacy = response.status === 400 && /scoring protocol has changed in MLflow version 2\.0/i.test(text);
  return { status: response.status, durationMs, contentType: response.headers.get("content-type"), body: text, ...(legacy ? { explanation: PROTOCOL_CHANGE } : {}) };
}

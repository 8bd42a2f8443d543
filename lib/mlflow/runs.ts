import { requestJson, type MlflowConnection } from "./send-request";
import { getRunResponse, searchRunsResponse, type Run } from "./schemas";

export type RunViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

export type SearchRunsParams = {
  experimentIds: string[];
  filter?: string;
  runViewType?: RunViewType;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
};

export async function searchRuns(connection: MlflowConnection, params: SearchRunsParams): Promise<{ runs: Run[]; nextPageToken?: string }> {
  const body = await requestJson(
    connection,
    {
      method: "POST",
      path: "/api/2.0/mlflow/runs/search",
      body: {
        experiment_ids: params.experimentIds,
        filter: params.filter ?? "",
        run_view_type: params.runViewType ?? "ACTIVE_ONLY",
        max_results: params.maxResults ?? 1000,
        order_by: params.orderBy ?? ["attributes.start_time DESC"],
        ...(params.pageToken ? { page_token: params.pageToken } : {}),
      },
    },
    searchRunsResponse,
  );
  // runs/search has no 404 of its own; a null here means the experiment vanished meanwhile.
  return { runs: body?.runs ?? [], nextPageToken: body?.next_page_token || undefined };
}

/** Every matching run, page by page, up to `limit` (a learner with thousands of runs still gets an answer). */
export async function searchAllRuns(connection: MlflowConnection, params: Omit<SearchRunsParams, "pageToken">, limit = 5000): Promise<Run[]> {
  const runs: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await searchRuns(connection, { ...params, maxResults: Math.min(params.maxResults ?? 1000, limit - runs.length), pageToken });
    runs.push(...page.runs);
    pageToken = page.nextPageToken;
  } while (pageToken && runs.length < limit);
  return runs;
}

export async function getRun(connection: MlflowConnection, runId: string): Promise<Run | null> {
  const body = await requestJson(connection, { method: "GET", path: "/api/2.0/mlflow/runs/get", query: { run_id: runId } }, getRunResponse);
  return body?.run ?? null;
}

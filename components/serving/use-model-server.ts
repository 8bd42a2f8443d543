"use client";

import { useQuery } from "@tanstack/react-query";
import type { ServerView } from "@/contracts/model-server";
import { requestJson } from "../request-json";

/**
 * The learner's model server as the app sees it. Polling (not a socket): the
 * panel wants the state and the log tail once a second while something
 * happens, and nothing when the server is stopped.
 */
export function useModelServer() {
  return useQuery({
    queryKey: ["model-server"],
    queryFn: () => requestJson<ServerView>("/api/model-server"),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data?.exists && (data.state === "starting" || data.state === "ready") ? 1000 : 5000;
    },
  });
}

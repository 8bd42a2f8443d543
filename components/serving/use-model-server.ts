"use client";

import { useQuery } from "@tanstack/react-query";
import type { ServerView } from "@/server/model-servers/learner-model-server";

export async function callJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { "content-type": "application/json", ...(init?.headers ?? {}) } });
  const payload = (await response.json().catch(() => null)) as (T & { error?: { message: string } }) | null;
  if (!response.ok) throw new Error(payload?.error?.message ?? `The course server answered ${response.status}.`);
  return payload as T;
}

/**
 * The learner's model server as the app sees it. Polling (not a socket): the
 * panel wants the state and the log tail once a second while something
 * happens, and nothing when the server is stopped.
 */
export function useModelServer() {
  return useQuery({
    queryKey: ["model-server"],
    queryFn: () => callJson<ServerView>("/api/model-server"),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data?.exists && (data.state === "starting" || data.state === "ready") ? 1000 : 5000;
    },
  });
}

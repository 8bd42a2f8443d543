"use client";

import { useMutation, type UseMutationResult } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { CatchUpResult } from "@/contracts/catch-up";
import { requestJson } from "../request-json";

export type CatchUpMutation = UseMutationResult<CatchUpResult, Error, void>;

/** Catch me up at `url` (a lesson's needs or one exercise); the server-rendered page refreshes after it. */
export function useCatchUp(url: string, onDone?: () => void): CatchUpMutation {
  const router = useRouter();
  return useMutation({
    mutationFn: () => requestJson<CatchUpResult>(url, { method: "POST" }),
    onSuccess: () => {
      onDone?.();
      router.refresh();
    },
  });
}

/** The offer: what Catch me up does, and its button (aria-disabled while it runs, so focus stays). */
export function CatchUpOffer({ catchUp, children }: { catchUp: CatchUpMutation; children: React.ReactNode }) {
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        onClick={() => !catchUp.isPending && catchUp.mutate()}
        aria-disabled={catchUp.isPending}
        className="rounded bg-amber-700 px-3 py-1.5 font-medium text-white hover:bg-amber-800 aria-disabled:opacity-60"
      >
        {catchUp.isPending ? "Catching up…" : "Catch me up"}
      </button>
      <span>{children}</span>
    </div>
  );
}

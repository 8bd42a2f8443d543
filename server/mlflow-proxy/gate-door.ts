import type { IncomingMessage } from "node:http";
import { GATE_MOUNT, looseRawPath } from "./mlflow-path";

/** Requests one learner's code may have in the gate at once (reading, waiting their turn, or being answered). */
export const GATE_REQUESTS_PER_LEARNER = 16;

/** Refusals are in MLflow's error form, which its client shows to the learner. */
export type GateAdmission =
  | { admitted: true; learnerId: string; release: () => void }
  | { admitted: false; status: 401 | 429; body: { error_code: string; message: string }; headers?: Record<string, string> };

export const NO_GATE_TOKEN = "The MLflow gate needs the learner's token (MLFLOW_TRACKING_TOKEN), which the course gives each kernel.";

const gatePath = new RegExp(`^${GATE_MOUNT}(?:/|$)`);

/**
 * Whether a request is for the gate, judged as the entry point judges body caps
 * (`looseRawPath`): a spelling Next.js might still route to the gate is counted too,
 * and one that is not counted gets the small cap of the course's own routes.
 */
export function isGateRequest(rawUrl: string): boolean {
  return gatePath.test(looseRawPath(rawUrl));
}

/**
 * The gate's door, kept by the course's entry point before a body is read. A
 * request must carry a learner's token, and each learner has at most
 * `perLearner` requests inside at once. Bodies of up to the upload cap are read
 * into memory before MLflow's turn comes (the gate's queue), so without this a
 * cell could hold the site's memory with thousands of parallel uploads, or
 * anyone on the public port with tokenless ones.
 */
export class GateDoor {
  private readonly inside = new Map<string, number>();

  constructor(
    /** The learner a request's `Authorization` header names with a gate token the course issued, or null. */
    private readonly learnerOf: (authorization: string | undefined) => string | null,
    private readonly perLearner = GATE_REQUESTS_PER_LEARNER,
  ) {}

  admit(request: Pick<IncomingMessage, "headers">): GateAdmission {
    const learnerId = this.learnerOf(request.headers.authorization);
    if (!learnerId) return { admitted: false, status: 401, body: { error_code: "UNAUTHENTICATED", message: `Not signed in. ${NO_GATE_TOKEN}` } };
    const count = this.inside.get(learnerId) ?? 0;
    if (count >= this.perLearner) {
      return {
        admitted: false,
        status: 429,
        headers: { "retry-after": "1" },
        body: {
          error_code: "RESOURCE_EXHAUSTED",
          message: `Too many requests at once. Your code already has ${this.perLearner} requests to MLflow in progress, the most the course allows one learner at once. MLflow's client retries by itself; if you send requests from many threads, use fewer.`,
        },
      };
    }
    this.inside.set(learnerId, count + 1);
    let released = false;
    return {
      admitted: true,
      learnerId,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inside.get(learnerId) ?? 1) - 1;
        if (left > 0) this.inside.set(learnerId, left);
        else this.inside.delete(learnerId);
      },
    };
  }

  /** Requests inside for `learnerId` now. */
  insideFor(learnerId: string): number {
    return this.inside.get(learnerId) ?? 0;
  }
}

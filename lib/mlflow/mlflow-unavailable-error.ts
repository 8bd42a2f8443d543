export type MlflowFailureKind =
  /** Nothing answered (connection refused, DNS, reset). */
  | "unreachable"
  /** No answer within the time limit. */
  | "timeout"
  /** An HTTP error status other than a plain "not found". */
  | "http_error"
  /** A 2xx whose body is not the JSON the endpoint documents. */
  | "invalid_response";

/**
 * MLflow is unreachable, too slow, answered an error status, or answered
 * something that is not what the endpoint documents. Carries the upstream
 * status and message so that a person reads "MLflow answered 503: ..." rather
 * than a stack trace. The grader reports it as its own failure (`error`), never the learner's.
 */
export class MlflowUnavailableError extends Error {
  readonly kind: MlflowFailureKind;
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly upstreamStatus?: number;
  readonly upstreamMessage?: string;
  /** MLflow's own `error_code` (e.g. RESOURCE_ALREADY_EXISTS), when it sent one. */
  readonly upstreamErrorCode?: string;

  constructor(init: {
    kind: MlflowFailureKind;
    baseUrl: string;
    endpoint: string;
    upstreamStatus?: number;
    upstreamMessage?: string;
    upstreamErrorCode?: string;
    cause?: unknown;
  }) {
    super(describe(init), { cause: init.cause });
    this.name = "MlflowUnavailableError";
    this.kind = init.kind;
    this.baseUrl = init.baseUrl;
    this.endpoint = init.endpoint;
    this.upstreamStatus = init.upstreamStatus;
    this.upstreamMessage = init.upstreamMessage;
    this.upstreamErrorCode = init.upstreamErrorCode;
  }
}

function describe(init: { kind: MlflowFailureKind; baseUrl: string; endpoint: string; upstreamStatus?: number; upstreamMessage?: string }): string {
  const where = `MLflow at ${init.baseUrl}`;
  const detail = init.upstreamMessage ? `: ${init.upstreamMessage}` : "";
  switch (init.kind) {
    case "unreachable":
      return `${where} is not reachable${detail ? ` (${init.upstreamMessage})` : ""}`;
    case "timeout":
      return `${where} did not answer ${init.endpoint} in time${detail ? ` (${init.upstreamMessage})` : ""}`;
    case "http_error":
      return `${where} answered ${init.upstreamStatus ?? "an error"} to ${init.endpoint}${detail}`;
    case "invalid_response":
      return `${where} answered ${init.endpoint} with something unexpected${detail}`;
  }
}

export function isMlflowUnavailableError(value: unknown): value is MlflowUnavailableError {
  return value instanceof MlflowUnavailableError;
}

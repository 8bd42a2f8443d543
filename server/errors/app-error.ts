/**
 * Services throw AppError; the route wrapper maps its code to an HTTP status
 * with this one table, so no handler invents status codes of its own.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  mlflow_unreachable: 502,
  jupyter_unreachable: 502,
  upstream_unreachable: 502,
  service_unavailable: 503,
  timeout: 504,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Marks an AppError whichever copy of this module made it: Next.js bundles this module once per
 * chunk, and process-wide objects kept on globalThis (the model-server manager) throw the
 * AppError of the chunk that created them, which `instanceof` in another route's chunk denies.
 */
const APP_ERROR = Symbol.for("mlflow-training.AppError");

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  readonly [APP_ERROR] = true;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError || (typeof value === "object" && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true);
}

import { isMlflowUnavailableError, type MlflowUnavailableError } from "@/lib/mlflow";

/**
 * "The grader could not do its job", as opposed to "the learner's work is not
 * there yet". A check that throws one of these is reported as `error`, never
 * as `failed`, and its message tells the learner it is not their fault.
 */
export class PlatformError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PlatformError";
  }
}

/** MLflow unreachable, too slow or answering nonsense is the platform's failure too. */
export function isPlatformError(value: unknown): value is PlatformError | MlflowUnavailableError {
  return value instanceof PlatformError || isMlflowUnavailableError(value);
}

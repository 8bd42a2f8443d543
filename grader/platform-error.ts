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

export function isPlatformError(value: unknown): value is PlatformError {
  return value instanceof PlatformError;
}

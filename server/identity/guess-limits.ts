import { SharedFailureLimiter } from "./failure-limiter";
import { clientKey, requestClientAddress } from "../http/client-address";

/** Wrong class codes, and separately wrong instructor passwords, allowed per client per minute. */
export const WRONG_GUESSES_PER_MINUTE = 10;

type Holder = { joinCodes?: SharedFailureLimiter; instructorPasswords?: SharedFailureLimiter };
const holder = ((globalThis as { __courseGuessLimits?: Holder }).__courseGuessLimits ??= {});

/** Wrong class codes, counted per client (here, and in the store across course instances). */
export const joinCodeGuesses = (holder.joinCodes ??= new SharedFailureLimiter("wrong-class-code", WRONG_GUESSES_PER_MINUTE, 60_000));
/** Wrong instructor passwords, counted per client, apart from class codes. */
export const instructorPasswordGuesses = (holder.instructorPasswords ??= new SharedFailureLimiter("wrong-instructor-password", WRONG_GUESSES_PER_MINUTE, 60_000));

/**
 * Whom a wrong guess counts against: the client address the course's entry point
 * put on the request (the TCP peer, or behind a trusted proxy the first untrusted
 * X-Forwarded-For hop), with IPv6 grouped by /64. Never a header the client chose.
 */
export function guessKey(request: Request): string {
  return clientKey(requestClientAddress(request));
}

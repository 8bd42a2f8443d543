import { CLASS_CODE_ALPHABET, CLASS_CODE_EXAMPLE, CLASS_CODE_LENGTH } from "@/contracts/class-code";
import type { CourseConfig } from "../config/config";
import { AppError } from "../errors/app-error";
import type { Store } from "../store/database";
import { ensureLearner, findActiveLearner } from "../store/learners";
import { findLiveSession } from "../store/sessions";
import { ensureInstructorPassword } from "./class-settings";
import { SharedFailureLimiter } from "./failure-limiter";
import { learnerFromAuthorization, learnerToken } from "./learner-token";
import { sessionIdFromCookie } from "./session-cookie";

export type Learner = { id: string; displayName: string; workspace?: string };
export type Viewer = { role: "learner"; learner: Learner; sessionId?: string } | { role: "instructor"; sessionId: string };

/**
 * Wrong class codes allowed from one address in a window. A class in one room often reaches the
 * course through one NAT address, so the limit is set for a room, not a person: a room of 60 that
 * each mistype the code a dozen times stays under it. Guessing stays hopeless at it: a code is one
 * of 32^10 (about 50 bits), so an address guessing flat out at the limit needs millions of years
 * on average (classCodeGuessingYears; its test holds it above ten years even for 10,000 addresses).
 */
export const WRONG_CLASS_CODES = { limit: 1000, windowMs: 10 * 60_000 } as const;

/** Wrong instructor passwords allowed from one address per minute (one person signs in; apart from class codes). */
export const WRONG_INSTRUCTOR_PASSWORDS = { limit: 10, windowMs: 60_000 } as const;

/** On average, years for `addresses` addresses guessing at the limit to find a class code. */
export function classCodeGuessingYears(addresses = 1): number {
  const codes = CLASS_CODE_ALPHABET.length ** CLASS_CODE_LENGTH;
  const guessesPerYear = (WRONG_CLASS_CODES.limit / WRONG_CLASS_CODES.windowMs) * 365.25 * 24 * 3_600_000 * addresses;
  return codes / 2 / guessesPerYear;
}

function roomPausedWords(waitSeconds: number): string {
  const minutes = WRONG_CLASS_CODES.windowMs / 60_000;
  return (
    `Joining from this network is paused for ${waitSeconds} s: ${WRONG_CLASS_CODES.limit} wrong class codes came from it in ${minutes} minutes. ` +
    `Check the code with your instructor (it has ${CLASS_CODE_LENGTH} letters and digits, like ${CLASS_CODE_EXAMPLE}, with no 0, O, 1 or I), then try again once the pause is over.`
  );
}

/** Solo mode has exactly one learner, on this machine. */
export const SOLO_LEARNER: Learner = { id: "local", displayName: "You" };

/**
 * Who is asking, for every route and page: from the signed session cookie (or, for learner code,
 * the gate token) only, never from a body, query or header the client chose. One per course
 * runtime; it holds the signing key and the per-client limits on wrong guesses.
 */
export class CourseIdentity {
  /** Wrong class codes, counted per client (here, and in the store across course instances). */
  readonly joinCodeGuesses = new SharedFailureLimiter("wrong-class-code", WRONG_CLASS_CODES.limit, WRONG_CLASS_CODES.windowMs, { words: roomPausedWords });
  /** Wrong instructor passwords, counted per client, apart from class codes. */
  readonly instructorPasswordGuesses = new SharedFailureLimiter("wrong-instructor-password", WRONG_INSTRUCTOR_PASSWORDS.limit, WRONG_INSTRUCTOR_PASSWORDS.windowMs);
  private soloReady: Promise<void> | undefined;
  private passwordStored: Promise<void> | undefined;

  constructor(
    private readonly config: CourseConfig,
    private readonly store: Store,
    /** The key that signs sessions, re-join links and gate tokens (never leaves this object but as signatures). */
    readonly secret: Buffer,
  ) {}

  /** Who the cookie header says is asking, or null when nobody is signed in. */
  async viewer(cookieHeader: string | null): Promise<Viewer | null> {
    if (this.config.mode === "solo") {
      // One write per process is enough to have the solo learner's row.
      this.soloReady ??= ensureLearner(this.store, SOLO_LEARNER.id, SOLO_LEARNER.displayName).catch((error) => {
        this.soloReady = undefined;
        throw error;
      });
      await this.soloReady;
      return { role: "learner", learner: SOLO_LEARNER };
    }
    const sessionId = sessionIdFromCookie(this.secret, cookieHeader);
    if (!sessionId) return null;
    const session = await findLiveSession(this.store, sessionId);
    if (!session) return null;
    if (session.role === "instructor") return { role: "instructor", sessionId };
    const row = await findActiveLearner(this.store, session.learnerId!);
    if (!row) return null;
    return { role: "learner", learner: { id: row.id, displayName: row.display_name, workspace: row.workspace ?? undefined }, sessionId };
  }

  /**
   * COURSE_INSTRUCTOR_PASSWORD's hash is in the store: checked once per process (the site starts
   * anew on every start, so a password set or changed since the last one is picked up).
   */
  instructorPasswordStored(): Promise<void> {
    if (!this.config.classroom.instructorPassword) return Promise.resolve();
    this.passwordStored ??= ensureInstructorPassword(this.store, this.config).then(
      () => undefined,
      (error) => {
        this.passwordStored = undefined;
        throw error;
      },
    );
    return this.passwordStored;
  }

  /** The learner making this request; 401 when nobody is signed in, 403 for the instructor. */
  async learner(request: Request): Promise<Learner> {
    const viewer = await this.viewer(request.headers.get("cookie"));
    if (!viewer) throw new AppError("unauthorized", "Join the class first: open the course's home page and enter the class code.");
    if (viewer.role !== "learner") throw new AppError("forbidden", "This is a learner's action; the instructor account has no workspace of its own.");
    return viewer.learner;
  }

  /** The instructor making this request; 401 when nobody is signed in, 403 for a learner. */
  async instructor(request: Request): Promise<{ sessionId: string }> {
    const viewer = await this.viewer(request.headers.get("cookie"));
    if (!viewer) throw new AppError("unauthorized", "Sign in as the instructor first.");
    if (viewer.role !== "instructor") throw new AppError("forbidden", "Only the instructor can do this.");
    return { sessionId: viewer.sessionId };
  }

  /** The learner's gate token (MLFLOW_TRACKING_TOKEN of their processes). */
  gateToken(learnerId: string): string {
    return learnerToken(this.secret, learnerId);
  }

  /** The learner an `Authorization: Bearer` header's gate token names, or null. */
  learnerFromGateToken(authorization: string | null | undefined): string | null {
    return learnerFromAuthorization(this.secret, authorization);
  }
}

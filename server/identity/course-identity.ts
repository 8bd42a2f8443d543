import type { CourseConfig } from "../config/config";
import { AppError } from "../errors/app-error";
import type { Store } from "../store/database";
import { ensureLearner, findActiveLearner } from "../store/learners";
import { findLiveSession } from "../store/sessions";
import { SharedFailureLimiter } from "./failure-limiter";
import { learnerFromAuthorization, learnerToken } from "./learner-token";
import { sessionIdFromCookie } from "./session-cookie";

export type Learner = { id: string; displayName: string; workspace?: string };
export type Viewer = { role: "learner"; learner: Learner; sessionId?: string } | { role: "instructor"; sessionId: string };

/** Wrong class codes, and separately wrong instructor passwords, allowed per client per minute. */
export const WRONG_GUESSES_PER_MINUTE = 10;

/** Solo mode has exactly one learner, on this machine. */
export const SOLO_LEARNER: Learner = { id: "local", displayName: "You" };

/**
 * Who is asking, for every route and page: from the signed session cookie (or, for learner code,
 * the gate token) only, never from a body, query or header the client chose. One per course
 * runtime; it holds the signing key and the per-client limits on wrong guesses.
 */
export class CourseIdentity {
  /** Wrong class codes, counted per client (here, and in the store across course instances). */
  readonly joinCodeGuesses = new SharedFailureLimiter("wrong-class-code", WRONG_GUESSES_PER_MINUTE, 60_000);
  /** Wrong instructor passwords, counted per client, apart from class codes. */
  readonly instructorPasswordGuesses = new SharedFailureLimiter("wrong-instructor-password", WRONG_GUESSES_PER_MINUTE, 60_000);
  private soloReady: Promise<void> | undefined;

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

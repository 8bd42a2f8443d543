import { sign, unsign } from "./secrets";

/**
 * The per-learner secret a sandboxed kernel gets as MLFLOW_TRACKING_TOKEN, which the
 * MLflow client sends as `Authorization: Bearer <token>` to the course's MLflow gate.
 * `gate:<learner id>` signed with the course's key: the gate needs no table to check it,
 * and it works the same when kernels run on another machine.
 */
export function learnerToken(secret: Buffer, learnerId: string): string {
  return `${learnerId}.${sign(secret, `gate:${learnerId}`)}`;
}

/** The learner a gate token belongs to, or null when it is not one the course issued. */
export function learnerFromToken(secret: Buffer, token: string): string | null {
  const dot = token.indexOf(".");
  if (dot <= 0) return null;
  const learnerId = token.slice(0, dot);
  const value = unsign(secret, `gate:${learnerId}.${token.slice(dot + 1)}`);
  return value === `gate:${learnerId}` ? learnerId : null;
}

/** The learner of an `Authorization: Bearer <token>` header, or null when it carries no token the course issued. */
export function learnerFromAuthorization(secret: Buffer, authorization: string | null | undefined): string | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  return token ? learnerFromToken(secret, token) : null;
}

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The key that signs session cookies, re-join links and gate tokens: `given` (COURSE_SESSION_SECRET,
 * hex; several course instances must share it, e.g. from a Kubernetes Secret), or else the one kept
 * in the data folder (readable by its owner only, so sessions survive a restart), made on first use.
 * The course reads it once, at start (CourseRuntime).
 */
export function loadSessionSecret(dataDir: string, given?: string): Buffer {
  if (given) return Buffer.from(given, "hex");
  return readOrCreateSecret(dataDir);
}

function readOrCreateSecret(dataDir: string): Buffer {
  const file = path.join(/* turbopackIgnore: true */ dataDir, "session-secret.key");
  try {
    return Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32);
    try {
      fs.writeFileSync(file, secret.toString("hex"), { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      // Another process created it first: use theirs.
      return Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
    }
  }
}

/** HMAC-SHA256, base64url. */
export function sign(secret: Buffer, value: string): string {
  return crypto.createHmac("sha256", secret).update(value).digest("base64url");
}

/** `value.signature` -> value, or null when the signature does not match. */
export function unsign(secret: Buffer, signed: string): string | null {
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(sign(secret, value));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? value : null;
}

export function signed(secret: Buffer, value: string): string {
  return `${value}.${sign(secret, value)}`;
}

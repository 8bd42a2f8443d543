import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** 32 bytes as 64 hexadecimal digits: the form of `COURSE_SESSION_SECRET` (checked in the configuration). */
export const SESSION_SECRET_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * The key that signs session cookies, re-join links and gate tokens. Several
 * course instances must share it: `COURSE_SESSION_SECRET` gives it (e.g. from a
 * Kubernetes Secret). Otherwise it is kept in the data folder (readable by its
 * owner only) so sessions survive a restart, and created on first use. Read
 * from the environment here, not the configuration, because every caller holds
 * only a data folder; the configuration refuses a malformed value at start.
 */
export function sessionSecret(dataDir: string): Buffer {
  const given = process.env.COURSE_SESSION_SECRET?.trim();
  if (given && SESSION_SECRET_PATTERN.test(given)) return Buffer.from(given, "hex");
  // Every request checks a signature: the file is read once per data folder, not each time.
  const known = secretsByFolder.get(dataDir);
  if (known) return known;
  const secret = readOrCreateSecret(dataDir);
  secretsByFolder.set(dataDir, secret);
  return secret;
}

const secretsByFolder = ((globalThis as { __courseSessionSecrets?: Map<string, Buffer> }).__courseSessionSecrets ??= new Map());

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

import type { CourseConfig } from "../config/config";
import type { Store } from "../store/database";
import { readSetting, replaceSetting, writeSetting, writeSettingOnce } from "../store/settings";
import { CLASS_CODE_LENGTH, formatClassCode, isCurrentClassCode } from "@/contracts/class-code";
import { hashPassword, readableSecret, verifyPassword } from "./passwords";

const CLASS_CODE = "class_code";
const INSTRUCTOR_PASSWORD = "instructor_password_hash";

function newClassCode(): string {
  return readableSecret(CLASS_CODE_LENGTH);
}

/**
 * The code learners type to join, bare (`K7PQR2MZXA`); created on first use,
 * rotated by the instructor. A code of the older, shorter kind (6 characters,
 * guessable in days) is replaced the first time it is read, which is at start:
 * `npm start` prints the new one.
 */
export async function storedClassCode(db: Store): Promise<string> {
  const existing = await readSetting(db, CLASS_CODE);
  if (existing && isCurrentClassCode(existing)) return existing;
  // Compare-and-set: two requests at once end up with the same new code.
  return existing ? replaceSetting(db, CLASS_CODE, existing, newClassCode()) : writeSettingOnce(db, CLASS_CODE, newClassCode());
}

/** The class code as people see it, in two groups: `K7PQR-2MZXA`. */
export async function classCode(db: Store): Promise<string> {
  return formatClassCode(await storedClassCode(db));
}

/** A new code (the old one stops working at once); returned grouped. */
export async function rotateClassCode(db: Store): Promise<string> {
  const code = newClassCode();
  await writeSetting(db, CLASS_CODE, code);
  return formatClassCode(code);
}

/**
 * Makes sure an instructor password exists. From COURSE_INSTRUCTOR_PASSWORD when
 * set (its hash is stored); otherwise one is generated on first start and
 * returned so the caller prints it once. Only the hash is ever stored.
 */
export async function ensureInstructorPassword(db: Store, config: CourseConfig): Promise<{ generated?: string }> {
  const stored = await readSetting(db, INSTRUCTOR_PASSWORD);
  const fromEnv = config.classroom.instructorPassword;
  if (fromEnv) {
    if (!stored || !(await verifyPassword(fromEnv, stored))) await writeSetting(db, INSTRUCTOR_PASSWORD, await hashPassword(fromEnv));
    return {};
  }
  if (stored) return {};
  const generated = readableSecret(12);
  await writeSetting(db, INSTRUCTOR_PASSWORD, await hashPassword(generated));
  return { generated };
}

/** The stored hash of the instructor password, or null before one exists. */
export async function instructorPasswordHash(db: Store): Promise<string | null> {
  return readSetting(db, INSTRUCTOR_PASSWORD);
}

import type { CourseConfig } from "../config/config";
import type { Store } from "../store/database";
import { readSetting, writeSetting } from "../store/settings";
import { hashPassword, readableSecret, verifyPassword } from "./passwords";

const CLASS_CODE = "class_code";
const INSTRUCTOR_PASSWORD = "instructor_password_hash";

/** The code learners type to join; created on first use, rotated by the instructor. */
export async function classCode(db: Store): Promise<string> {
  const existing = await readSetting(db, CLASS_CODE);
  if (existing) return existing;
  const code = readableSecret(6);
  await writeSetting(db, CLASS_CODE, code);
  return code;
}

export async function rotateClassCode(db: Store): Promise<string> {
  const code = readableSecret(6);
  await writeSetting(db, CLASS_CODE, code);
  return code;
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
    if (!stored || !verifyPassword(fromEnv, stored)) await writeSetting(db, INSTRUCTOR_PASSWORD, hashPassword(fromEnv));
    return {};
  }
  if (stored) return {};
  const generated = readableSecret(12);
  await writeSetting(db, INSTRUCTOR_PASSWORD, hashPassword(generated));
  return { generated };
}

export async function checkInstructorPassword(db: Store, password: string): Promise<boolean> {
  const stored = await readSetting(db, INSTRUCTOR_PASSWORD);
  return stored ? verifyPassword(password, stored) : false;
}

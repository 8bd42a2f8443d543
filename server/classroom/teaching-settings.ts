import type { TeachingSettings } from "@/contracts/classroom";
import { getConfig } from "../config/runtime-config";
import { getStore } from "../store/database";
import { readCatchUpPolicy, writeCatchUpPolicy, type CatchUpPolicy } from "./catch-up-policy";
import { lessonChoices, readClassLesson, writeClassLesson } from "./class-lesson";

export async function teachingSettings(): Promise<TeachingSettings> {
  const config = getConfig();
  const db = await getStore(config.dataDir);
  const [classLesson, catchUp] = await Promise.all([readClassLesson(db, config.projectRoot), readCatchUpPolicy(db, config)]);
  return { classLesson: classLesson?.slug ?? null, lessons: lessonChoices(config.projectRoot), catchUp };
}

/** Changes what is named (already checked by `classSettingsSchema`); the lesson is checked against the catalog. */
export async function updateTeachingSettings(change: { classLesson?: string | null; catchUp?: CatchUpPolicy }): Promise<TeachingSettings> {
  const config = getConfig();
  const db = await getStore(config.dataDir);
  if (change.classLesson !== undefined) await writeClassLesson(db, config.projectRoot, change.classLesson);
  if (change.catchUp !== undefined) await writeCatchUpPolicy(db, change.catchUp);
  return teachingSettings();
}

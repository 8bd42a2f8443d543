import type { TeachingSettings } from "@/contracts/classroom";
import { readCatchUpPolicy, writeCatchUpPolicy, type CatchUpPolicy } from "./catch-up-policy";
import { lessonChoices, readClassLesson, writeClassLesson } from "./class-lesson";
import type { ClassroomDeps } from "./classroom-deps";

type SettingsDeps = Pick<ClassroomDeps, "config" | "store" | "lessons">;

export async function teachingSettings(course: SettingsDeps): Promise<TeachingSettings> {
  const [classLesson, catchUp] = await Promise.all([readClassLesson(course.store, course.lessons), readCatchUpPolicy(course.store, course.config)]);
  return { classLesson: classLesson?.slug ?? null, lessons: lessonChoices(course.lessons), catchUp };
}

/** Changes what is named (already checked by `classSettingsSchema`); the lesson is checked against the catalog. */
export async function updateTeachingSettings(course: SettingsDeps, change: { classLesson?: string | null; catchUp?: CatchUpPolicy }): Promise<TeachingSettings> {
  if (change.classLesson !== undefined) await writeClassLesson(course.store, course.lessons, change.classLesson);
  if (change.catchUp !== undefined) await writeCatchUpPolicy(course.store, change.catchUp);
  return teachingSettings(course);
}

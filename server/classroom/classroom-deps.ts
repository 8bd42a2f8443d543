import type { CourseConfig } from "../config/config";
import type { LearnerRuntimes } from "../learners/learner-runtime";
import type { LessonCatalog } from "../lessons/lesson-catalog";
import type { Store } from "../store/database";

/** What running a class needs of the course (the course's runtime has all of it). */
export type ClassroomDeps = { config: CourseConfig; store: Store; lessons: LessonCatalog; learners: LearnerRuntimes };

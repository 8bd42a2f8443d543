import { AppError } from "../errors/app-error";
import type { CourseRuntime } from "./course-runtime";

/**
 * The one accessor of the course's runtime for routes and pages. The site's entry point builds the
 * runtime and installs it here before it serves anything. Next.js bundles route code apart from the
 * entry point's modules, so the runtime is handed over in one global slot, read only here.
 */
const SLOT = Symbol.for("mlflow-training.course-runtime");
type Slot = { [SLOT]?: CourseRuntime };

export function installCourseRuntime(runtime: CourseRuntime): void {
  (globalThis as Slot)[SLOT] = runtime;
}

export function courseRuntime(): CourseRuntime {
  const runtime = (globalThis as Slot)[SLOT];
  if (!runtime) throw new AppError("service_unavailable", "The course's runtime is not running in this process: start the site with `npm start` (scripts/site.ts builds it).");
  return runtime;
}

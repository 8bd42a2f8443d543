import type { CourseConfig } from "../config/config";
import type { Launcher } from "../launchers/launcher";

/**
 * What the lessons' model-server port (5050, `mlflow models serve -p 5050`) is to a learner:
 * - `learnersOwn`: nobody else's server can be there: the learner is alone (solo), or has a network
 *   of their own (the sandbox). Their lesson cells may call it without the Serve panel, and the panel
 *   suggests it; in a class sharing the machine's ports it could be another learner's server.
 * - `courseReaches`: a server the learner started by hand there is one the course can call too (a
 *   solo learner without the sandbox: the whole machine is theirs), so the serving Check grades it.
 *   In a learner's own network only the Serve panel's server is reachable from the course.
 */
export function lessonsPort(config: Pick<CourseConfig, "mode">, launcher: Pick<Launcher, "learnerOwnPorts">): { learnersOwn: boolean; courseReaches: boolean } {
  const solo = config.mode === "solo";
  return { learnersOwn: solo || launcher.learnerOwnPorts, courseReaches: solo && !launcher.learnerOwnPorts };
}

// Starts MLflow, Jupyter and the course site, keeps them alive, and stops all
// of them on Ctrl-C. Run through `npm start`, which installs and builds first.
import path from "node:path";
import { ConfigError, loadConfig } from "../server/config/config";
import { assertInstructorPasswordStrong } from "../server/config/instructor-password";
import { classCode, ensureInstructorPassword } from "../server/identity/class-settings";
import { chooseLauncher } from "../server/launchers/choose-launcher";
import { openStore, storeTarget } from "../server/store/database";
import { CourseSupervisor, StartupError } from "../server/supervisor/course-supervisor";

const say = (line: string) => console.log(`\u25b8 ${line}`);

function readConfig() {
  try {
    const config = loadConfig(process.env, { projectRoot: path.resolve(import.meta.dirname, "..") });
    assertInstructorPasswordStrong(config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n\u2716 ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

// `npm start -- --classroom` is the same as COURSE_MODE=classroom.
if (process.argv.includes("--classroom")) process.env.COURSE_MODE = "classroom";
const config = readConfig();
const course = new CourseSupervisor(config, { log: say });

let stopping: Promise<void> | null = null;
function shutdown(reason: string, exitCode: number) {
  if (!stopping) {
    say(`${reason}: stopping every service...`);
    stopping = course.stop().then(() => {
      say("All services stopped.");
      process.exit(exitCode);
    });
  }
  return stopping;
}
process.on("SIGINT", () => void shutdown("Ctrl-C", 0));
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
process.on("SIGHUP", () => void shutdown("SIGHUP", 0));

if (config.mlflow.external) say(`Using the external MLflow at ${config.mlflow.url} (MLFLOW_TRACKING_URI); no local MLflow is started.`);
if (config.jupyter.external) {
  say(
    `Learners' kernels run on ${config.jupyter.url} (JUPYTER_URL), from the kernel spec ${config.jupyter.kernelName}; no local Jupyter is started. ` +
      `They reach MLflow through the gate at ${config.jupyter.gateUrl}, and are isolated by whoever runs them, not by the course's sandbox.`,
  );
}
say(`Data folder: ${config.dataDir}`);

try {
  await course.start();
} catch (error) {
  const message = error instanceof StartupError ? error.message : `Unexpected error while starting: ${(error as Error).stack ?? error}`;
  console.error(`\n\u2716 ${message}\n`);
  await shutdown("Start-up failed", 1);
}

let classroomLines = "";
if (config.mode === "classroom") {
  const { db } = await openStore(storeTarget(config.dataDir, config.databaseUrl));
  const { generated } = await ensureInstructorPassword(db, config);
  classroomLines = [
    "",
    `  Classroom mode. Learners join at ${config.site.publicUrl ?? config.site.url} with the class code ${await classCode(db)}`,
    `  Instructor page: ${config.site.publicUrl ?? config.site.url}/instructor`,
    generated
      ? `  Instructor password (shown once, only its hash is stored): ${generated}`
      : "  Instructor password: COURSE_INSTRUCTOR_PASSWORD, or the one printed on the first classroom start.",
  ].join("\n");
  await db.destroy();
}

console.log(`
  MLflow Training is ready:  ${config.site.url}${classroomLines}
  Learners' processes: ${chooseLauncher(course.config).description}
  MLflow UI (through the app): ${config.site.url}/mlflow/
  Press Ctrl-C to stop.
`);
console.log("COURSE_READY");

// `npm start`: install what is missing, build if needed, then serve the course.
import { bootstrap, projectRoot, step } from "./bootstrap.mjs";

await bootstrap({ build: true });
step("Starting the course...");
process.chdir(projectRoot);
const { register } = await import("tsx/esm/api");
register();
await import("./serve.ts");

// The course site: Next.js behind the course's own HTTP entry point (server/http/site-entry.ts),
// serving the course's runtime (server/runtime/course-runtime.ts), which this file builds once.
// The supervisor runs it as the "site" service; started alone, it makes the supervisor's decisions
// itself (the sandbox) or says what it lacks.
import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import next from "next";
import { ConfigError, loadConfig, type CourseConfig } from "../server/config/config";
import { assertInstructorPasswordStrong } from "../server/config/instructor-password";
import { applyRunHandoff, readRunHandoff } from "../server/config/run-handoff";
import { createSiteServer } from "../server/http/site-entry";
import { directRoute } from "../server/http/direct-route";
import { POST as runCellRoute } from "../app/api/cells/run/route";
import { loopbackFor } from "../server/supervisor/course-services";
import { GateDoor, isGateRequest } from "../server/mlflow-proxy/gate-door";
import { GATE_MOUNT, isUnderMount } from "../server/mlflow-proxy/mlflow-path";
import { CourseRuntime } from "../server/runtime/course-runtime";
import { installCourseRuntime } from "../server/runtime/runtime-access";
import { chooseSandbox, SandboxRefusal } from "../server/sandbox/sandbox-choice";
import { SOLO_LEARNER } from "../server/identity/course-identity";

const projectRoot = path.resolve(import.meta.dirname, "..");

/** The configuration as this start runs it: the supervisor's decisions from the run folder, or the same decisions made here. */
function startingConfig(): CourseConfig {
  try {
    const config = loadConfig(process.env, { projectRoot });
    assertInstructorPasswordStrong(config);
    const handoff = readRunHandoff(config.runDir);
    if (handoff) return applyRunHandoff(config, handoff);
    // Started without the supervisor: the same sandbox decision as `npm start` makes, never a silent "off".
    return chooseSandbox(config, (line) => console.log(line));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SandboxRefusal) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

const config = startingConfig();
const runtime = await CourseRuntime.start(config);
installCourseRuntime(runtime);
console.log(`Learners' processes: ${runtime.launcher.description}`);
// No model server outlives the site: they run in process groups of their own, and each ends
// with this process however it ends (its parent-death signal). A former process of this site that
// died alone left records of servers that ended with it: they say so now.
process.once("exit", () => runtime.killProcessesNow());
await runtime.succeedFormerSite();

const dev = process.argv.includes("--dev");
const app = next({ dev, dir: config.projectRoot, hostname: config.site.host, port: config.site.port });
await app.prepare();
const handle = app.getRequestHandler();
// One door for the gate, whichever way a request comes (the sandboxes' socket or the public port).
const gateDoor = new GateDoor((authorization) => runtime.identity.learnerFromGateToken(authorization));
const door = (request: IncomingMessage) => (isGateRequest(request.url ?? "/") ? gateDoor.admit(request) : null);
// Every cell run goes through this one route: answered without Next.js's per-request work (see
// server/http/direct-route.ts); development keeps Next.js's, so edits to it reload as usual.
const runCell = directRoute("POST", "/api/cells/run", runCellRoute);
const server = createSiteServer(config, (request, response) => (dev ? null : runCell(request, response)) ?? handle(request, response), { door });
server.listen(config.site.port, config.site.host, () => {
  console.log(`Course site listening on http://${config.site.host}:${config.site.port}${dev ? " (development)" : ""}`);
  // Solo mode has exactly one learner: their kernel starts now, so their first cell does not wait for it.
  if (config.mode === "solo") runtime.learner(SOLO_LEARNER.id).kernel.warmSoon();
  // A page's first render loads and compiles its code (about half a second on a 2-core machine):
  // done now, so the first learner's lesson does not wait for it. No lesson can be called
  // "_warm-up" (slugs are lowercase letters, digits and hyphens), so nobody's state is read or
  // written (a real lesson would become the solo learner's "last lesson"); in classroom mode the
  // request is sent to the join page, which loads the same code.
  if (!dev) {
    void fetch(`http://${loopbackFor(config.site.host)}:${config.site.port}/lessons/_warm-up`, { redirect: "manual" })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }
});
// Sandboxed kernels reach the MLflow gate (/mlflow-gate/) through this socket, bridged into each sandbox.
let gate: ReturnType<typeof createSiteServer> | undefined;
if (config.sandbox.enabled) {
  const socket = config.sandbox.gateSocket;
  fs.mkdirSync(path.dirname(socket), { recursive: true, mode: 0o755 });
  fs.chmodSync(path.dirname(socket), 0o755);
  fs.rmSync(socket, { force: true });
  // The socket is for the gate only: learner code must not reach the course's other routes through it.
  gate = createSiteServer(config, (request, response) => handle(request, response), {
    only: { answers: (url) => isUnderMount(url, GATE_MOUNT), message: `This socket answers only the MLflow gate (${GATE_MOUNT}/).` },
    door,
  });
  gate.listen(socket, () => fs.chmodSync(socket, 0o666));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    gate?.close();
    runtime.killProcessesNow();
    process.exit(0);
  });
}

import type { Launcher } from "../launchers/launcher";
import type { ModelServerLaunching } from "./model-server-manager";

/** How model servers start with `launcher`: as the learner's processes do, each with the learner's gate token. */
export function modelServerLaunching(launcher: Launcher, gateToken: (learnerId: string) => string): ModelServerLaunching {
  const learner = (id: string) => ({ id, gateToken: gateToken(id) });
  return {
    host: launcher.modelServerHost(),
    ownPorts: launcher.learnerOwnPorts,
    command: (learnerId, spec, port) => launcher.processCommand(learner(learnerId), spec, { role: "model-server", port }),
    socketFor: (learnerId) => launcher.modelServerSocket(learner(learnerId)),
  };
}

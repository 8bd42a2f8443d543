import { startProcessGroup, type RunningProcess } from "../../server/supervisor/process-group";
import type { Env } from "../../server/config/config";

/**
 * Starts a server process in its own process group and waits until `readyUrl`
 * answers 200. `stop()` ends the whole group (SIGTERM, then SIGKILL), so a
 * model server's uvicorn workers go too; it is safe to call twice.
 */
export type ServedProcess = { url: string; stop(): Promise<void>; output(): string };

export async function startServedProcess(spec: {
  command: string;
  args: string[];
  env: Env;
  cwd: string;
  url: string;
  readyPath: string;
  readyTimeoutMs?: number;
}): Promise<ServedProcess> {
  const lines: string[] = [];
  const running: RunningProcess = startProcessGroup({ command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd }, (line) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
  });
  let stopped = false;
  const served: ServedProcess = {
    url: spec.url,
    output: () => lines.join("\n"),
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop(5000);
    },
  };
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 120_000);
  let exited = false;
  void running.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const ok = await fetch(`${spec.url}${spec.readyPath}`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ok) return served;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await served.stop();
  throw new Error(`${spec.command} ${spec.args.join(" ")} did not become ready at ${spec.url}${spec.readyPath}:\n${served.output().slice(-3000)}`);
}

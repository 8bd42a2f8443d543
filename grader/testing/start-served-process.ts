import { spawnGroup, type Env } from "@/lib/process/process-group";
import { waitUntil } from "@/lib/process/wait-until";

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
  const group = spawnGroup(
    { command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd },
    {
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 200) lines.shift();
      },
    },
  );
  let stopped = false;
  const served: ServedProcess = {
    url: spec.url,
    output: () => lines.join("\n"),
    async stop() {
      if (stopped) return;
      stopped = true;
      await group.stop(5000);
    },
  };
  // A server that exited will never answer: stop waiting for it.
  const exited = new AbortController();
  void group.exited.then(() => exited.abort(new Error("exited")));
  const ready = await waitUntil(
    () => fetch(`${spec.url}${spec.readyPath}`, { signal: AbortSignal.timeout(1000) }).then((response) => response.status === 200),
    { timeoutMs: spec.readyTimeoutMs ?? 120_000, intervalMs: 250, signal: exited.signal },
  ).catch(() => false);
  if (ready) return served;
  await served.stop();
  throw new Error(`${spec.command} ${spec.args.join(" ")} did not become ready at ${spec.url}${spec.readyPath}:\n${served.output().slice(-3000)}`);
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startUntilOutput, type StartedGroup } from "@/lib/process/start-until-output";
import { loadConfig } from "../server/config/config";
import { findFreePort } from "../server/net/free-port";
import { probeSandbox } from "../server/sandbox/sandbox-choice";
import { rawRequest } from "../server/testing/raw-http";

const projectRoot = path.resolve(import.meta.dirname, "..");

/**
 * The site's entry point started on its own, without the supervisor (so without its hand-off in
 * the run folder): it makes the same sandbox decision `npm start` makes, never a silent "off", and
 * says what it lacks instead of failing later.
 */
describe("the site started without the supervisor", () => {
  const started: StartedGroup[] = [];
  const folders: string[] = [];
  afterAll(async () => {
    for (const { group } of started) await group.stop(5000);
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  async function startSite(env: Record<string, string>) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "site-alone-"));
    folders.push(dataDir);
    const port = await findFreePort();
    const siteEnv = { ...process.env, MLFLOW_TRACKING_URI: undefined, JUPYTER_URL: undefined, COURSE_SANDBOX: undefined, ...env, COURSE_DATA_DIR: dataDir, PORT: String(port), NODE_ENV: "production" };
    const site = await startUntilOutput(
      { command: process.execPath, args: ["--import", "tsx", path.join(projectRoot, "scripts", "site.ts")], env: siteEnv, cwd: projectRoot },
      { readyWhen: "Course site listening", timeoutMs: 120_000, what: "the course site" },
    );
    started.push(site);
    return { site, url: `http://127.0.0.1:${port}`, config: loadConfig(siteEnv, { projectRoot }) };
  }

  it("decides the sandbox as `npm start` would, reports it, and says it has no Jupyter", async () => {
    const { site, url, config } = await startSite({ COURSE_MODE: "solo", MLFLOW_TRACKING_URI: "http://127.0.0.1:9" });
    const sandbox = probeSandbox(config).ok;
    expect(site.output()).toContain(sandbox ? "Learners' processes: bubblewrap sandbox" : "Learners' processes: local processes");
    const health = await rawRequest(url, { path: "/api/health" });
    expect(health.json.launcher.kind, health.text).toBe(sandbox ? "sandbox" : "local");
    // No supervisor started a Jupyter for it: a kernel is refused with the reason, not a crash.
    const warm = await rawRequest(url, { method: "POST", path: "/api/kernel", headers: { origin: url, "content-type": "application/json" }, body: JSON.stringify({ action: "warm" }) });
    expect(warm.status, warm.text).toBe(503);
    expect(warm.json.error.message).toContain("start the course with `npm start`");
  });
});

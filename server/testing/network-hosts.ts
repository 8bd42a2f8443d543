import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import crypto from "node:crypto";
import { waitAtMost } from "@/lib/process/wait-until";

/**
 * Several "machines" on this one, for tests of a class spread over hosts: each host is a network
 * namespace (`mlt-<run>-<name>`) with its own loopback and one veth into a bridge in the root
 * namespace, on a /24 of 10.231.0.0/16 of its own. Hosts share no loopback, so a service another
 * host must reach has to bind its host's address, as on real machines. The bridge holds .254 in
 * the root namespace: the test process reaches every host, as a learner's browser would.
 *
 * Needs root and `ip` (iproute2). `remove()` ends every process in the namespaces and deletes
 * namespaces, veths and bridge; the same happens if the test process exits or is interrupted first
 * (only SIGKILL leaves them: `ip netns list` shows `mlt-<run>-<name>`, the bridge is `mltbr<X>`).
 */
export type NetworkHost = {
  name: string;
  /** The network namespace's name (`ip netns exec <namespace> ...`). */
  namespace: string;
  /** The host's one address, on the bridge. */
  address: string;
};

export type NetworkHosts = {
  hosts: Record<string, NetworkHost>;
  /** The root namespace's address on the hosts' bridge (where the test process's connections come from). */
  rootAddress: string;
  /** The hosts' subnet, e.g. 10.231.17.0/24. */
  subnet: string;
  /** Spawns `command` inside `host`'s namespace, as the leader of a new process group. */
  spawnIn(host: NetworkHost, command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` inside `host` to its end (for short set-up steps): its output, or an Error with it. */
  runIn(host: NetworkHost, command: string, args: string[], options?: { env?: NodeJS.ProcessEnv }): string;
  /** Every process left in the namespaces ends (SIGTERM, then SIGKILL after `graceMs`); namespaces, veths and bridge are deleted. Safe to call twice. */
  remove(graceMs?: number): Promise<void>;
};

const SUBNET_PREFIX = "10.231";

function ip(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.error) return { ok: false, output: result.error.message };
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function mustIp(args: string[]): string {
  const result = ip(args);
  if (!result.ok) throw new Error(`ip ${args.join(" ")} failed: ${result.output.trim()}`);
  return result.output;
}

/**
 * Claims a free /24 of 10.231.0.0/16: the bridge is named after it (`mltbr<X>`), and creating a
 * link whose name exists fails, so two runs at once never get the same one. A /24 some address
 * of this machine is already in is skipped.
 */
function claimSubnet(): { x: number; bridge: string } {
  const inUse = mustIp(["-4", "-o", "addr", "show"]);
  const start = crypto.randomInt(1, 254);
  for (let i = 0; i < 253; i++) {
    const x = ((start + i - 1) % 253) + 1;
    if (inUse.includes(` ${SUBNET_PREFIX}.${x}.`)) continue;
    const bridge = `mltbr${x}`;
    if (ip(["link", "add", bridge, "type", "bridge"]).ok) return { x, bridge };
  }
  throw new Error(`no free /24 in ${SUBNET_PREFIX}.0.0/16 for the test's hosts`);
}

/** Pids of every process in a network namespace (`ip netns pids`). */
function pidsIn(namespace: string): number[] {
  const result = ip(["netns", "pids", namespace]);
  if (!result.ok) return [];
  return result.output.split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid > 0 && pid !== process.pid);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export async function createNetworkHosts(names: string[]): Promise<NetworkHosts> {
  if (names.length < 1 || names.length > 200) throw new Error("between 1 and 200 hosts");
  const run = crypto.randomBytes(3).toString("hex");
  const { x, bridge } = claimSubnet();
  const subnet = `${SUBNET_PREFIX}.${x}.0/24`;
  const rootAddress = `${SUBNET_PREFIX}.${x}.254`;
  const hosts: Record<string, NetworkHost> = {};
  const namespaces: string[] = [];
  const veths: string[] = [];
  const children: ChildProcess[] = [];
  let removed = false;

  /** Synchronous, so it can also run from process.on("exit"). */
  const removeNow = () => {
    for (const namespace of namespaces) for (const pid of pidsIn(namespace)) signal(pid, "SIGKILL");
    for (const child of children) if (child.pid && child.exitCode === null) signal(-child.pid, "SIGKILL");
    for (const namespace of namespaces) ip(["netns", "del", namespace]);
    for (const veth of veths) ip(["link", "del", veth]); // normally gone with its namespace's end
    ip(["link", "del", bridge]);
  };
  const onExit = () => {
    if (!removed) removeNow();
  };
  // Interrupted (Ctrl-C, a runner's SIGTERM): clean up, then end as the signal would have.
  const onSignal = (name: NodeJS.Signals) => {
    onExit();
    removed = true;
    process.kill(process.pid, name);
  };
  process.once("exit", onExit);
  for (const name of ["SIGINT", "SIGTERM"] as const) process.once(name, onSignal);

  const remove = async (graceMs = 5000) => {
    if (removed) return;
    removed = true;
    process.off("exit", onExit);
    for (const name of ["SIGINT", "SIGTERM"] as const) process.off(name, onSignal);
    // Politely first (PostgreSQL and MLflow leave no half-written state), then for sure.
    for (const namespace of namespaces) for (const pid of pidsIn(namespace)) signal(pid, "SIGTERM");
    await waitAtMost(() => namespaces.every((namespace) => pidsIn(namespace).length === 0), { timeoutMs: graceMs, intervalMs: 100 });
    removeNow();
  };

  try {
    mustIp(["addr", "add", `${rootAddress}/24`, "dev", bridge]);
    mustIp(["link", "set", bridge, "up"]);
    names.forEach((name, index) => {
      const namespace = `mlt-${run}-${name}`;
      const outside = `mlt${x}h${index}`;
      const inside = `mlt${x}p${index}`;
      const address = `${SUBNET_PREFIX}.${x}.${index + 1}`;
      mustIp(["netns", "add", namespace]);
      namespaces.push(namespace);
      mustIp(["link", "add", outside, "type", "veth", "peer", "name", inside]);
      veths.push(outside);
      mustIp(["link", "set", inside, "netns", namespace]);
      mustIp(["link", "set", outside, "master", bridge]);
      mustIp(["link", "set", outside, "up"]);
      mustIp(["-n", namespace, "link", "set", "lo", "up"]);
      mustIp(["-n", namespace, "link", "set", inside, "name", "eth0"]);
      mustIp(["-n", namespace, "addr", "add", `${address}/24`, "dev", "eth0"]);
      mustIp(["-n", namespace, "link", "set", "eth0", "up"]);
      hosts[name] = { name, namespace, address };
    });
  } catch (error) {
    await remove(0);
    throw error;
  }

  return {
    hosts,
    rootAddress,
    subnet,
    spawnIn(host, command, args, options = {}) {
      const child = spawn("ip", ["netns", "exec", host.namespace, command, ...args], { stdio: ["ignore", "pipe", "pipe"], ...options, detached: true });
      children.push(child);
      return child;
    },
    runIn(host, command, args, options = {}) {
      const result = spawnSync("ip", ["netns", "exec", host.namespace, command, ...args], { encoding: "utf8", env: options.env ?? process.env });
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
      if (result.error || result.status !== 0) throw new Error(`${command} ${args.join(" ")} on ${host.name} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
      return output;
    },
    remove,
  };
}

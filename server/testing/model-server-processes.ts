import fs from "node:fs";
import path from "node:path";

/**
 * A learner's sandboxed model server as this machine shows it, read from /proc (as root), for the
 * tests and benches that check how it runs and what it costs.
 */

export type MachineProcess = {
  pid: number;
  ppid: number;
  /** Real uid. */
  uid: number;
  /** The command line, arguments joined by spaces. */
  command: string;
  /** The program's file name (`bwrap`, `python3.11`, `socat`). */
  program: string;
  pidNamespace: string;
  netNamespace: string;
};

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null; // the process ended while we looked
  }
}

function link(file: string): string | null {
  try {
    return fs.readlinkSync(file);
  } catch {
    return null;
  }
}

export function machineProcesses(): MachineProcess[] {
  return fs.readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    const status = read(`/proc/${entry}/status`);
    const command = read(`/proc/${entry}/cmdline`);
    const pidNamespace = link(`/proc/${entry}/ns/pid`);
    const netNamespace = link(`/proc/${entry}/ns/net`);
    if (status === null || command === null || !pidNamespace || !netNamespace) return [];
    const field = (name: string) => new RegExp(`^${name}:\\s*(\\d+)`, "m").exec(status)?.[1];
    return [
      {
        pid: Number(entry),
        ppid: Number(field("PPid")),
        uid: Number(field("Uid")),
        command: command.replace(/\0/g, " ").trim(),
        program: path.basename(link(`/proc/${entry}/exe`) ?? ""),
        pidNamespace,
        netNamespace,
      },
    ];
  });
}

/** The network namespace's id (`net:[inode]`) of a learner, as `ip netns` names it (`<netns prefix><learner>`). */
export function learnerNetNamespace(netnsName: string): string {
  return `net:[${fs.statSync(path.join("/run/netns", netnsName)).ino}]`;
}

/**
 * Every process of the learner's running model server: those in its sandbox's PID namespace (found
 * by the socket bridge the course reaches it through, which runs in no other sandbox) and those
 * outside that started the sandbox (bubblewrap, and the launcher when it stays: as
 * course_sandbox/fork_waiter.py once a fork started): the holder and
 * the bridges, and the server itself, whether bubblewrap started it or it is a fork of the kernel
 * forker. Empty when the learner has no model server.
 */
export function modelServerProcesses(netNamespace: string): MachineProcess[] {
  const all = machineProcesses();
  // Not bubblewrap outside, whose command line names the same bridge in the shell command it runs.
  const bridge = all.find((p) => p.netNamespace === netNamespace && p.program === "socat" && p.command.includes("UNIX-LISTEN:/run/course-serve/model.sock"));
  if (!bridge) return [];
  const inside = all.filter((p) => p.pidNamespace === bridge.pidNamespace);
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const startedIt = (p: MachineProcess | undefined) => p && p.pidNamespace !== bridge.pidNamespace && (p.program === "bwrap" || isLauncher(p));
  // From the sandbox's first process (its parent is bubblewrap outside) up to whoever started the launcher.
  const first = inside.find((p) => startedIt(byPid.get(p.ppid)));
  const outside: MachineProcess[] = [];
  for (let parent = first && byPid.get(first.ppid); startedIt(parent); parent = byPid.get(parent!.ppid)) outside.push(parent!);
  return [...outside, ...inside];
}

/**
 * A process's memory in kB: `pss`, its proportional set size (its private pages, plus each shared
 * page divided among the processes that map it); `private`, the pages no other process maps (what
 * ending it would free).
 */
export function memoryKb(pid: number): { pss: number; private: number } {
  const rollup = read(`/proc/${pid}/smaps_rollup`) ?? "";
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
  return { pss: field("Pss"), private: field("Private_Clean") + field("Private_Dirty") };
}

/** python/sandbox_launch.py, or what it became once the kernel forker forked its process (fork_waiter.py). */
export function isLauncher(process: MachineProcess): boolean {
  return process.command.includes("sandbox_launch.py") || process.command.includes("course_sandbox/fork_waiter.py");
}

/** What a process of a model server's sandbox is there for, in a word or two. */
export function roleOf(process: MachineProcess, all: MachineProcess[]): string {
  const c = process.command;
  if (isLauncher(process)) return c.includes("fork_waiter.py") ? "launcher (as fork_waiter.py)" : "launcher";
  if (process.program === "bwrap") return all.some((p) => p.pid === process.ppid && p.program === "bwrap") ? "bwrap (sandbox init)" : "bwrap";
  if (c.includes("UNIX-LISTEN:/run/course-serve")) return "socat (serve bridge)";
  if (c.includes("UNIX-CONNECT:/run/course-gate.sock")) return "socat (MLflow bridge)";
  if (c.startsWith("sleep")) return "holder (sleep)";
  if (c.includes("kernel_forker.py")) return "server (fork of the kernel forker)";
  if (c.includes("course_scoring_server.py")) return "server (course_scoring_server.py)";
  if (/\bmlflow models serve\b/.test(c)) return "mlflow CLI";
  if (/\buvicorn\b/.test(c)) return "uvicorn";
  return process.program || c.split(" ")[0];
}

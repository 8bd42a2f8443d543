// A throwaway PostgreSQL for the tests: Debian's server package, a fresh cluster
// in a temporary folder on a free loopback port, deleted again afterwards.
// Plain Node.js with no dependencies (it runs from scripts/test.mjs).
//
//   ensurePostgres()               installs Debian's `postgresql` (bootstrap's apt-get installer) when no initdb is found
//   startTestPostgres(options)     -> { url, urlFor(database), stop() }: a new cluster, one user and its database(s);
//                                  by default on a free loopback port, or where `options` say (the multi-host
//                                  test: a network namespace's address, through `ip netns exec <namespace>`)
//   withTestPostgres(env, run)     both of the above around `run()`, with TEST_DATABASE_URL set
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { aptInstall } from "../bootstrap.mjs";

const PG_ROOT = "/usr/lib/postgresql";
const DATABASE = "course_test";
const USER = "course_test";

function log(message) {
  console.log(`\u25b8 ${message}`);
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** The newest `/usr/lib/postgresql/<version>/bin` that has initdb, or null. */
export function findPostgresBin() {
  if (!fs.existsSync(PG_ROOT)) return null;
  const versions = fs
    .readdirSync(PG_ROOT)
    .filter((version) => fs.existsSync(path.join(PG_ROOT, version, "bin", "initdb")))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.length ? path.join(PG_ROOT, versions[0], "bin") : null;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.error) return { ok: false, status: null, output: String(result.error.message) };
  return { ok: result.status === 0, status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Installs Debian's PostgreSQL server when initdb is missing; returns its bin folder. */
export async function ensurePostgres() {
  const found = findPostgresBin();
  if (found) return found;
  await installPostgres();
  const bin = findPostgresBin();
  if (!bin) throw new Error(`apt-get installed postgresql, but no initdb was found under ${PG_ROOT}/*/bin.`);
  return bin;
}

/** Debian's postgresql, through the one apt-get installer (scripts/bootstrap.mjs). */
export async function installPostgres() {
  if (!(await aptInstall(["postgresql"], "for the progress store's tests"))) {
    throw new Error(
      "The progress store's tests need a PostgreSQL server (initdb under /usr/lib/postgresql/*/bin). Install it with your package manager (Debian: apt-get install postgresql), then run npm test again.",
    );
  }
  // The package creates a default cluster and, where services may start, starts it.
  // The tests never use it: stop what the install just started.
  const sudo = isRoot() ? [] : ["sudo"];
  const clusters = run("pg_lsclusters", ["--no-header"]);
  for (const line of clusters.ok ? clusters.output.split("\n") : []) {
    const [version, name, , status] = line.trim().split(/\s+/);
    if (version && name && status === "online") {
      log(`Stopping the default cluster ${version}/${name} that the package install started...`);
      run(sudo.length ? "sudo" : "pg_ctlcluster", [...(sudo.length ? ["pg_ctlcluster"] : []), version, name, "stop"]);
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates a cluster in a new temporary folder, starts it on a free port of
 * 127.0.0.1 (its socket in that folder), creates one user and one database
 * owned by it. `stop()` stops the server and deletes the folder; it is
 * synchronous, safe to call twice, and also runs if the process exits or is
 * interrupted first.
 *
 * Options, for a PostgreSQL that other (network-namespace) hosts reach:
 * - `listenAddress`: the one address it listens on (default 127.0.0.1), also the URLs' host;
 * - `port`: a fixed port (default: a free one of 127.0.0.1, tried again if taken meanwhile);
 * - `commandPrefix`: what the server is started through, e.g. `["ip", "netns", "exec", namespace]`
 *   (set-up and stop use its socket folder, which every namespace sees);
 * - `allowFrom`: subnets (CIDR) whose clients may log in with the password, besides loopback;
 * - `databases`: the databases to create, owned by the user (default one); `url` names the first.
 *
 * @param {{ bin?: string | null, listenAddress?: string, port?: number, commandPrefix?: string[], allowFrom?: string[], databases?: string[] }} [options]
 * @returns {Promise<{ url: string, urlFor: (database: string) => string, stop: () => void }>}
 */
export async function startTestPostgres({ bin = findPostgresBin(), listenAddress = "127.0.0.1", port: fixedPort, commandPrefix = [], allowFrom = [], databases = [DATABASE] } = {}) {
  if (!bin) throw new Error(`No PostgreSQL server found under ${PG_ROOT}/*/bin: call ensurePostgres() first.`);
  // initdb and postgres refuse to run as root: as root, the cluster belongs to the postgres user.
  const asUser = isRoot() ? "postgres" : null;
  if (asUser && run("id", ["-u", asUser]).ok === false) throw new Error(`Running as root, but there is no "${asUser}" user to own the test cluster.`);
  const as = (command, args, prefix = []) => {
    const argv = [...prefix, ...(asUser ? ["runuser", "-u", asUser, "--"] : []), command, ...args];
    return run(argv[0], argv.slice(1));
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-training-pg-"));
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const pg = (name) => path.join(bin, name);
  let started = false;
  let stopped = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    for (const signal of ["SIGINT", "SIGTERM"]) process.off(signal, onSignal);
    if (started) {
      const result = as(pg("pg_ctl"), ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"]);
      if (!result.ok) {
        // pg_ctl could not stop it: end the postmaster we started, by its pid.
        const pid = Number.parseInt(readOr(path.join(dataDir, "postmaster.pid"), "").split("\n")[0], 10);
        if (pid > 0) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  function onSignal(signal) {
    stop();
    process.kill(process.pid, signal);
  }
  process.on("exit", stop);
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, onSignal);

  try {
    if (asUser) {
      fs.chownSync(dir, ...ids(asUser));
      if (!as("test", ["-w", dir]).ok) throw new Error(`The ${asUser} user cannot write to ${dir}; set TMPDIR to a folder it can reach.`);
    }
    const password = crypto.randomBytes(18).toString("hex");
    const passwordFile = path.join(dir, "superuser-password");
    fs.writeFileSync(passwordFile, `${crypto.randomBytes(18).toString("hex")}\n`, { mode: 0o600 });
    if (asUser) fs.chownSync(passwordFile, ...ids(asUser));
    // Socket connections (only through the private folder) are trusted; TCP needs the password.
    const init = as(pg("initdb"), [
      "-D", dataDir, "-U", "postgres", `--pwfile=${passwordFile}`, "--auth-local=trust", "--auth-host=scram-sha-256",
      "--encoding=UTF8", "--locale=C", "--no-sync",
    ]);
    fs.rmSync(passwordFile, { force: true });
    if (!init.ok) throw new Error(`initdb failed:\n${init.output}`);
    // Clients of other hosts log in over TCP with the password too.
    if (allowFrom.length) fs.appendFileSync(path.join(dataDir, "pg_hba.conf"), allowFrom.map((cidr) => `host all all ${cidr} scram-sha-256\n`).join(""));

    // A throwaway cluster: durability off, for speed.
    const serverOptions = [`-c listen_addresses=${listenAddress}`, `-k '${dir}'`, "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=100"];
    let port;
    for (let attempt = 1; ; attempt++) {
      port = fixedPort ?? (await freePort());
      const start = as(pg("pg_ctl"), ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", [`-p ${port}`, ...serverOptions].join(" ")], commandPrefix);
      if (start.ok) break;
      // The port may have been taken between finding and binding it: try another.
      if (attempt === 3 || fixedPort !== undefined || !/already in use|could not bind/i.test(readOr(logFile, ""))) {
        throw new Error(`PostgreSQL did not start:\n${start.output}\n${tail(readOr(logFile, ""))}`);
      }
    }
    started = true;

    const psql = as(pg("psql"), [
      "-h", dir, "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
      "-c", `create role ${USER} login createdb password '${password}'`,
      ...databases.flatMap((database) => ["-c", `create database ${database} owner ${USER}`]),
    ]);
    if (!psql.ok) throw new Error(`Creating the test database failed:\n${psql.output}`);

    const urlFor = (database) => `postgresql://${USER}:${password}@${listenAddress.includes(":") ? `[${listenAddress}]` : listenAddress}:${port}/${database}`;
    return { url: urlFor(databases[0]), urlFor, stop };
  } catch (error) {
    if (started) console.error(tail(readOr(logFile, "")));
    stop();
    throw error;
  }
}

/**
 * For scripts/test.mjs: installs PostgreSQL if missing, starts a test cluster,
 * sets TEST_DATABASE_URL (in process.env and in `env`, the child processes'
 * environment) while `run()` runs, then stops the cluster, also when `run`
 * throws. If PostgreSQL cannot be set up, says why and runs `run()` anyway:
 * the store's PostgreSQL tests then fail and point here.
 */
export async function withTestPostgres(env, run) {
  let postgres = null;
  try {
    const bin = await ensurePostgres();
    log(`Starting a throwaway PostgreSQL (${path.basename(path.dirname(bin))}) for the progress store's tests...`);
    postgres = await startTestPostgres({ bin });
  } catch (error) {
    console.error(`\n\u2716 No PostgreSQL for the progress store's tests: ${error.message}\n`);
  }
  if (postgres) process.env.TEST_DATABASE_URL = env.TEST_DATABASE_URL = postgres.url;
  try {
    return await run();
  } finally {
    if (postgres) {
      postgres.stop();
      delete process.env.TEST_DATABASE_URL;
      delete env.TEST_DATABASE_URL;
      log("Stopped the test PostgreSQL and deleted its folder.");
    }
  }
}

function ids(user) {
  const uid = Number(run("id", ["-u", user]).output.trim());
  const gid = Number(run("id", ["-g", user]).output.trim());
  return [uid, gid];
}

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

function tail(text, lines = 30) {
  return text.split("\n").slice(-lines).join("\n");
}

"""The one launcher for every process that runs learner code or loads a learner-made model.

    sandbox_launch.py kernel CONNECTION_FILE
        Jupyter's command for the `course-sandboxed` kernelspec, run in the learner's folder:
        ipykernel, talking to Jupyter over unix sockets (ZeroMQ `ipc`).
    sandbox_launch.py run --learner ID [options] -- COMMAND [ARGS...]
        Anything else: a model server (`mlflow models serve`), the Spark Check's helper, the
        expected-predictions helper.
    sandbox_launch.py probe
        Whether this machine can make the sandbox (exit 0), or why not (exit 1, reason on stdout).
    sandbox_launch.py cleanup COURSE_ID NETNS_PREFIX
        After the course stopped: removes its network namespaces and cgroups.

Both read the learner's launch description, COURSE_SANDBOX_DIR/<learner>/launch.json (written
by the course, readable by the course's user only: it holds the learner's gate token and the one
environment policy), and replace themselves with bubblewrap:

- its own user (unprivileged: as root, setpriv drops to the sandbox's user inside), PID, IPC,
  UTS and cgroup namespaces; everything in it ends with its first process;
- the system and the virtualenv read-only; writable only the folders named (the learner's
  folder, a scratch folder) and a private /tmp; nothing else of the data folder or the project;
- an environment built from the launch description only (plus the few names `run` may add);
- a network namespace with only `lo`. As root, a learner's kernel and model servers share one
  (`--network learner`), so lesson cells reach the learner's model server on 127.0.0.1, and
  nothing else does; otherwise each process gets its own (`--network own`);
- MLflow at http://127.0.0.1:<port>/mlflow-gate inside: a socat bridge to the course's MLflow
  gate (a unix socket bound in), which authenticates the learner's token and pins the workspace;
- with `--serve-socket PORT`, a second bridge from a unix socket in a folder only the course
  reaches (COURSE_SANDBOX_DIR/<learner>/serve/model.sock) to 127.0.0.1:PORT inside;
- the learner's cgroups (as root): a memory cap, a process cap and an equal CPU share.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

# Names `run` may add to the launch description's environment (the course sets them per process).
# (Not SPARK_MASTER: a sandbox has no network to reach a cluster with; Spark runs in local mode there.)
RUN_ENV_NAMES = ("TMPDIR", "SPARK_LOCAL_DIRS", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")
INSIDE_KERNEL_DIR = "/run/course-kernel"
INSIDE_SERVE_DIR = "/run/course-serve"
INSIDE_GATE = "/run/course-gate.sock"
HERE = os.path.dirname(os.path.abspath(__file__))
# The course's kernel (ipykernel with the course's settings) and the module it imports, bound read-only.
KERNEL_FILES = [os.path.join(HERE, "course_kernel.py"), os.path.join(HERE, "requirements_table.py")]


def read_launch(learner):
    with open(os.path.join(os.environ["COURSE_SANDBOX_DIR"], learner, "launch.json")) as handle:
        return json.load(handle)


# The CPU weight of all learners together (every course's, in `mlflow-training`), against the default (1024 shares; v2:
# 100) of the course's own services: MLflow, the site (gate, grader) and Jupyter serve everyone,
# so under contention they run first, and learner code takes what they leave. Idle, they leave all.
LEARNERS_CPU_SHARES = 256
LEARNERS_CPU_WEIGHT = 25


# The time slice learner processes ask the scheduler for (EEVDF, Linux 6.12 and later): 0.1 ms
# instead of the default (about 1.4 ms here). A learner's kernel waking for a cell then preempts
# another learner's busy loop at once instead of waiting out its slice; a busy loop itself loses
# little (it is preempted more often, and only when something else wants the CPU).
LEARNER_SLICE_NS = 100_000


def ask_short_slice():
    """Asks for LEARNER_SLICE_NS for this process and what it starts (inherited); on kernels
    without custom slices the request is refused and nothing changes."""
    import ctypes

    class SchedAttr(ctypes.Structure):
        _fields_ = [("size", ctypes.c_uint32), ("policy", ctypes.c_uint32), ("flags", ctypes.c_uint64), ("nice", ctypes.c_int32), ("priority", ctypes.c_uint32),
                    ("runtime", ctypes.c_uint64), ("deadline", ctypes.c_uint64), ("period", ctypes.c_uint64), ("util_min", ctypes.c_uint32), ("util_max", ctypes.c_uint32)]

    if sys.platform != "linux" or os.uname().machine != "x86_64":
        return
    attr = SchedAttr(size=ctypes.sizeof(SchedAttr), policy=os.SCHED_OTHER, nice=os.getpriority(os.PRIO_PROCESS, 0), runtime=LEARNER_SLICE_NS)
    sched_setattr = 314  # x86_64
    ctypes.CDLL(None, use_errno=True).syscall(sched_setattr, 0, ctypes.byref(attr), 0)


def join_cgroups(launch, learner, suffix=""):
    """Puts this process (and so everything it starts) in the learner's cgroups: a memory cap,
    a process cap and an equal CPU share among learners, all learners together below the course's
    services. Needs root; cgroup v1 controllers or cgroup v2."""
    limits = launch.get("limits")
    if not limits or os.geteuid() != 0:
        return
    name = os.path.join("mlflow-training", launch["cgroup_group"], learner + suffix)
    pid = str(os.getpid())

    def write(path, value):
        with open(path, "w") as handle:
            handle.write(str(value))

    try:
        if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):  # cgroup v2
            parts = name.split("/")
            for depth in range(len(parts)):
                parent = os.path.join("/sys/fs/cgroup", *parts[:depth])
                os.makedirs(os.path.join(parent, parts[depth]), exist_ok=True)
                write(os.path.join(parent, "cgroup.subtree_control"), "+memory +pids +cpu")
            write(os.path.join("/sys/fs/cgroup", parts[0], "cpu.weight"), LEARNERS_CPU_WEIGHT)
            group = os.path.join("/sys/fs/cgroup", name)
            write(os.path.join(group, "memory.max"), limits["memory_bytes"])
            write(os.path.join(group, "memory.swap.max"), 0)
            write(os.path.join(group, "pids.max"), limits["pids"])
            write(os.path.join(group, "cpu.weight"), 100)
            write(os.path.join(group, "cgroup.procs"), pid)
            return
        settings = {
            "memory": {"memory.limit_in_bytes": limits["memory_bytes"]},
            "pids": {"pids.max": limits["pids"]},
            "cpu": {"cpu.shares": 1024},
        }
        for controller, values in settings.items():
            group = os.path.join("/sys/fs/cgroup", controller, name)
            os.makedirs(group, exist_ok=True)
            if controller == "cpu":
                # Shares count among siblings: the services' peer is the top group, `mlflow-training`.
                write(os.path.join("/sys/fs/cgroup", controller, "mlflow-training", "cpu.shares"), LEARNERS_CPU_SHARES)
            for key, value in values.items():
                write(os.path.join(group, key), value)
            write(os.path.join(group, "cgroup.procs"), pid)
        # CPU use is cpuacct's on v1 (the site lowers the weight of a learner who keeps a CPU busy,
        # server/sandbox/cpu-fairness.ts); a machine without it keeps the limits, not that rule.
        accounting = os.path.join("/sys/fs/cgroup", "cpuacct", name)
        if os.path.isdir(os.path.join("/sys/fs/cgroup", "cpuacct")):
            os.makedirs(accounting, exist_ok=True)
            write(os.path.join(accounting, "cgroup.procs"), pid)
    except OSError as error:
        sys.stderr.write(f"course sandbox: no resource limits for {learner} ({error})\n")


def learner_netns(launch, learner):
    """The learner's network namespace (root only), made on first use with `lo` up."""
    name = f"{launch['netns_prefix']}{learner}"
    path = f"/run/netns/{name}"
    if not os.path.exists(path):
        made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
        if made.returncode != 0 and not os.path.exists(path):
            raise SystemExit(f"course sandbox: cannot make the network namespace {name}: {made.stderr.strip()}")
    subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
    return path


def is_mount_point(folder):
    folder = os.path.realpath(folder)
    with open("/proc/self/mountinfo") as handle:
        return any(line.split()[4] == folder for line in handle)


def mount_learner_folder(launch, learner, workdir):
    """The learner's folder is a filesystem of its own (a sparse ext4 image, loop-mounted), so
    what learner code writes there stops at the course's quota. Root only; made on first use,
    with what the folder already held copied in."""
    quota_mb = launch.get("disk_mb")
    if not quota_mb or os.geteuid() != 0 or is_mount_point(workdir):
        return
    import fcntl
    image = os.path.join(os.environ["COURSE_SANDBOX_DIR"], learner, "folder.img")
    with open(image + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a kernel and a model server may start at once
        if is_mount_point(workdir):
            return
        fresh = not os.path.exists(image)
        if fresh:
            with open(image, "wb") as handle:
                handle.truncate(quota_mb * 1024 * 1024)
            made = subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal", "-E", f"root_owner={launch['uid']}:{launch['gid']}", image], capture_output=True, text=True)
            if made.returncode != 0:
                os.remove(image)
                sys.stderr.write(f"course sandbox: no disk quota for {learner} ({made.stderr.strip()})\n")
                return
        held = os.listdir(workdir) if fresh else []
        staging = None
        if held:
            staging = os.path.join(os.environ["COURSE_SANDBOX_DIR"], learner, "folder-staging")
            os.makedirs(staging, exist_ok=True)
            subprocess.run(["mount", "-o", "loop,nosuid,nodev", image, staging], check=True)
            subprocess.run(["cp", "-a", f"{workdir}/.", staging], check=True)
            subprocess.run(["umount", staging], check=True)
            os.rmdir(staging)
        mounted = subprocess.run(["mount", "-o", "loop,nosuid,nodev", image, workdir], capture_output=True, text=True)
        if mounted.returncode != 0:
            sys.stderr.write(f"course sandbox: no disk quota for {learner} ({mounted.stderr.strip()})\n")
            return
        # What the folder held stays underneath, hidden by the mount: the copy inside is the one that counts.
        lost = os.path.join(workdir, "lost+found")
        if fresh and os.path.isdir(lost):
            os.rmdir(lost)


def owned_by_sandbox(launch, *paths):
    if os.geteuid() != 0:
        return
    for path in paths:
        os.chown(path, launch["uid"], launch["gid"])


def sandbox_env(launch, env, workdir, mlflow_port):
    """The whole environment of a sandboxed process: the launch description's, what `run` added, and MLflow through the bridge."""
    gate_url = f"http://127.0.0.1:{mlflow_port}{launch['gate_path']}"
    return {**launch["env"], **env, "MLFLOW_TRACKING_URI": gate_url, "HOME": workdir, "TMPDIR": env.get("TMPDIR", "/tmp")}


def build_argv(launch, learner, *, workdir, writable, read_only_files, env, network, mlflow_port, course_bridge, command, info_fd=None):
    """bubblewrap's command line for `command` (a list) run by `sh -c` after the bridges start.
    `course_bridge` (a shell command or "") starts before the user is dropped: it runs as the
    course's user inside the sandbox, so what it creates cannot be changed by learner code."""
    as_root = os.geteuid() == 0
    prefix = []
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"] if as_root else ["--unshare-all"]
    if as_root and network == "learner":
        prefix = ["nsenter", f"--net={learner_netns(launch, learner)}"]
    elif as_root:
        namespaces.append("--unshare-net")
    args = [*prefix, "bwrap", *namespaces, "--die-with-parent", "--new-session", "--clearenv"]
    if info_fd is not None:
        args += ["--info-fd", str(info_fd)]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--tmpfs", "/run"]
    # Folders bubblewrap makes on the way to a mount are root-only: make them traversable.
    made = set()
    for target in [*launch["read_only"], *read_only_files, *writable.values()]:
        parts = target.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/" + "/".join(parts[:depth])
            if folder not in made:
                made.add(folder)
                args += ["--perms", "0755", "--dir", folder]
    for source in launch["read_only"]:
        if os.path.exists(source):
            args += ["--ro-bind", source, source]
    for source in read_only_files:
        args += ["--ro-bind", source, source]
    for link, target in launch.get("symlinks", {}).items():
        args += ["--symlink", target, link]
    for host, inside in writable.items():
        args += ["--bind", host, inside]
    args += ["--chdir", workdir]
    args += ["--ro-bind", launch["gate_socket"], INSIDE_GATE]
    for key, value in sandbox_env(launch, env, workdir, mlflow_port).items():
        args += ["--setenv", key, value]
    bridge = f"socat TCP-LISTEN:{mlflow_port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:{INSIDE_GATE}"
    script = f'umask 077; {bridge} & exec "$@"'
    if course_bridge:
        args += ["sh", "-c", f'umask 077; {course_bridge} & exec "$@"', "course-bridge"]
    if as_root:
        args += ["setpriv", f"--reuid={launch['uid']}", f"--regid={launch['gid']}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    args += ["sh", "-c", script, "sandbox", *command]
    return args


def launch_kernel(connection_file):
    connection_file = os.path.abspath(connection_file)
    with open(connection_file) as handle:
        connection = json.load(handle)
    workdir = os.getcwd()
    learner = os.path.basename(workdir)
    launch = read_launch(learner)
    kernel_dir = os.path.join(os.environ["COURSE_SANDBOX_DIR"], learner, "kernels", os.path.splitext(os.path.basename(connection_file))[0])
    shutil.rmtree(kernel_dir, ignore_errors=True)
    os.makedirs(kernel_dir, mode=0o700)
    inside = dict(connection, transport="ipc", ip=f"{INSIDE_KERNEL_DIR}/ipc")
    with open(os.path.join(kernel_dir, "connection.json"), "w") as handle:
        json.dump(inside, handle)
    os.chmod(os.path.join(kernel_dir, "connection.json"), 0o600)
    # Jupyter connects to `<ip>-<port>` next to the connection file: point those at this kernel's folder.
    for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"):
        port = connection[name]
        link = f"{connection['ip']}-{port}"
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join(kernel_dir, f"ipc-{port}"), link)
    owned_by_sandbox(launch, kernel_dir, os.path.join(kernel_dir, "connection.json"))
    mount_learner_folder(launch, learner, workdir)
    join_cgroups(launch, learner)
    ask_short_slice()

    def kernel_sandbox(command, info_fd=None):
        return build_argv(
            launch, learner,
            workdir=workdir,
            writable={workdir: workdir, kernel_dir: INSIDE_KERNEL_DIR},
            read_only_files=KERNEL_FILES,
            env={},
            network="learner",
            mlflow_port=launch["mlflow_port"],
            course_bridge="",
            command=command,
            info_fd=info_fd,
        )

    forked = fork_kernel(learner, workdir, kernel_sandbox)
    if forked is not None:
        raise SystemExit(forked)
    return kernel_sandbox([launch["python"], KERNEL_FILES[0], f"--output-cap-bytes={launch.get('kernel_output_cap_bytes', 0)}", "-f", f"{INSIDE_KERNEL_DIR}/connection.json"])


def forker_socket():
    """Where python/kernel_forker.py listens (server/kernels/kernel-specs.ts names the same place)."""
    return os.path.join(os.environ["COURSE_SANDBOX_DIR"], "kernel-forker.sock")


def fork_kernel(learner, workdir, kernel_sandbox):
    """The kernel as a fork of the course's kernel forker (python/kernel_forker.py), which holds
    the course's imports once for every kernel: bubblewrap builds the sandbox around a holder,
    the forker's fork enters it. Returns the kernel's exit code once it ended, or None when there
    is no forker to ask (then the kernel starts inside bubblewrap the usual way).

    This process stays while the kernel runs, as Jupyter's handle on it: when it ends, the sandbox
    (and so the kernel) goes with it; when the kernel ends, it ends."""
    import select
    import signal
    import socket
    import time

    if os.geteuid() != 0 or not os.path.exists(forker_socket()):
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(forker_socket())
    except OSError as error:
        sys.stderr.write(f"course sandbox: kernel forker not reachable ({error}); starting the kernel inside bubblewrap\n")
        return None
    info_read, info_write = os.pipe()
    # The holder says "ready" on its stdout once bubblewrap has built everything (this process
    # keeps the reading end open for the holder's life).
    holder = subprocess.Popen(
        kernel_sandbox(["sh", "-c", "echo ready; exec sleep infinity"], info_fd=info_write),
        pass_fds=(info_write,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
    )
    os.close(info_write)
    ready_read = holder.stdout.fileno()

    def give_up(reason):
        sys.stderr.write(f"course sandbox: kernel forker not used ({reason}); starting the kernel inside bubblewrap\n")
        holder.kill()
        holder.wait()
        return None

    def read_until(fd, done, seconds):
        data = b""
        deadline = time.monotonic() + seconds
        while not done(data):
            if not select.select([fd], [], [], max(0, deadline - time.monotonic()))[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            data += chunk
        return data

    info = read_until(info_read, lambda data: data.rstrip().endswith(b"}"), 30)
    ready = info and read_until(ready_read, lambda data: data.endswith(b"\n"), 30)
    os.close(info_read)
    if not ready:
        return give_up("the sandbox did not start")
    try:
        request = {"learner": learner, "holder_pid": json.loads(info)["child-pid"], "workdir": workdir}
        socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        replies = connection.makefile("r")
        started = json.loads(replies.readline() or "{}")
    except (OSError, ValueError) as error:
        return give_up(str(error))
    if "started" not in started:
        return give_up(started.get("error", "no answer"))
    # Jupyter's SIGTERM ends the sandbox (and so the kernel) too.
    signal.signal(signal.SIGTERM, lambda *_: (holder.kill(), os._exit(143)))
    try:
        kernel = [os.pidfd_open(started["started"])]
    except ProcessLookupError:
        kernel = []  # already gone: the forker's answer says how
    # The kernel's end: the forker says how it ended; if the forker itself went, the kernel's pidfd says when.
    if select.select([connection, *kernel], [], [])[0] == kernel:
        select.select([connection], [], [], 2)
    try:
        ended = json.loads(replies.readline() or "{}")
    except (OSError, ValueError):
        ended = {}
    if "exit" not in ended and kernel:
        select.select(kernel, [], [])
    holder.kill()
    holder.wait()
    code = ended.get("exit", 1)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


def launch_run(argv):
    parser = argparse.ArgumentParser(prog="sandbox_launch.py run")
    parser.add_argument("--learner", required=True)
    parser.add_argument("--network", choices=("learner", "own"), default="own")
    parser.add_argument("--cgroup", choices=("learner", "check"), default="learner")
    parser.add_argument("--chdir", required=True)
    parser.add_argument("--writable", action="append", default=[])
    parser.add_argument("--read-only-file", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--serve-socket", type=int)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command to run")
    if "/" in options.learner or options.learner in ("", ".", ".."):
        parser.error("not a learner id")
    launch = read_launch(options.learner)
    env = {}
    for pair in options.env:
        key, _, value = pair.partition("=")
        if key not in RUN_ENV_NAMES:
            parser.error(f"{key} is not a variable the sandbox passes on")
        env[key] = value
    writable = {folder: folder for folder in options.writable}
    if launch.get("learner_folder") in writable:
        mount_learner_folder(launch, options.learner, launch["learner_folder"])
    for folder in writable:
        owned_by_sandbox(launch, folder)
    course_bridge = ""
    if options.serve_socket:
        serve_dir = os.path.join(os.environ["COURSE_SANDBOX_DIR"], options.learner, "serve")
        os.makedirs(serve_dir, mode=0o700, exist_ok=True)
        # The course's user owns the folder and the socket (made by a bridge started before the
        # user is dropped): learner code, a pickled model included, can neither replace the socket
        # nor point it elsewhere.
        os.chown(serve_dir, os.geteuid(), os.getegid())
        os.chmod(serve_dir, 0o700)
        writable[serve_dir] = INSIDE_SERVE_DIR
        course_bridge = f"socat UNIX-LISTEN:{INSIDE_SERVE_DIR}/model.sock,fork,unlink-early TCP:127.0.0.1:{options.serve_socket}"
    join_cgroups(launch, options.learner, "" if options.cgroup == "learner" else ".check")
    ask_short_slice()
    # In the learner's shared network namespace the kernel's bridge holds the usual port.
    mlflow_port = launch["mlflow_port"] + (1 if options.network == "learner" else 0)
    return build_argv(
        launch, options.learner,
        workdir=options.chdir,
        writable=writable,
        read_only_files=options.read_only_file,
        env=env,
        network=options.network,
        mlflow_port=mlflow_port,
        course_bridge=course_bridge,
        command=command,
    )


def probe():
    """Whether this machine can make the sandbox: exit 0, or 1 with the reason on stdout."""
    if sys.platform != "linux":
        print(f"bubblewrap sandboxes need Linux (this is {sys.platform})")
        return 1
    tools = ["bwrap", "socat"] + (["setpriv", "nsenter", "ip"] if os.geteuid() == 0 else [])
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        print(f"{', '.join(missing)} not found (Debian: apt-get install bubblewrap socat util-linux iproute2)")
        return 1
    as_root = os.geteuid() == 0
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try"] if as_root else ["--unshare-all"]
    args = ["bwrap", *namespaces, "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if as_root:
        args += ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    args += ["sh", "-c", "test \"$(id -u)\" != 0 || exit 3"]
    tried = subprocess.run(args, capture_output=True, text=True, timeout=20)
    if tried.returncode != 0:
        print(f"bubblewrap could not start a sandbox here: {(tried.stderr.strip() or f'exit {tried.returncode}').splitlines()[-1]}")
        return 1
    # The sandbox works; say which of its limits this machine cannot give (one line each).
    if not as_root:
        print("warning: not running as root, so no memory, process or CPU limits, no disk quota of the learner's folder, and each model server has a network of its own (lesson cells cannot reach it)")
        return 0
    v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    if not v2 and not all(os.access(os.path.join("/sys/fs/cgroup", c), os.W_OK) for c in ("memory", "pids", "cpu")):
        print("warning: no writable cgroups (v1 memory, pids and cpu, or v2), so no memory, process or CPU limits")
    if shutil.which("mkfs.ext4") is None or not os.path.exists("/dev/loop-control"):
        print("warning: no mkfs.ext4 or loop devices, so no disk quota of the learner's folder")
    return 0


def cleanup(group, netns_prefix):
    """After the course stopped: its learners' folders are unmounted, and their network
    namespaces and (empty) cgroups go."""
    if os.geteuid() != 0:
        return 0
    sandbox_root = os.environ.get("COURSE_SANDBOX_DIR", "")
    for learner in os.listdir(sandbox_root) if os.path.isdir(sandbox_root) else []:
        try:
            with open(os.path.join(sandbox_root, learner, "launch.json")) as handle:
                folder = json.load(handle).get("learner_folder")
        except (OSError, ValueError):
            continue
        if folder and is_mount_point(folder):
            subprocess.run(["umount", "--lazy", folder], capture_output=True)
    if os.path.isdir("/run/netns"):
        for name in os.listdir("/run/netns"):
            if name.startswith(netns_prefix):
                subprocess.run(["ip", "netns", "del", name], capture_output=True)
    roots = ["/sys/fs/cgroup"] if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else [os.path.join("/sys/fs/cgroup", c) for c in ("memory", "pids", "cpu", "cpuacct")]
    for root in roots:
        course = os.path.join(root, "mlflow-training", group)
        if not os.path.isdir(course):
            continue
        for learner in os.listdir(course):
            if os.path.isdir(os.path.join(course, learner)):
                try:
                    os.rmdir(os.path.join(course, learner))
                except OSError:
                    pass  # a process is still in it: it goes at the next cleanup
        try:
            os.rmdir(course)
        except OSError:
            pass
    return 0


def main(argv):
    # bwrap, socat, setpriv, nsenter and ip, wherever the distribution puts them.
    os.environ["PATH"] = ":".join(dict.fromkeys([*os.environ.get("PATH", "").split(":"), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]))
    if len(argv) >= 2 and argv[1] == "probe":
        raise SystemExit(probe())
    if len(argv) == 4 and argv[1] == "cleanup":
        raise SystemExit(cleanup(argv[2], argv[3]))
    if len(argv) >= 3 and argv[1] == "kernel":
        args = launch_kernel(argv[2])
    elif len(argv) >= 2 and argv[1] == "run":
        args = launch_run(argv[2:])
    else:
        raise SystemExit(__doc__)
    os.execvp(args[0], args)


if __name__ == "__main__":
    main(sys.argv)

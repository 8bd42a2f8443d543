"""bubblewrap's command line for one sandboxed process:

- its own PID, IPC, UTS and cgroup namespaces (unprivileged: a user namespace and all the others,
  network included); everything in it ends with its first process;
- the system and the virtualenv read-only, the files it needs read-only, writable only the
  folders named and a private /tmp; nothing else of the data folder or the project;
- an environment built from the launch description only (`--clearenv`, then `--setenv`);
- MLflow at http://127.0.0.1:<port><gate_path>: a socat bridge to the course's gate socket;
- as root, the sandbox's user: drop.py, after a course bridge (if any) and before the command.
"""

import os

INSIDE_KERNEL_DIR = "/run/course-kernel"
INSIDE_SERVE_DIR = "/run/course-serve"
INSIDE_GATE = "/run/course-gate.sock"
HERE = os.path.dirname(os.path.abspath(__file__))
# What drop.py imports: bound read-only into every sandbox started as root.
DROP_SCRIPT = os.path.join(HERE, "drop.py")
DROP_FILES = [os.path.join(HERE, "__init__.py"), os.path.join(HERE, "privileges.py"), DROP_SCRIPT]


def mlflow_port(launch, beside_kernel):
    """Where a sandbox's MLflow bridge listens: a process in the learner's kernel's network
    namespace (a model server) takes the port after the kernel's, whose bridge holds the first."""
    return launch["mlflow_port"] + (1 if beside_kernel else 0)


def sandbox_env(launch, env, workdir, mlflow_port):
    """The whole environment of a sandboxed process: the launch description's, what `run` added, and MLflow through the bridge."""
    gate_url = f"http://127.0.0.1:{mlflow_port}{launch['gate_path']}"
    return {**launch["env"], **env, "MLFLOW_TRACKING_URI": gate_url, "HOME": workdir, "TMPDIR": env.get("TMPDIR", "/tmp")}


def drop_command(python, uid, gid):
    """The prefix that makes what follows run as the sandbox's user (see drop.py)."""
    return [python, "-I", "-S", "-B", DROP_SCRIPT, "--uid", str(uid), "--gid", str(gid), "--"]


def build_argv(launch, *, workdir, writable, read_only_files, env, mlflow_port, course_bridge, command, as_root, netns=None, info_fd=None):
    """bubblewrap's command line for `command` (a list) run by `sh -c` after the MLflow bridge
    starts. `netns` (as root): the path of a named network namespace to run in, else the sandbox
    gets one of its own. `course_bridge` (a shell command or "") starts before the user is
    dropped: it runs as the course's user inside the sandbox, so what it creates cannot be
    changed by learner code."""
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"] if as_root else ["--unshare-all"]
    prefix = []
    if as_root and netns:
        prefix = ["nsenter", f"--net={netns}"]
    elif as_root:
        namespaces.append("--unshare-net")
    read_only_files = [*read_only_files, *(DROP_FILES if as_root else [])]
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
    for link, target in launch["symlinks"].items():
        args += ["--symlink", target, link]
    for host, inside in writable.items():
        args += ["--bind", host, inside]
    args += ["--chdir", workdir]
    args += ["--ro-bind", launch["gate_socket"], INSIDE_GATE]
    for key, value in sandbox_env(launch, env, workdir, mlflow_port).items():
        args += ["--setenv", key, value]
    bridge = f"socat TCP-LISTEN:{mlflow_port},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:{INSIDE_GATE}"
    if course_bridge:
        args += ["sh", "-c", f'umask 077; {course_bridge} & exec "$@"', "course-bridge"]
    if as_root:
        args += drop_command(launch["python"], launch["uid"], launch["gid"])
    args += ["sh", "-c", f'umask 077; {bridge} & exec "$@"', "sandbox", *command]
    return args

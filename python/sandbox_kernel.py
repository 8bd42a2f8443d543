"""Starts a learner's ipykernel inside the course's sandbox (bubblewrap).

Jupyter runs this as the kernel command of the `course-sandboxed` kernelspec:

    python sandbox_kernel.py CONNECTION_FILE

with the kernel's working folder (the learner's folder) as its current directory. It reads the
learner's launch description from COURSE_SANDBOX_DIR/<learner>/launch.json (written by the
course, readable by the course's user only), then replaces itself with
`bwrap ... sh -c "socat ... & exec python -m ipykernel_launcher -f ..."`:

- its own user, PID, IPC, UTS, cgroup and network namespaces; only `lo` inside;
- an unprivileged user (the course drops to it before bubblewrap when it runs as root);
- the system and the virtualenv read-only, the learner's folder writable, a private /tmp;
  nothing else of the data folder, and not the project's source;
- an environment built from the launch description only;
- Jupyter talks to the kernel over unix sockets (ZeroMQ `ipc`) in a folder of this kernel's,
  linked from where Jupyter expects them;
- MLflow is reached at http://127.0.0.1:<port> inside, a socat bridge to the course's MLflow
  gate (a unix socket bind-mounted in), which authenticates the learner's token.
"""

import json
import os
import shutil
import sys


def main(argv):
    connection_file = os.path.abspath(argv[1])
    with open(connection_file) as handle:
        connection = json.load(handle)
    workdir = os.getcwd()
    learner = os.path.basename(workdir)
    sandbox_root = os.environ["COURSE_SANDBOX_DIR"]
    with open(os.path.join(sandbox_root, learner, "launch.json")) as handle:
        launch = json.load(handle)

    uid, gid = launch["uid"], launch["gid"]
    kernel_dir = os.path.join(sandbox_root, learner, "kernels", os.path.splitext(os.path.basename(connection_file))[0])
    shutil.rmtree(kernel_dir, ignore_errors=True)
    os.makedirs(kernel_dir, mode=0o700)
    inside_dir = "/run/course-kernel"
    inside = dict(connection, transport="ipc", ip=f"{inside_dir}/ipc")
    with open(os.path.join(kernel_dir, "connection.json"), "w") as handle:
        json.dump(inside, handle)
    # Jupyter connects to `<ip>-<port>` next to the connection file: point those at this kernel's folder.
    jupyter_ip = connection["ip"]
    for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"):
        port = connection[name]
        link = f"{jupyter_ip}-{port}"
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join(kernel_dir, f"ipc-{port}"), link)
    if os.geteuid() == 0:
        os.chown(kernel_dir, uid, gid)
        os.chown(os.path.join(kernel_dir, "connection.json"), uid, gid)
        os.chmod(os.path.join(kernel_dir, "connection.json"), 0o600)

    as_root = os.geteuid() == 0
    # As root, bubblewrap sets up the mounts with root's rights and setpriv drops to the
    # learner's user inside; without root, bubblewrap runs in a user namespace as this user.
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"] if as_root else ["--unshare-all"]
    args = ["bwrap", *namespaces, "--die-with-parent", "--new-session", "--clearenv"]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--tmpfs", "/run"]
    # Folders bubblewrap makes on the way to a mount are root-only: make them traversable.
    made = set()
    for target in [*launch["read_only"], workdir]:
        parts = target.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/" + "/".join(parts[:depth])
            if folder not in made:
                made.add(folder)
                args += ["--perms", "0755", "--dir", folder]
    for source in launch["read_only"]:
        if os.path.exists(source):
            args += ["--ro-bind", source, source]
    for link, target in launch.get("symlinks", {}).items():
        args += ["--symlink", target, link]
    args += ["--bind", workdir, workdir, "--chdir", workdir]
    args += ["--bind", kernel_dir, inside_dir]
    args += ["--ro-bind", launch["gate_socket"], "/run/course-gate.sock"]
    for key, value in launch["env"].items():
        args += ["--setenv", key, value]
    args += ["--setenv", "HOME", workdir, "--setenv", "TMPDIR", "/tmp"]
    python = launch["python"]
    bridge = f"socat TCP-LISTEN:{launch['mlflow_port']},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/run/course-gate.sock"
    script = f'umask 077; {bridge} & exec "$0" -m ipykernel_launcher -f {inside_dir}/connection.json'
    if as_root:
        args += ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    args += ["sh", "-c", script, python]
    os.execvp(args[0], args)


if __name__ == "__main__":
    main(sys.argv)

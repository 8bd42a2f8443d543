"""The course's kernel forker: sandboxed kernels and model servers that share one copy of the
course's imports.

    kernel_forker.py SOCKET
        Started by the course's Jupyter server (python/course_jupyter.py) when the sandbox is on
        and the course runs as root; serves until Jupyter ends.

A kernel that imports pandas, scikit-learn and MLflow holds about 200 MB of Python objects of its
own, and so does a model server (MLflow's scoring server, python/course_scoring_server.py). This
process imports both once (python/course_kernel.py's list, then the scoring stack), then forks a
kernel or a model server per request; the forks share those pages until they write to them, so a
class of many learners holds one copy of the imports, not one each.

A fork becomes sandboxed by entering the namespaces of a sandbox that bubblewrap has already
built for that learner (`sandbox_launch.py kernel`, or `run --fork model-server`, starts it with
nothing in it but a holder and the MLflow bridge, and the model server's socket bridge for a
model server, and asks here): its PID, network, IPC, UTS, cgroup and mount namespaces and its
root, the learner's cgroups, then the same user and limits as a process started inside bubblewrap
(the sandbox's user, no capabilities, `no_new_privs`, by the same code:
course_sandbox/privileges.py; no file descriptor of this process; the launch description's
environment). Only then does it run learner code (a kernel's cells; a model server unpickles the
learner's model). The learner's launch description (with their MLflow token) is read by the fork
itself, so this process never holds one learner's secret where another's fork could find it.

Protocol, on a unix socket only the course's user reaches: the launcher sends one JSON line
{"kind", "learner", "holder_pid", "workdir"} with its stdin, stdout and stderr attached
(SCM_RIGHTS); `kind` is "kernel" (the default) or "model-server", which also takes "args" (the
scoring server's command line) and "env" (variables the launch description lets `run` pass on).
It gets {"started": pid} (or {"error": text}) and, when the fork ends, {"exit": code}.
"""

import atexit
import ctypes
import gc
import json
import os
import selectors
import signal
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from course_sandbox import bwrap, cgroups, fork_request, privileges, scheduler  # noqa: E402
from course_sandbox.launch_description import not_passed_on, read_launch  # noqa: E402
from course_sandbox.out_of_memory import be_first_out_of_memory  # noqa: E402
import course_contracts  # noqa: E402
import course_scoring_server  # noqa: E402
import course_kernel  # noqa: E402  (it takes HERE off sys.path again: learner code never sees this folder)

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x2000000, 0x4000000, 0x8000000, 0x20000000, 0x40000000
# Entered in this order: the mount namespace last, as it changes what /proc/<holder> means.
NAMESPACES = (("net", CLONE_NEWNET), ("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("cgroup", CLONE_NEWCGROUP), ("mnt", CLONE_NEWNS))
PR_SET_PDEATHSIG = 1
libc = ctypes.CDLL(None, use_errno=True)


def check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def setns(fd, kind):
    check(libc.setns(fd, kind), f"setns {kind:#x}")


# The machine's namespaces, as this process has them (a fork is already in the sandbox's PID namespace when it checks).
OWN_NAMESPACES = {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in ("mnt", "net", "pid")}


def in_own_namespace(proc, kind):
    return os.readlink(f"ns/{kind}", dir_fd=proc) == OWN_NAMESPACES[kind]


def enter_sandbox(request, stdio, holder, owned):
    """In the fork, already in the holder's PID namespace: the rest of the sandbox, as the learner's
    kernel or model server. `holder` is the holder's /proc folder, opened once by the forker (so a
    process that took its number after it ended is never mistaken for it). Returns the learner's
    launch description."""
    for target, fd in enumerate(stdio):
        os.dup2(fd, target)
    learner, workdir = request["learner"], request["workdir"]
    launch = read_launch(learner)
    mlflow_port = bwrap.mlflow_port(launch, beside_kernel=fork_request.kind_of(request) == fork_request.MODEL_SERVER)
    if workdir != launch["learner_folder"]:
        raise RuntimeError(f"{workdir} is not the learner's folder")
    passed_on = request.get("env", {})
    refused = not_passed_on(launch, passed_on)
    if refused:
        raise RuntimeError(f"{', '.join(refused)}: not a variable the sandbox passes on")
    # The holder is bubblewrap's first process in a sandbox, never a process of the machine's own
    # namespaces; and this fork is no longer in the machine's PID namespace.
    if os.path.basename(os.readlink("exe", dir_fd=holder)) != "bwrap" or any(in_own_namespace(holder, kind) for kind in OWN_NAMESPACES):
        raise RuntimeError(f"process {request['holder_pid']} is not a sandbox's first process")
    if os.readlink("/proc/self/ns/pid") == OWN_NAMESPACES["pid"]:
        raise RuntimeError("the fork is in the machine's PID namespace")
    cgroups.join_cgroups(launch, learner)
    scheduler.ask_short_slice()
    # As a process bubblewrap starts for the learner (its launcher's score), not as this forker (a service's).
    be_first_out_of_memory()
    namespace_fds = [(os.open(f"ns/{name}", os.O_RDONLY, dir_fd=holder), kind) for name, kind in NAMESPACES]
    root = os.open("root", os.O_RDONLY | os.O_DIRECTORY, dir_fd=holder)
    last_cap = privileges.last_capability()
    for fd, kind in namespace_fds:
        setns(fd, kind)
    os.fchdir(root)
    os.chroot(".")
    os.chdir(workdir)
    # Nothing of this process stays open in the fork: the sockets it owns first (their objects
    # would otherwise close a reused descriptor later), then every other descriptor.
    for item in owned:
        item.close()
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    privileges.drop_privileges(launch["uid"], launch["gid"], last_cap)
    privileges.verify_sandboxed(launch["uid"], launch["gid"])
    os.umask(0o077)
    os.environ.clear()
    os.environ.update(bwrap.sandbox_env(launch, passed_on, workdir, mlflow_port))
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # NumPy's global generator was seeded once, here: each fork its own
    return launch


def run_kernel(request, launch):
    sys.argv = [os.path.join(HERE, "course_kernel.py")]
    course_kernel.main([f"--output-cap-bytes={launch['kernel_output_cap_bytes']}", "-f", f"{bwrap.INSIDE_KERNEL_DIR}/connection.json"])


def run_model_server(request, launch):
    # What a scoring server prints (its log, a model's own prints) reaches the Serve panel line by line.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)
    sys.argv = [course_scoring_server.__file__, *request["args"]]
    course_scoring_server.main(request["args"])


RUNS = {fork_request.KERNEL: run_kernel, fork_request.MODEL_SERVER: run_model_server}


def run_fork(request, stdio, holder, owned):
    """The fork's whole life: into the sandbox, then the kernel or model server; never back to the forker's loop."""
    kind = fork_request.kind_of(request)
    try:
        launch = enter_sandbox(request, stdio, holder, owned)
    except BaseException as error:  # noqa: BLE001 - whatever went wrong, nothing runs outside its sandbox
        try:
            os.write(2, f"course kernel forker: the {kind.replace('-', ' ')} could not enter its sandbox: {error}\n".encode())
        finally:
            os._exit(70)
    code = 0
    try:
        RUNS[kind](request, launch)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        code = 1
    # What the process's own interpreter would do at its end (ipykernel cleans up there).
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    os._exit(code)


class Forker:
    def __init__(self, path):
        self.selector = selectors.DefaultSelector()
        self.own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            self.listener.bind(path)
        finally:
            os.umask(old_umask)
        self.listener.listen(64)
        self.selector.register(self.listener, selectors.EVENT_READ, self.accept)
        self.forks = {}  # pidfd -> (pid, connection)

    def serve(self):
        while True:
            for key, _ in self.selector.select():
                key.data(key.fileobj)

    def accept(self, listener):
        connection, _ = listener.accept()
        stdio = []
        try:
            peer_uid = int.from_bytes(connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)[4:8], sys.byteorder)
            if peer_uid != os.geteuid():
                raise ValueError("only the course's own user may ask for a fork")
            connection.settimeout(5)
            message, stdio, _, _ = socket.recv_fds(connection, 4096, 3)
            try:
                request = json.loads(message)
            except ValueError:
                request = None
            problem = fork_request.problem(request) or (None if len(stdio) == 3 else "stdin, stdout and stderr must come with the request")
            if problem:
                raise ValueError(problem)
            pid = self.fork(request, stdio, connection)
        except (OSError, ValueError) as error:
            self.reply(connection, {"error": str(error)})
            connection.close()
            return
        finally:
            for fd in stdio:
                os.close(fd)
        pidfd = os.pidfd_open(pid)
        self.forks[pidfd] = (pid, connection)
        self.selector.register(pidfd, selectors.EVENT_READ, self.reap)
        self.reply(connection, {"started": pid})

    def fork(self, request, stdio, connection):
        holder = os.open(f"/proc/{request['holder_pid']}", os.O_RDONLY | os.O_DIRECTORY)
        try:
            pid_namespace = os.open("ns/pid", os.O_RDONLY, dir_fd=holder)
            try:
                setns(pid_namespace, CLONE_NEWPID)  # for the fork only: this process stays where it is
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    run_fork(request, stdio, holder, [self.listener, connection, self.selector, *[c for _, c in self.forks.values()]])
            finally:
                setns(self.own_pid_namespace, CLONE_NEWPID)
                os.close(pid_namespace)
        finally:
            os.close(holder)
        return pid

    def reap(self, pidfd):
        pid, connection = self.forks.pop(pidfd)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        self.reply(connection, {"exit": os.waitstatus_to_exitcode(status)})
        connection.close()

    @staticmethod
    def reply(connection, message):
        try:
            connection.sendall((json.dumps(message) + "\n").encode())
        except OSError:
            pass  # the launcher is gone: its sandbox, and so the fork, went with it


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    if os.geteuid() != 0:
        raise SystemExit("course kernel forker: needs root (it enters sandboxes' namespaces)")
    # Ends with the Jupyter server that started it.
    check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")
    os.chdir("/")
    # Listening only once the imports are done (about 8 s): until then a kernel starts inside
    # bubblewrap the usual way, sooner than it would by waiting here. A socket left by an earlier
    # forker goes first, so nobody waits on it.
    if os.path.exists(argv[1]):
        os.remove(argv[1])
    course_kernel.import_all()
    # The launch description's check, which each fork makes, ready in what forks share.
    course_contracts.prepare("launch-description")
    # What course_kernel.main imports, and what ipykernel's start imports (its debugger, about 0.1 s).
    import ipykernel.debugger  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import pdb  # noqa: F401
    import sqlite3  # noqa: F401

    # What a model server imports: MLflow's scoring app, FastAPI and uvicorn.
    course_scoring_server.import_stack()

    forker = Forker(argv[1])
    # Imports done: what is left is shared with every fork, and the collector no longer touches
    # it (a collection would write to every object's header, and so copy every page).
    gc.collect()
    gc.freeze()
    print(f"course kernel forker: ready on {argv[1]} ({len(sys.modules)} modules imported)", flush=True)
    forker.serve()


if __name__ == "__main__":
    main(sys.argv)

"""The kernel as a fork of the course's kernel forker (python/kernel_forker.py), which holds the
course's imports once for every kernel: bubblewrap builds the sandbox around a holder, the
forker's fork enters it.

The launcher stays while the kernel runs, as Jupyter's handle on it: when it ends, the sandbox
(and so the kernel) goes with it; when the kernel ends, it ends."""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time


def forker_socket(sandbox_root):
    """Where python/kernel_forker.py listens (server/kernels/kernel-specs.ts names the same place)."""
    return os.path.join(sandbox_root, "kernel-forker.sock")


def fork_kernel(learner, workdir, kernel_sandbox, sandbox_root):
    """Returns the kernel's exit code once it ended, or None when there is no forker to ask (then
    the kernel starts inside bubblewrap the usual way). `kernel_sandbox(command, info_fd)` is
    bubblewrap's command line for `command` in the learner's kernel sandbox."""
    path = forker_socket(sandbox_root)
    if os.geteuid() != 0 or not os.path.exists(path):
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
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

    info = _read_until(info_read, lambda data: data.rstrip().endswith(b"}"), 30)
    ready = info and _read_until(ready_read, lambda data: data.endswith(b"\n"), 30)
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


def _read_until(fd, done, seconds):
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

"""A kernel or a model server as a fork of the course's kernel forker (python/kernel_forker.py),
which holds the course's imports once for all of them: bubblewrap builds the sandbox around a
holder, the forker's fork enters it.

The launcher stays while the fork runs, as its handle for whoever started it (Jupyter, or the
course's model-server manager): when the launcher ends, the sandbox (and so the fork) goes with
it; when the fork ends, the launcher ends with its exit code."""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time


def forker_socket(sandbox_root):
    """Where python/kernel_forker.py listens (server/launchers/kernel-specs.ts names the same place)."""
    return os.path.join(sandbox_root, "kernel-forker.sock")


def fork_in_sandbox(request, sandbox, sandbox_root, what="the kernel"):
    """Returns the fork's exit code once it ended, or None when there is no forker to ask (then
    `what` starts inside bubblewrap the usual way). `request` is what the forker is asked for
    (kernel_forker.py's protocol, less the holder); `sandbox(command, info_fd)` is bubblewrap's
    command line for `command` in the sandbox the fork is to enter."""
    path = forker_socket(sandbox_root)
    if os.geteuid() != 0 or not os.path.exists(path):
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError as error:
        sys.stderr.write(f"course sandbox: kernel forker not reachable ({error}); starting {what} inside bubblewrap\n")
        return None
    info_read, info_write = os.pipe()
    # The holder says "ready" on its stdout once bubblewrap has built everything (this process
    # keeps the reading end open for the holder's life).
    holder = subprocess.Popen(
        sandbox(["sh", "-c", "echo ready; exec sleep infinity"], info_fd=info_write),
        pass_fds=(info_write,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
    )
    os.close(info_write)
    ready_read = holder.stdout.fileno()

    def give_up(reason):
        sys.stderr.write(f"course sandbox: kernel forker not used ({reason}); starting {what} inside bubblewrap\n")
        holder.kill()
        holder.wait()
        return None

    info = _read_until(info_read, lambda data: data.rstrip().endswith(b"}"), 30)
    ready = info and _read_until(ready_read, lambda data: data.endswith(b"\n"), 30)
    os.close(info_read)
    if not ready:
        return give_up("the sandbox did not start")
    try:
        asked = {**request, "holder_pid": json.loads(info)["child-pid"]}
        socket.send_fds(connection, [json.dumps(asked).encode() + b"\n"], [0, 1, 2])
        replies = connection.makefile("r")
        started = json.loads(replies.readline() or "{}")
    except (OSError, ValueError) as error:
        return give_up(str(error))
    if "started" not in started:
        return give_up(started.get("error", "no answer"))
    # A SIGTERM (Jupyter's, or the course's to the launcher's process group) ends the sandbox, and so the fork, too.
    signal.signal(signal.SIGTERM, lambda *_: (holder.kill(), os._exit(143)))
    try:
        fork = [os.pidfd_open(started["started"])]
    except ProcessLookupError:
        fork = []  # already gone: the forker's answer says how
    # The fork's end: the forker says how it ended; if the forker itself went, the fork's pidfd says when.
    if select.select([connection, *fork], [], [])[0] == fork:
        select.select([connection], [], [], 2)
    try:
        ended = json.loads(replies.readline() or "{}")
    except (OSError, ValueError):
        ended = {}
    if "exit" not in ended and fork:
        select.select(fork, [], [])
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

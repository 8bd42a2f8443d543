"""A kernel or a model server as a fork of the course's kernel forker (python/kernel_forker.py),
which holds the course's imports once for all of them: bubblewrap builds the sandbox around a
holder, the forker's fork enters it.

The launcher's process stays while the fork runs, as its handle for whoever started it (Jupyter,
or the course's model-server manager), as fork_waiter.py: when it ends, the sandbox (and so the
fork) goes with it; when the fork ends, it ends with the fork's exit code."""

import json
import os
import select
import socket
import subprocess
import sys
import time

WAITER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fork_waiter.py")


def forker_socket(sandbox_root):
    """Where python/kernel_forker.py listens (server/launchers/kernel-specs.ts names the same place)."""
    return os.path.join(sandbox_root, "kernel-forker.sock")


def fork_in_sandbox(request, sandbox, sandbox_root, what="the kernel"):
    """Once the forker has started the fork, this process becomes fork_waiter.py and ends with the
    fork; returns None when there is no forker to ask or it did not fork (then `what` starts inside
    bubblewrap the usual way). `request` is what the forker is asked for (kernel_forker.py's
    protocol, less the holder); `sandbox(command, info_fd)` is bubblewrap's command line for
    `command` in the sandbox the fork is to enter."""
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
        started = json.loads(_answer_line(connection) or b"{}")
    except (OSError, ValueError) as error:
        return give_up(str(error))
    if "started" not in started:
        return give_up(started.get("error", "no answer"))
    try:
        fork = os.pidfd_open(started["started"])
    except ProcessLookupError:
        fork = -1  # already gone: the forker's answer says how
    # The waiter takes over this process: the connection, the fork's pidfd and the holder's stdout
    # (open for the holder's life) stay open across the exec.
    for fd in (connection.fileno(), fork, ready_read):
        if fd >= 0:
            os.set_inheritable(fd, True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-I", "-S", "-B", WAITER, str(connection.fileno()), str(fork), str(holder.pid)])


def _answer_line(connection):
    """The forker's first answer, read a byte at a time: the next one ({"exit"}) is the waiter's to read."""
    data = b""
    while not data.endswith(b"\n"):
        byte = connection.recv(1)
        if not byte:
            break
        data += byte
    return data


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

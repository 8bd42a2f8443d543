"""The rest of a launcher's life once the kernel forker started its fork (forker_client.py): wait
for the fork's end, end the sandbox's holder, and end with the fork's exit code (or its signal).

    python -I -S -B fork_waiter.py CONNECTION_FD FORK_PIDFD HOLDER_PID

The launcher execs this in its own place (the same process: Jupyter's or the course's handle on
the kernel or model server stays what it was), so a running kernel or model server does not keep
the launcher's imports alive: about 0.5 MB instead of 13 MB each. Standard library only, in
Python's isolated mode without `site`. CONNECTION_FD is the launcher's connection to the forker,
which answers {"exit": code} when the fork ends; FORK_PIDFD (-1 when the fork was already gone)
says when the fork ends if the forker went first; HOLDER_PID is bubblewrap, the sandbox's holder
and the launcher's child.
"""

import json
import os
import select
import signal
import sys


def end_holder(holder):
    try:
        os.kill(holder, signal.SIGKILL)
        os.waitpid(holder, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def read_line(fd):
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data


def main(argv):
    connection, fork, holder = (int(arg) for arg in argv)
    # A SIGTERM (Jupyter's, or the course's to the launcher's process group) ends the sandbox, and
    # so the fork. (One that came before this line ended the process, and bubblewrap with it.)
    signal.signal(signal.SIGTERM, lambda *_: (os.kill(holder, signal.SIGKILL), os._exit(143)))
    forks = [fork] if fork >= 0 else []
    # The forker says how the fork ended; if the forker itself went, the fork's pidfd says when.
    if select.select([connection, *forks], [], [])[0] == forks:
        select.select([connection], [], [], 2)
    try:
        ended = json.loads(read_line(connection) or b"{}")
    except (OSError, ValueError):
        ended = {}
    if "exit" not in ended and forks:
        select.select(forks, [], [])
    end_holder(holder)
    code = ended.get("exit", 1)
    if code < 0:
        if -code not in (signal.SIGKILL, signal.SIGSTOP):  # those two have no handler to reset
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""fork_waiter.py, what a launcher becomes once the kernel forker started its fork: it ends with the
fork's exit code (or signal) and takes the sandbox's holder down with it, on every way of ending."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from course_sandbox.forker_client import WAITER

# The launcher as it is when it execs the waiter: the holder its child, the connection inherited.
LAUNCHER = """
import os, subprocess, sys
holder = subprocess.Popen(["sleep", "60"])
print(holder.pid, flush=True)
os.execv(sys.executable, [sys.executable, "-I", "-S", "-B", sys.argv[1], sys.argv[2], "-1", str(holder.pid)])
"""


@pytest.fixture
def launcher():
    """(the launcher turned waiter, the forker's end of its connection, the holder's pid)."""
    ours, theirs = socket.socketpair()
    process = subprocess.Popen([sys.executable, "-c", LAUNCHER, WAITER, str(theirs.fileno())], pass_fds=(theirs.fileno(),), stdout=subprocess.PIPE)
    theirs.close()
    holder = int(process.stdout.readline())
    yield process, ours, holder
    process.kill()
    process.wait()
    ours.close()


def gone(pid):
    # The holder is the waiter's child: once the waiter reaped it (or itself ended), it is no process at all.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def test_ends_with_the_forks_exit_code_and_ends_the_holder(launcher):
    process, forker, holder = launcher
    forker.sendall(b'{"exit": 3}\n')
    assert process.wait(10) == 3
    assert gone(holder)


def test_ends_by_the_signal_that_ended_the_fork(launcher):
    process, forker, holder = launcher
    forker.sendall(b'{"exit": -9}\n')
    assert process.wait(10) == -signal.SIGKILL
    assert gone(holder)


def test_a_forker_gone_without_an_answer_is_a_failure(launcher):
    process, forker, holder = launcher
    forker.close()
    assert process.wait(10) == 1
    assert gone(holder)


def test_sigterm_ends_the_holder_and_so_the_sandbox(launcher):
    process, _, holder = launcher
    time.sleep(0.3)  # past the waiter's start, when its handler is in place
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 143
    assert gone(holder)

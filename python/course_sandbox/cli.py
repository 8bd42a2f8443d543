"""The launcher's command line (python/sandbox_launch.py):

    sandbox_launch.py kernel CONNECTION_FILE
        Jupyter's command for the `course-sandboxed` kernelspec, run in the learner's folder:
        ipykernel, talking to Jupyter over unix sockets (ZeroMQ `ipc`).
    sandbox_launch.py run --learner ID [options] -- COMMAND [ARGS...]
        Anything else: a model server (python/course_scoring_server.py; with --fork model-server
        a fork of the kernel forker where one answers), the Spark Check's helper, the
        expected-predictions helper, Catch me up's cells.
    sandbox_launch.py probe
        Whether this machine can make the sandbox (exit 0), or why not (exit 1, reason on stdout).
    sandbox_launch.py cleanup COURSE_ID NETNS_PREFIX
        After the course stopped: removes its network namespaces and cgroups.

`kernel` and `run` read the learner's launch description, COURSE_SANDBOX_DIR/<learner>/launch.json
(launch_description.py: refused, naming the field, when it does not match its contract), prepare
the learner's cgroups, network namespace and folder, and replace themselves with bubblewrap
(bwrap.py); as root, the command inside runs as the sandbox's user (drop.py).
"""

import os

from . import cleanup, kernel, probe, run
from .out_of_memory import be_first_out_of_memory

# bwrap, socat, nsenter, ip and mount, wherever the distribution puts them.
SYSTEM_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]


def main(argv):
    os.environ["PATH"] = ":".join(dict.fromkeys([*os.environ.get("PATH", "").split(":"), *SYSTEM_PATH]))
    if len(argv) >= 2 and argv[1] == "probe":
        raise SystemExit(probe.probe())
    if len(argv) == 4 and argv[1] == "cleanup":
        raise SystemExit(cleanup.cleanup(argv[2], argv[3]))
    if len(argv) >= 3 and argv[1] == "kernel":
        # The whole sandbox, this launcher (Jupyter's handle on it) included, is the learner's.
        be_first_out_of_memory()
        args = kernel.launch_kernel(argv[2])
    elif len(argv) >= 2 and argv[1] == "run":
        # A learner's process (a model server, a Check's helper) is the first the kernel's
        # out-of-memory killer takes, before any of the course's services (which run lower); so
        # is this launcher, which stays as a forked model server's handle (launch_run then does
        # not return).
        be_first_out_of_memory()
        args = run.launch_run(argv[2:])
    else:
        raise SystemExit(__doc__)
    os.execvp(args[0], args)

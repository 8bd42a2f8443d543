"""`sandbox_launch.py probe`: whether this machine can make the sandbox (exit 0), or why not
(exit 1, the reason on stdout); when it can, the limits it cannot give, a line each."""

import os
import shutil
import subprocess
import sys

from . import bwrap, cgroups

NOBODY = 65534


def probe():
    if sys.platform != "linux":
        print(f"bubblewrap sandboxes need Linux (this is {sys.platform})")
        return 1
    as_root = os.geteuid() == 0
    tools = ["bwrap", "socat"] + (["nsenter", "ip"] if as_root else [])
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        print(f"{', '.join(missing)} not found (Debian: apt-get install bubblewrap socat util-linux iproute2)")
        return 1
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try"] if as_root else ["--unshare-all"]
    args = ["bwrap", *namespaces, "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    if as_root:
        # The same drop to the sandbox's user as every sandbox's, checked the same way.
        args += bwrap.drop_command(sys.executable, NOBODY, NOBODY)
    args += ["sh", "-c", "test \"$(id -u)\" != 0 || exit 3"]
    tried = subprocess.run(args, capture_output=True, text=True, timeout=20)
    if tried.returncode != 0:
        print(f"bubblewrap could not start a sandbox here: {(tried.stderr.strip() or f'exit {tried.returncode}').splitlines()[-1]}")
        return 1
    if not as_root:
        print("warning: not running as root, so no memory, process or CPU limits, no disk quota of the learner's folder, and each model server has a network of its own (lesson cells cannot reach it)")
        return 0
    if not cgroups.is_v2() and not all(os.access(os.path.join(cgroups.CGROUP_ROOT, c), os.W_OK) for c in cgroups.V1_CONTROLLERS):
        print("warning: no writable cgroups (v1 memory, pids and cpu, or v2), so no memory, process or CPU limits")
    if shutil.which("mkfs.ext4") is None or not os.path.exists("/dev/loop-control"):
        print("warning: no mkfs.ext4 or loop devices, so no disk quota of the learner's folder")
    return 0

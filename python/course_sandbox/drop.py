"""Inside a sandbox bubblewrap started as root, the last step as root before the command:

    python -I -S -B drop.py --uid UID --gid GID -- COMMAND [ARGS...]

becomes the sandbox's user (privileges.py: no groups, no capabilities, no_new_privs), checks it
from /proc/self/status, and only then execs COMMAND; if anything is not as it must be, it exits
70 and COMMAND never runs. Python's isolated mode without `site` (-I -S) reads nothing of the
environment, the working folder or site-packages: only this folder and the standard library,
bound read-only.
"""

import os
import sys
import warnings  # noqa: F401 - os.execvp imports it; after the drop the standard library may be out of reach (the probe's Python under /root)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from course_sandbox import privileges  # noqa: E402

NOT_SANDBOXED = 70  # EX_SOFTWARE, as the kernel forker's forks exit


def parse(argv):
    """(uid, gid, command) from `--uid UID --gid GID -- COMMAND...`; ValueError otherwise."""
    if len(argv) < 6 or argv[0] != "--uid" or argv[2] != "--gid" or argv[4] != "--":
        raise ValueError("usage: drop.py --uid UID --gid GID -- COMMAND [ARGS...]")
    uid, gid = int(argv[1]), int(argv[3])
    if uid <= 0 or gid <= 0:
        raise ValueError("the sandbox's user is never root")
    return uid, gid, argv[5:]


def main(argv):
    try:
        uid, gid, command = parse(argv)
        privileges.drop_privileges(uid, gid)
        privileges.verify_sandboxed(uid, gid)
    except (ValueError, OSError, privileges.NotSandboxed) as error:
        os.write(2, f"course sandbox: not starting {argv[5:6] or 'anything'}: {error}\n".encode())
        os._exit(NOT_SANDBOXED)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])

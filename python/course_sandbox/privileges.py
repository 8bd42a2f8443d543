"""The one way a process of the course becomes the sandbox's user: no groups, the sandbox's
uid/gid, an empty capability bounding set, no capabilities (ambient ones included) and
no_new_privs; then it reads all of that back from /proc/self/status and refuses to go on
otherwise. The kernel forker's forks call it in process (python/kernel_forker.py); a process
bubblewrap starts as root calls it through drop.py, which then execs the command.

Bound read-only into sandboxes with drop.py: standard library only.
"""

import ctypes
import os

PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_DUMPABLE = 24, 38, 47, 4, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
CAPABILITY_SETS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


class NotSandboxed(RuntimeError):
    """The process is not what the sandbox's user must be; nothing of the learner's may run."""


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def last_capability():
    with open("/proc/sys/kernel/cap_last_cap") as handle:
        return int(handle.read())


def drop_privileges(uid, gid, last_cap=None):
    """Becomes `uid`/`gid` for good. `last_cap` is the machine's highest capability number (read
    from /proc when not given: a caller that has left the machine's /proc passes it)."""
    last_cap = last_capability() if last_cap is None else last_cap
    # The bounding set needs CAP_SETPCAP, which the change of user below takes away: first.
    for cap in range(last_cap + 1):
        _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), "dropping the capability bounding set")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    _check(libc.capset(ctypes.byref(_CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)), (_CapData * 2)()), "clearing capabilities")
    _check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clearing ambient capabilities")
    # Changing user made the process undumpable (its /proc files root's), which an exec undoes but
    # a fork that goes on without one keeps: as in any other sandboxed process, learner code may
    # read its own /proc/self.
    _check(libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")


def problems(status_text, uid, gid):
    """What in a /proc/<pid>/status text differs from the sandbox's user: [] when nothing does.
    A line missing (a kernel too old to report it) is a problem too."""
    status = dict(line.split(":", 1) for line in status_text.splitlines() if ":" in line)
    found = []

    def field(key):
        if key not in status:
            found.append(f"{key} not reported")
            return None
        return status[key].strip()

    for key, wanted in (("Uid", uid), ("Gid", gid)):
        value = field(key)
        if value is not None and value.split() != [str(wanted)] * 4:
            found.append(f"{key} {value.split()}")
    groups = field("Groups")
    if groups:
        found.append(f"Groups {groups}")
    for key in CAPABILITY_SETS:
        value = field(key)
        if value is not None and (not _is_hex(value) or int(value, 16) != 0):
            found.append(f"{key} {value}")
    no_new_privs = field("NoNewPrivs")
    if no_new_privs is not None and no_new_privs != "1":
        found.append(f"NoNewPrivs {no_new_privs}")
    return found


def _is_hex(text):
    try:
        int(text, 16)
    except ValueError:
        return False
    return True


def verify_sandboxed(uid, gid):
    """The process's own view of itself, read back before anything of the learner's runs."""
    with open("/proc/self/status") as handle:
        found = problems(handle.read(), uid, gid)
    if found:
        raise NotSandboxed("not sandboxed as it should be: " + ", ".join(found))

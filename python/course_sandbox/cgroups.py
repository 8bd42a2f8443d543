"""The learner's cgroups (root only): a memory cap, a process cap and an equal CPU weight among
learners, all learners together (`mlflow-training`) below the course's own services. The weights
come from the launch description (contracts/launch-description.ts, CPU_WEIGHTS): the site lowers
a busy learner's weight and restores it (server/sandbox/cpu-fairness.ts), and this sets the
full weight whenever it puts a process in a group."""

import os
import sys

CGROUP_ROOT = "/sys/fs/cgroup"
TOP = "mlflow-training"
V1_CONTROLLERS = ("memory", "pids", "cpu")


def is_v2(root=CGROUP_ROOT):
    return os.path.exists(os.path.join(root, "cgroup.controllers"))


def group_name(launch, learner, suffix=""):
    """`mlflow-training/<course>/<learner><suffix>`: `.check` is the learner's Checks' helpers."""
    return os.path.join(TOP, launch["cgroup_group"], learner + suffix)


def _write(path, value):
    with open(path, "w") as handle:
        handle.write(str(value))


def join_cgroups(launch, learner, suffix="", *, root=CGROUP_ROOT, as_root=None, pid=None):
    """Puts process `pid` (default: this one, and so everything it starts) in the learner's
    cgroups, v2 or v1. Needs root; when the machine refuses, the process runs without limits
    and says so on stderr."""
    if not (os.geteuid() == 0 if as_root is None else as_root):
        return
    name = group_name(launch, learner, suffix)
    pid = str(os.getpid() if pid is None else pid)
    try:
        if is_v2(root):
            _join_v2(launch, name, pid, root)
        else:
            _join_v1(launch, name, pid, root)
    except OSError as error:
        sys.stderr.write(f"course sandbox: no resource limits for {learner} ({error})\n")


def _join_v2(launch, name, pid, root):
    weights = launch["cpu_weights"]["v2"]
    parts = name.split("/")
    for depth in range(len(parts)):
        parent = os.path.join(root, *parts[:depth])
        os.makedirs(os.path.join(parent, parts[depth]), exist_ok=True)
        _write(os.path.join(parent, "cgroup.subtree_control"), "+memory +pids +cpu")
    _write(os.path.join(root, TOP, "cpu.weight"), weights["learners"])
    group = os.path.join(root, name)
    _write(os.path.join(group, "memory.max"), launch["limits"]["memory_bytes"])
    _write(os.path.join(group, "memory.swap.max"), 0)
    _write(os.path.join(group, "pids.max"), launch["limits"]["pids"])
    _write(os.path.join(group, "cpu.weight"), weights["learner"])
    _write(os.path.join(group, "cgroup.procs"), pid)


def _join_v1(launch, name, pid, root):
    weights = launch["cpu_weights"]["v1"]
    settings = {
        "memory": {"memory.limit_in_bytes": launch["limits"]["memory_bytes"]},
        "pids": {"pids.max": launch["limits"]["pids"]},
        "cpu": {"cpu.shares": weights["learner"]},
    }
    for controller, values in settings.items():
        group = os.path.join(root, controller, name)
        os.makedirs(group, exist_ok=True)
        if controller == "cpu":
            # Shares count among siblings: the services' peer is the top group.
            _write(os.path.join(root, controller, TOP, "cpu.shares"), weights["learners"])
        for key, value in values.items():
            _write(os.path.join(group, key), value)
        _write(os.path.join(group, "cgroup.procs"), pid)
    # CPU use is cpuacct's on v1 (the site reads it to lower a learner who keeps a CPU busy); a
    # machine without it keeps the limits, not that rule.
    if os.path.isdir(os.path.join(root, "cpuacct")):
        accounting = os.path.join(root, "cpuacct", name)
        os.makedirs(accounting, exist_ok=True)
        _write(os.path.join(accounting, "cgroup.procs"), pid)


def course_cgroup_roots(root=CGROUP_ROOT):
    """Where a course's groups are: the one hierarchy (v2) or each controller's (v1)."""
    if is_v2(root):
        return [root]
    return [os.path.join(root, controller) for controller in (*V1_CONTROLLERS, "cpuacct")]

"""What `sandbox_launch.py cleanup` removes, against a fake sandbox folder, cgroup root and
/run/netns, with the commands it would run recorded instead of run."""

import json

import pytest

from course_sandbox import cleanup


@pytest.fixture
def machine(tmp_path):
    sandbox, cgroup, netns = tmp_path / "sandbox", tmp_path / "cgroup", tmp_path / "netns"
    for folder in (sandbox, cgroup, netns):
        folder.mkdir()
    (cgroup / "cgroup.controllers").write_text("cpu memory pids\n")
    return sandbox, cgroup, netns


def describe(sandbox, learner, value):
    (sandbox / learner).mkdir()
    (sandbox / learner / "launch.json").write_text(value if isinstance(value, str) else json.dumps(value))


def run_cleanup(machine, mounted=(), group="1a2b3c4d", prefix="mlt-1a2b3c4d-"):
    sandbox, cgroup, netns = machine
    commands = []
    code = cleanup.cleanup(
        group, prefix,
        sandbox_root=str(sandbox), cgroup_root=str(cgroup), netns_dir=str(netns), as_root=True,
        run=lambda argv, **_: commands.append(argv), is_mount_point=lambda folder: folder in mounted,
    )
    assert code == 0
    return commands


def test_unmounts_the_learners_mounted_folders(machine, launch):
    sandbox = machine[0]
    describe(sandbox, "l-alice", {**launch, "learner_folder": "/data/learners/l-alice"})
    describe(sandbox, "l-bob", {**launch, "learner_folder": "/data/learners/l-bob"})
    commands = run_cleanup(machine, mounted={"/data/learners/l-alice"})
    assert commands == [["umount", "--lazy", "/data/learners/l-alice"]]


def test_reads_descriptions_leniently(machine):
    """An older course's description (no schema_version) still names a folder; garbage names none."""
    sandbox = machine[0]
    describe(sandbox, "l-old", {"learner_folder": "/data/learners/l-old"})
    describe(sandbox, "l-list", "[1, 2]")
    describe(sandbox, "l-broken", "{")
    describe(sandbox, "l-number", {"learner_folder": 3})
    (sandbox / "kernel-forker.sock").write_text("")
    assert cleanup.learner_folders(str(sandbox)) == ["/data/learners/l-old"]
    assert run_cleanup(machine, mounted={"/data/learners/l-old"}) == [["umount", "--lazy", "/data/learners/l-old"]]


def test_removes_only_this_courses_network_namespaces(machine):
    netns = machine[2]
    for name in ("mlt-1a2b3c4d-l-alice", "mlt-1a2b3c4d-l-bob", "mlt-99999999-l-carol", "other"):
        (netns / name).write_text("")
    assert run_cleanup(machine) == [["ip", "netns", "del", "mlt-1a2b3c4d-l-alice"], ["ip", "netns", "del", "mlt-1a2b3c4d-l-bob"]]


def test_removes_this_courses_empty_cgroups_and_keeps_busy_ones(machine):
    cgroup = machine[1]
    course = cgroup / "mlflow-training" / "1a2b3c4d"
    for learner in ("l-alice", "l-alice.check", "l-bob"):
        (course / learner).mkdir(parents=True)
    (course / "l-bob" / "cgroup.procs").write_text("4242")  # a fake group with a file in it cannot be removed, as a busy one cannot
    other = cgroup / "mlflow-training" / "99999999" / "l-carol"
    other.mkdir(parents=True)
    run_cleanup(machine)
    assert sorted(path.name for path in course.iterdir()) == ["l-bob"]
    assert other.is_dir()


def test_v1_removes_them_in_every_controller(machine):
    cgroup = machine[1]
    (cgroup / "cgroup.controllers").unlink()
    for controller in ("memory", "pids", "cpu", "cpuacct"):
        (cgroup / controller / "mlflow-training" / "1a2b3c4d" / "l-alice").mkdir(parents=True)
    assert cleanup.removable_cgroups("1a2b3c4d", str(cgroup)) == [
        str(cgroup / controller / "mlflow-training" / "1a2b3c4d" / suffix)
        for controller in ("memory", "pids", "cpu", "cpuacct")
        for suffix in ("l-alice", "")
    ]
    run_cleanup(machine)
    for controller in ("memory", "pids", "cpu", "cpuacct"):
        assert not (cgroup / controller / "mlflow-training" / "1a2b3c4d").exists()


def test_not_as_root_does_nothing(machine):
    sandbox, cgroup, netns = machine
    (netns / "mlt-1a2b3c4d-l-alice").write_text("")
    commands = []
    cleanup.cleanup("1a2b3c4d", "mlt-1a2b3c4d-", sandbox_root=str(sandbox), cgroup_root=str(cgroup), netns_dir=str(netns), as_root=False, run=lambda argv, **_: commands.append(argv))
    assert commands == []

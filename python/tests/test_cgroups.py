"""The learner's cgroups, written into a fake cgroup root (v2: one hierarchy with
cgroup.controllers; v1: a folder per controller)."""

import pytest

from course_sandbox import cgroups


@pytest.fixture
def v2(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")
    return tmp_path


@pytest.fixture
def v1(tmp_path):
    for controller in ("memory", "pids", "cpu", "cpuacct"):
        (tmp_path / controller).mkdir()
    return tmp_path


def read(path):
    return path.read_text()


def test_v2_limits_weights_and_membership(v2, launch):
    cgroups.join_cgroups(launch, "l-alice", root=str(v2), as_root=True, pid=4242)
    course = v2 / "mlflow-training" / "1a2b3c4d"
    group = course / "l-alice"
    assert read(group / "memory.max") == str(3072 * 1024 * 1024)
    assert read(group / "memory.swap.max") == "0"
    assert read(group / "pids.max") == "1024"
    assert read(group / "cpu.weight") == "100"
    assert read(group / "cgroup.procs") == "4242"
    assert read(v2 / "mlflow-training" / "cpu.weight") == "25"
    for parent in (v2, v2 / "mlflow-training", course):
        assert read(parent / "cgroup.subtree_control") == "+memory +pids +cpu"


def test_v2_checks_group_beside_the_learners(v2, launch):
    cgroups.join_cgroups(launch, "l-alice", ".check", root=str(v2), as_root=True, pid=7)
    assert read(v2 / "mlflow-training" / "1a2b3c4d" / "l-alice.check" / "cgroup.procs") == "7"


def test_weights_come_from_the_launch_description(v2, launch):
    launch["cpu_weights"]["v2"] = {"learners": 30, "learner": 90}
    cgroups.join_cgroups(launch, "l-alice", root=str(v2), as_root=True, pid=1)
    assert read(v2 / "mlflow-training" / "cpu.weight") == "30"
    assert read(v2 / "mlflow-training" / "1a2b3c4d" / "l-alice" / "cpu.weight") == "90"


def test_v1_a_group_per_controller_and_cpu_accounting(v1, launch):
    cgroups.join_cgroups(launch, "l-alice", root=str(v1), as_root=True, pid=4242)
    name = ("mlflow-training", "1a2b3c4d", "l-alice")
    assert read(v1.joinpath("memory", *name, "memory.limit_in_bytes")) == str(3072 * 1024 * 1024)
    assert read(v1.joinpath("pids", *name, "pids.max")) == "1024"
    assert read(v1.joinpath("cpu", *name, "cpu.shares")) == "1024"
    assert read(v1 / "cpu" / "mlflow-training" / "cpu.shares") == "256"
    for controller in ("memory", "pids", "cpu", "cpuacct"):
        assert read(v1.joinpath(controller, *name, "cgroup.procs")) == "4242"


def test_v1_without_cpuacct_keeps_the_limits(v1, launch):
    (v1 / "cpuacct").rmdir()
    cgroups.join_cgroups(launch, "l-alice", root=str(v1), as_root=True, pid=1)
    assert read(v1.joinpath("memory", "mlflow-training", "1a2b3c4d", "l-alice", "cgroup.procs")) == "1"
    assert not (v1 / "cpuacct").exists()


def test_not_as_root_writes_nothing(v2, launch):
    cgroups.join_cgroups(launch, "l-alice", root=str(v2), as_root=False, pid=1)
    assert not (v2 / "mlflow-training").exists()


def test_a_machine_that_refuses_says_so_and_goes_on(v1, launch, capsys):
    (v1 / "memory").rmdir()
    (v1 / "memory").write_text("not a folder")
    cgroups.join_cgroups(launch, "l-alice", root=str(v1), as_root=True, pid=1)
    assert "course sandbox: no resource limits for l-alice" in capsys.readouterr().err


def test_roots_of_a_course(v1, v2):
    assert cgroups.course_cgroup_roots(str(v2)) == [str(v2)]


def test_roots_of_a_course_v1(v1):
    assert cgroups.course_cgroup_roots(str(v1)) == [str(v1 / c) for c in ("memory", "pids", "cpu", "cpuacct")]

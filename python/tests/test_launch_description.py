import json
import os

import pytest

from course_sandbox import launch_description
from course_sandbox.launch_description import LaunchDescriptionError, read_launch


def write(root, learner, value):
    os.makedirs(root / learner, exist_ok=True)
    (root / learner / "launch.json").write_text(value if isinstance(value, str) else json.dumps(value))


def test_reads_a_valid_description(tmp_path, launch):
    write(tmp_path, "l-alice", launch)
    assert read_launch("l-alice", root=str(tmp_path)) == launch


def test_finds_descriptions_in_the_course_sandbox_folder(tmp_path, launch, monkeypatch):
    monkeypatch.setenv("COURSE_SANDBOX_DIR", str(tmp_path))
    write(tmp_path, "l-alice", launch)
    assert read_launch("l-alice")["uid"] == 65534


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.pop("gate_socket"), "'gate_socket' is a required property"),
        (lambda d: d.update(jupyter_token="x"), "'jupyter_token' was unexpected"),
        (lambda d: d.update(uid="65534"), "$.uid: '65534' is not of type 'integer'"),
        (lambda d: d.update(uid=0), "$.uid: 0 is less than or equal to the minimum of 0"),
        (lambda d: d["limits"].pop("pids"), "$.limits: 'pids' is a required property"),
        (lambda d: d.update(passed_on=["LD_PRELOAD"]), "$.passed_on[0]: 'LD_PRELOAD' is not one of"),
        (lambda d: d.update(schema_version=2), "$.schema_version: 1 was expected"),
        (lambda d: d["cpu_weights"]["v1"].update(learner=1.5), "$.cpu_weights.v1.learner: 1.5 is not of type 'integer'"),
        (lambda d: d["env"].update(PATH=None), "$.env.PATH: None is not of type 'string'"),
    ],
)
def test_refuses_a_description_that_breaks_its_contract_naming_the_field(tmp_path, launch, change, named):
    change(launch)
    write(tmp_path, "l-alice", launch)
    with pytest.raises(LaunchDescriptionError) as refused:
        read_launch("l-alice", root=str(tmp_path))
    message = str(refused.value)
    assert message.startswith(f"course sandbox: not starting: the launch description {tmp_path}/l-alice/launch.json does not match its contract")
    assert named in message


def test_refuses_a_description_it_cannot_read(tmp_path):
    write(tmp_path, "l-alice", "{not json")
    with pytest.raises(LaunchDescriptionError, match="cannot read the launch description"):
        read_launch("l-alice", root=str(tmp_path))
    with pytest.raises(LaunchDescriptionError, match="cannot read the launch description"):
        read_launch("l-bob", root=str(tmp_path))


def test_a_refusal_ends_the_launcher_with_its_message(launch):
    """The launcher lets it through: Python prints the message and exits 1."""
    launch.pop("uid")
    with pytest.raises(SystemExit) as refused:
        launch_description.validated(launch)
    assert refused.value.code.startswith("course sandbox: not starting:")


def test_names_the_variables_a_description_does_not_pass_on(launch):
    launch["passed_on"] = ["TMPDIR", "PYTHONUNBUFFERED"]
    assert launch_description.not_passed_on(launch, {"PYTHONUNBUFFERED": "1", "TMPDIR": "/t"}) == []
    assert launch_description.not_passed_on(launch, ["MLFLOW_TRACKING_TOKEN", "TMPDIR", "LD_PRELOAD"]) == ["LD_PRELOAD", "MLFLOW_TRACKING_TOKEN"]

"""`sandbox_launch.py run`'s arguments: a learner id, a command, and only the variables the
launch description allows."""

import pytest

from course_sandbox.run import parse_run


def parse(argv, launch):
    read = []

    def read_launch(learner):
        read.append(learner)
        return launch

    return parse_run(argv, read_launch=read_launch), read


def test_parses_a_helpers_command(launch):
    (options, command, got, env), read = parse(
        ["--learner", "l-alice", "--network", "own", "--cgroup", "check", "--chdir", "/scratch", "--writable", "/scratch", "--read-only-file", "/p/spark_check.py",
         "--env", "TMPDIR=/scratch", "--env", "PYTHONDONTWRITEBYTECODE=1", "--", "python", "spark_check.py", "--answer-fd", "3"],
        launch,
    )
    assert read == ["l-alice"] and got is launch
    assert (options.network, options.cgroup, options.chdir, options.writable, options.read_only_file) == ("own", "check", "/scratch", ["/scratch"], ["/p/spark_check.py"])
    assert command == ["python", "spark_check.py", "--answer-fd", "3"]
    assert env == {"TMPDIR": "/scratch", "PYTHONDONTWRITEBYTECODE": "1"}


def test_keeps_an_equals_sign_in_a_value(launch):
    (_, _, _, env), _ = parse(["--learner", "l-alice", "--chdir", "/s", "--env", "TMPDIR=/a=b", "--", "true"], launch)
    assert env == {"TMPDIR": "/a=b"}


@pytest.mark.parametrize("name", ["MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "LD_PRELOAD", "SPARK_MASTER", "PATH"])
def test_refuses_a_variable_the_sandbox_does_not_pass_on(launch, capsys, name):
    with pytest.raises(SystemExit) as refused:
        parse(["--learner", "l-alice", "--chdir", "/s", "--env", f"{name}=x", "--", "true"], launch)
    assert refused.value.code == 2
    assert f"{name} is not a variable the sandbox passes on" in capsys.readouterr().err


def test_passes_on_only_what_the_description_names(launch, capsys):
    launch["passed_on"] = ["TMPDIR"]
    with pytest.raises(SystemExit):
        parse(["--learner", "l-alice", "--chdir", "/s", "--env", "SPARK_LOCAL_DIRS=/s", "--", "true"], launch)
    assert "SPARK_LOCAL_DIRS is not a variable the sandbox passes on" in capsys.readouterr().err


@pytest.mark.parametrize("learner", ["", ".", "..", "../l-bob", "a/b"])
def test_refuses_what_is_not_a_learner_id_before_reading_anything(launch, capsys, learner):
    read = []
    with pytest.raises(SystemExit):
        parse_run(["--learner", learner, "--chdir", "/s", "--", "true"], read_launch=lambda learner: read.append(learner) or launch)
    assert read == []
    assert "not a learner id" in capsys.readouterr().err


def test_refuses_no_command(launch, capsys):
    with pytest.raises(SystemExit):
        parse(["--learner", "l-alice", "--chdir", "/s", "--"], launch)
    assert "no command to run" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--learner", "l-alice", "--chdir", "/s", "--network", "host", "--", "true"], ["--learner", "l-alice", "--chdir", "/s", "--cgroup", "none", "--", "true"], ["--chdir", "/s", "--", "true"]])
def test_refuses_other_placements(launch, argv):
    with pytest.raises(SystemExit):
        parse(argv, launch)


SCORING = ["--model-uri", "models:/IrisModel/Staging", "--port", "5050", "--host", "127.0.0.1"]


def serve_argv(launch, *extra, command=None):
    from course_sandbox.run import SCORING_SERVER

    command = command if command is not None else [launch["python"], SCORING_SERVER, *SCORING]
    return ["--learner", "l-alice", "--network", "learner", "--cgroup", "learner", "--chdir", "/l", "--writable", "/l", "--serve-socket", "5050", *extra, "--", *command]


def test_takes_a_model_server_that_may_be_a_fork(launch):
    from course_sandbox.run import SCORING_SERVER

    (options, command, _, _), _ = parse(serve_argv(launch, "--fork", "model-server"), launch)
    assert options.fork == "model-server"
    assert command == [launch["python"], SCORING_SERVER, *SCORING]


@pytest.mark.parametrize("command", [["python", "course_scoring_server.py", *SCORING], ["/bin/sh", "-c", "id"]])
def test_forks_the_courses_scoring_server_only(launch, capsys, command):
    with pytest.raises(SystemExit):
        parse(serve_argv(launch, "--fork", "model-server", command=command), launch)
    assert "--fork model-server runs" in capsys.readouterr().err


def test_forks_a_model_server_only_in_the_learners_network_with_its_bridge(launch, capsys):
    argv = [arg for arg in serve_argv(launch, "--fork", "model-server") if arg not in ("--serve-socket", "5050")]
    with pytest.raises(SystemExit):
        parse(argv, launch)
    assert "--fork model-server needs --serve-socket" in capsys.readouterr().err

"""What the kernel forker accepts before it forks: a kernel or a model server for a learner, in a
sandbox's holder, and for a model server only the scoring server's own arguments."""

import pytest

from course_sandbox import fork_request

KERNEL = {"learner": "l-alice", "holder_pid": 4242, "workdir": "/data/learners/l-alice"}
SERVER = {**KERNEL, "kind": "model-server", "args": ["--model-uri", "models:/IrisModel/Staging", "--port", "5050", "--host", "127.0.0.1"], "env": {"PYTHONUNBUFFERED": "1"}}


def test_a_request_without_a_kind_is_for_a_kernel():
    assert fork_request.kind_of(KERNEL) == "kernel"
    assert fork_request.problem(KERNEL) is None
    assert fork_request.problem({**KERNEL, "kind": "kernel"}) is None


def test_accepts_a_model_server_with_the_scoring_servers_arguments():
    assert fork_request.kind_of(SERVER) == "model-server"
    assert fork_request.problem(SERVER) is None
    assert fork_request.problem({key: value for key, value in SERVER.items() if key != "env"}) is None


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        ("[]", "not a JSON object"),
        ({**KERNEL, "kind": "shell"}, "not a kind of process the forker starts"),
        ({**KERNEL, "learner": "../l-bob"}, "not a learner id"),
        ({**KERNEL, "holder_pid": 1}, "not a process id"),
        ({**KERNEL, "holder_pid": True}, "not a process id"),
        ({**KERNEL, "workdir": "relative"}, "not a folder"),
        ({**SERVER, "args": "--model-uri models:/M/1 --port 5050"}, "not a scoring server's arguments"),
        ({**SERVER, "args": ["--model-uri", "models:/M/1"]}, "not a scoring server's arguments (the following arguments are required: --port)"),
        ({**SERVER, "args": ["--model-uri", "models:/M/1", "--port", "5050", "--workers", "4"]}, "not a scoring server's arguments (unrecognized arguments: --workers 4)"),
        ({**SERVER, "args": ["--model-uri", "models:/M/1", "--port", "0"]}, "not a scoring server's arguments (--port: 0 is not a port)"),
        ({**SERVER, "env": {"PYTHONUNBUFFERED": 1}}, "not an environment"),
        ({**SERVER, "env": ["PYTHONUNBUFFERED=1"]}, "not an environment"),
    ],
)
def test_refuses(request_, problem):
    assert fork_request.problem(request_) == problem

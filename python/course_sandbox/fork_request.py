"""What the kernel forker (python/kernel_forker.py) may be asked for, checked before it forks:

    {"kind": "kernel", "learner", "holder_pid", "workdir"}
    {"kind": "model-server", "learner", "holder_pid", "workdir", "args": [...], "env": {...}}

`kind` defaults to "kernel" (what a launcher of an earlier version sends). A model server's
`args` are python/course_scoring_server.py's command line; its `env` the variables `run` passes
on, which the fork checks against the learner's launch description once it has read it."""

import re

KERNEL, MODEL_SERVER = "kernel", "model-server"
KINDS = (KERNEL, MODEL_SERVER)
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def kind_of(request):
    return request.get("kind", KERNEL)


def problem(request):
    """Why the forker refuses `request` (a parsed JSON value), or None."""
    if not isinstance(request, dict):
        return "not a JSON object"
    learner, holder, workdir = request.get("learner"), request.get("holder_pid"), request.get("workdir")
    if kind_of(request) not in KINDS:
        return "not a kind of process the forker starts"
    if not isinstance(learner, str) or not LEARNER_ID.match(learner):
        return "not a learner id"
    if not isinstance(holder, int) or isinstance(holder, bool) or holder <= 1:
        return "not a process id"
    if not isinstance(workdir, str) or not workdir.startswith("/"):
        return "not a folder"
    if kind_of(request) == MODEL_SERVER:
        return _model_server_problem(request.get("args"), request.get("env", {}))
    return None


def _model_server_problem(args, env):
    import course_scoring_server

    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        return "not a scoring server's arguments"
    try:
        course_scoring_server.parse_args(args)
    except course_scoring_server.ServeArgumentError as error:
        return f"not a scoring server's arguments ({error})"
    if not isinstance(env, dict) or not all(isinstance(key, str) and isinstance(value, str) for key, value in env.items()):
        return "not an environment"
    return None

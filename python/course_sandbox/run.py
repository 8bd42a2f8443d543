"""`sandbox_launch.py run --learner ID [options] -- COMMAND [ARGS...]`: anything but a kernel (a
model server, the Check's helpers, Catch me up's cells) in the learner's sandbox, as built by
server/sandbox/sandboxed-process.ts.

With `--fork model-server` the command is the course's scoring server
(python/course_scoring_server.py): as root, with a kernel forker listening, it becomes a fork of
the forker in the same sandbox (built by bubblewrap around a holder, as for a kernel); else it
starts inside bubblewrap."""

import argparse
import os

from . import bwrap, cgroups, disk_image, forker_client, namespaces, scheduler
from .launch_description import not_passed_on, read_launch, sandbox_dir

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCORING_SERVER = os.path.join(PYTHON_DIR, "course_scoring_server.py")


def run_parser():
    parser = argparse.ArgumentParser(prog="sandbox_launch.py run")
    parser.add_argument("--learner", required=True)
    parser.add_argument("--network", choices=("learner", "own"), default="own")
    parser.add_argument("--cgroup", choices=("learner", "check"), default="learner")
    parser.add_argument("--chdir", required=True)
    parser.add_argument("--writable", action="append", default=[])
    parser.add_argument("--read-only-file", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--serve-socket", type=int)
    parser.add_argument("--fork", choices=("model-server",))
    parser.add_argument("command", nargs=argparse.REMAINDER)
    return parser


def parse_run(argv, read_launch=read_launch):
    """(options, command, launch, env) from `run`'s arguments: the learner's launch description
    read and checked, and the variables to pass on, each one the description allows."""
    parser = run_parser()
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command to run")
    if "/" in options.learner or options.learner in ("", ".", ".."):
        parser.error("not a learner id")
    launch = read_launch(options.learner)
    if options.fork and not (options.serve_socket and options.network == "learner" and options.cgroup == "learner"):
        parser.error("--fork model-server needs --serve-socket in the learner's network and cgroup")
    if options.fork and command[:2] != [launch["python"], SCORING_SERVER]:
        parser.error(f"--fork model-server runs {launch['python']} {SCORING_SERVER} only")
    env = dict(pair.partition("=")[::2] for pair in options.env)
    for key in not_passed_on(launch, env):
        parser.error(f"{key} is not a variable the sandbox passes on")
    return options, command, launch, env


def launch_run(argv):
    options, command, launch, env = parse_run(argv)
    root = sandbox_dir()
    writable = {folder: folder for folder in options.writable}
    if launch["learner_folder"] in writable:
        disk_image.mount_learner_folder(launch, options.learner, launch["learner_folder"], root)
    for folder in writable:
        disk_image.owned_by_sandbox(launch, folder)
    course_bridge = ""
    if options.serve_socket:
        serve_dir = os.path.join(root, options.learner, "serve")
        os.makedirs(serve_dir, mode=0o700, exist_ok=True)
        # The course's user owns the folder and the socket (made by a bridge started before the
        # user is dropped): learner code, a pickled model included, can neither replace the socket
        # nor point it elsewhere.
        os.chown(serve_dir, os.geteuid(), os.getegid())
        os.chmod(serve_dir, 0o700)
        writable[serve_dir] = bwrap.INSIDE_SERVE_DIR
        course_bridge = f"socat UNIX-LISTEN:{bwrap.INSIDE_SERVE_DIR}/model.sock,fork,unlink-early TCP:127.0.0.1:{options.serve_socket}"
    cgroups.join_cgroups(launch, options.learner, "" if options.cgroup == "learner" else ".check")
    scheduler.ask_short_slice()
    as_root = os.geteuid() == 0
    netns = namespaces.learner_netns(launch, options.learner) if as_root and options.network == "learner" else None

    def sandbox(command, info_fd=None):
        return bwrap.build_argv(
            launch,
            workdir=options.chdir,
            writable=writable,
            read_only_files=options.read_only_file,
            env=env,
            mlflow_port=bwrap.mlflow_port(launch, beside_kernel=options.network == "learner"),
            course_bridge=course_bridge,
            command=command,
            as_root=as_root,
            netns=netns,
            info_fd=info_fd,
        )

    if options.fork:
        request = {"kind": options.fork, "learner": options.learner, "workdir": options.chdir, "args": command[2:], "env": env}
        # A fork of the forker where one answers (this process then waits for it, and never returns here).
        forker_client.fork_in_sandbox(request, sandbox, root, what="the model server")
    return sandbox(command)

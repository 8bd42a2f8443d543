"""`sandbox_launch.py run --learner ID [options] -- COMMAND [ARGS...]`: anything but a kernel (a
model server, the Check's helpers, Catch me up's cells) in the learner's sandbox, as built by
server/sandbox/sandboxed-process.ts."""

import argparse
import os

from . import bwrap, cgroups, disk_image, namespaces, scheduler
from .launch_description import read_launch, sandbox_dir


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
    env = {}
    for pair in options.env:
        key, _, value = pair.partition("=")
        if key not in launch["passed_on"]:
            parser.error(f"{key} is not a variable the sandbox passes on")
        env[key] = value
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
    # In the learner's shared network namespace the kernel's bridge holds the usual port.
    mlflow_port = launch["mlflow_port"] + (1 if options.network == "learner" else 0)
    return bwrap.build_argv(
        launch,
        workdir=options.chdir,
        writable=writable,
        read_only_files=options.read_only_file,
        env=env,
        mlflow_port=mlflow_port,
        course_bridge=course_bridge,
        command=command,
        as_root=as_root,
        netns=namespaces.learner_netns(launch, options.learner) if as_root and options.network == "learner" else None,
    )

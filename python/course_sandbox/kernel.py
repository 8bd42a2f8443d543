"""`sandbox_launch.py kernel CONNECTION_FILE`: Jupyter's command for the `course-sandboxed`
kernelspec, run in the learner's folder. ipykernel in the learner's sandbox, talking to Jupyter
over unix sockets (ZeroMQ `ipc`) in a folder of its own; a fork of the kernel forker when there
is one, else started inside bubblewrap."""

import json
import os
import shutil

from . import bwrap, cgroups, disk_image, forker_client, namespaces, scheduler
from .launch_description import read_launch, sandbox_dir

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The course's kernel (ipykernel with the course's settings) and the module it imports, bound read-only.
KERNEL_FILES = [os.path.join(PYTHON_DIR, "course_kernel.py"), os.path.join(PYTHON_DIR, "requirements_table.py"), os.path.join(PYTHON_DIR, "course_spark.py")]
ZMQ_PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def launch_kernel(connection_file):
    """bubblewrap's command line for the kernel (when no forker forked it)."""
    connection_file = os.path.abspath(connection_file)
    with open(connection_file) as handle:
        connection = json.load(handle)
    workdir = os.getcwd()
    learner = os.path.basename(workdir)
    launch = read_launch(learner)
    root = sandbox_dir()
    kernel_dir = os.path.join(root, learner, "kernels", os.path.splitext(os.path.basename(connection_file))[0])
    shutil.rmtree(kernel_dir, ignore_errors=True)
    os.makedirs(kernel_dir, mode=0o700)
    inside = dict(connection, transport="ipc", ip=f"{bwrap.INSIDE_KERNEL_DIR}/ipc")
    with open(os.path.join(kernel_dir, "connection.json"), "w") as handle:
        json.dump(inside, handle)
    os.chmod(os.path.join(kernel_dir, "connection.json"), 0o600)
    # Jupyter connects to `<ip>-<port>` next to the connection file: point those at this kernel's folder.
    for name in ZMQ_PORTS:
        port = connection[name]
        link = f"{connection['ip']}-{port}"
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join(kernel_dir, f"ipc-{port}"), link)
    disk_image.owned_by_sandbox(launch, kernel_dir, os.path.join(kernel_dir, "connection.json"))
    disk_image.mount_learner_folder(launch, learner, workdir, root)
    cgroups.join_cgroups(launch, learner)
    scheduler.ask_short_slice()
    as_root = os.geteuid() == 0
    netns = namespaces.learner_netns(launch, learner) if as_root else None

    def kernel_sandbox(command, info_fd=None):
        return bwrap.build_argv(
            launch,
            workdir=workdir,
            writable={workdir: workdir, kernel_dir: bwrap.INSIDE_KERNEL_DIR},
            read_only_files=KERNEL_FILES,
            env={},
            mlflow_port=launch["mlflow_port"],
            course_bridge="",
            command=command,
            as_root=as_root,
            netns=netns,
            info_fd=info_fd,
        )

    # A fork of the forker where one answers (this process then waits for it, and never returns here).
    forker_client.fork_in_sandbox({"kind": "kernel", "learner": learner, "workdir": workdir}, kernel_sandbox, root)
    return kernel_sandbox([launch["python"], KERNEL_FILES[0], f"--output-cap-bytes={launch['kernel_output_cap_bytes']}", "-f", f"{bwrap.INSIDE_KERNEL_DIR}/connection.json"])

"""`sandbox_launch.py cleanup COURSE_ID NETNS_PREFIX`: after the course stopped, its learners'
folders are unmounted, and their network namespaces and (empty) cgroups go."""

import json
import os
import subprocess

from . import cgroups, disk_image, namespaces


def learner_folders(sandbox_root):
    """The learners' folders named by the launch descriptions there. Read leniently, not checked
    against the contract: a description an older course wrote still names a folder to unmount."""
    folders = []
    for learner in sorted(os.listdir(sandbox_root)) if os.path.isdir(sandbox_root) else []:
        try:
            with open(os.path.join(sandbox_root, learner, "launch.json")) as handle:
                folder = json.load(handle).get("learner_folder")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(folder, str) and folder:
            folders.append(folder)
    return folders


def removable_cgroups(group, cgroup_root=cgroups.CGROUP_ROOT):
    """The course's cgroups, learners' first, then the course's own, in every hierarchy."""
    found = []
    for root in cgroups.course_cgroup_roots(cgroup_root):
        course = os.path.join(root, cgroups.TOP, group)
        if not os.path.isdir(course):
            continue
        found += [os.path.join(course, learner) for learner in sorted(os.listdir(course)) if os.path.isdir(os.path.join(course, learner))]
        found.append(course)
    return found


def cleanup(group, netns_prefix, *, sandbox_root=None, cgroup_root=cgroups.CGROUP_ROOT, netns_dir=namespaces.NETNS_DIR, as_root=None, run=subprocess.run, is_mount_point=disk_image.is_mount_point):
    if not (os.geteuid() == 0 if as_root is None else as_root):
        return 0
    sandbox_root = os.environ.get("COURSE_SANDBOX_DIR", "") if sandbox_root is None else sandbox_root
    for folder in learner_folders(sandbox_root):
        if is_mount_point(folder):
            run(["umount", "--lazy", folder], capture_output=True)
    for name in namespaces.course_namespaces(netns_prefix, netns_dir):
        run(["ip", "netns", "del", name], capture_output=True)
    for folder in removable_cgroups(group, cgroup_root):
        try:
            os.rmdir(folder)
        except OSError:
            pass  # a process is still in it: it goes at the next cleanup
    return 0

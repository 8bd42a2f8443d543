"""The learner's folder as a filesystem of its own (root only): a sparse ext4 image of the
launch description's `disk_mb`, loop-mounted `nosuid,nodev` on first use with what the folder
already held copied in, so what learner code writes there stops at the course's quota; and the
folders a sandboxed process writes, which belong to the sandbox's user."""

import fcntl
import os
import subprocess
import sys


def is_mount_point(folder, mountinfo="/proc/self/mountinfo"):
    folder = os.path.realpath(folder)
    with open(mountinfo) as handle:
        return any(line.split()[4] == folder for line in handle)


def mount_learner_folder(launch, learner, workdir, sandbox_root):
    if os.geteuid() != 0 or is_mount_point(workdir):
        return
    quota_mb = launch["disk_mb"]
    image = os.path.join(sandbox_root, learner, "folder.img")
    with open(image + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a kernel and a model server may start at once
        if is_mount_point(workdir):
            return
        fresh = not os.path.exists(image)
        if fresh:
            with open(image, "wb") as handle:
                handle.truncate(quota_mb * 1024 * 1024)
            made = subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal", "-E", f"root_owner={launch['uid']}:{launch['gid']}", image], capture_output=True, text=True)
            if made.returncode != 0:
                os.remove(image)
                sys.stderr.write(f"course sandbox: no disk quota for {learner} ({made.stderr.strip()})\n")
                return
        held = os.listdir(workdir) if fresh else []
        if held:
            staging = os.path.join(sandbox_root, learner, "folder-staging")
            os.makedirs(staging, exist_ok=True)
            subprocess.run(["mount", "-o", "loop,nosuid,nodev", image, staging], check=True)
            subprocess.run(["cp", "-a", f"{workdir}/.", staging], check=True)
            subprocess.run(["umount", staging], check=True)
            os.rmdir(staging)
        mounted = subprocess.run(["mount", "-o", "loop,nosuid,nodev", image, workdir], capture_output=True, text=True)
        if mounted.returncode != 0:
            sys.stderr.write(f"course sandbox: no disk quota for {learner} ({mounted.stderr.strip()})\n")
            return
        # What the folder held stays underneath, hidden by the mount: the copy inside is the one that counts.
        lost = os.path.join(workdir, "lost+found")
        if fresh and os.path.isdir(lost):
            os.rmdir(lost)


def owned_by_sandbox(launch, *paths):
    """Folders the sandboxed process writes belong to the sandbox's user (as root)."""
    if os.geteuid() != 0:
        return
    for path in paths:
        os.chown(path, launch["uid"], launch["gid"])

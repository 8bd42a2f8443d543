"""The learner's network namespace (root only): one per learner, named after the course and the
learner (`<netns_prefix><learner>`), shared by their kernel and model servers so lesson cells reach
the learner's model server on 127.0.0.1, with only `lo` in it."""

import os
import subprocess

NETNS_DIR = "/run/netns"


def learner_netns(launch, learner):
    """The namespace's path, made on first use with `lo` up."""
    name = f"{launch['netns_prefix']}{learner}"
    path = os.path.join(NETNS_DIR, name)
    if not os.path.exists(path):
        made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
        if made.returncode != 0 and not os.path.exists(path):
            raise SystemExit(f"course sandbox: cannot make the network namespace {name}: {made.stderr.strip()}")
    subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
    return path


def course_namespaces(netns_prefix, netns_dir=NETNS_DIR):
    """The named namespaces of one course (its learners'), by name."""
    if not os.path.isdir(netns_dir):
        return []
    return sorted(name for name in os.listdir(netns_dir) if name.startswith(netns_prefix))

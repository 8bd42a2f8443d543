"""Learners' processes first for the kernel's out-of-memory killer: when the machine runs out of
memory, it takes a learner's process before any of the course's services, which run lower."""


def be_first_out_of_memory():
    """Raising one's own out-of-memory score needs no privilege, and what this process starts or execs keeps it."""
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass

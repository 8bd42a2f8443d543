"""The one launcher for every process that runs learner code or loads a learner-made model.

    sandbox_launch.py kernel CONNECTION_FILE
    sandbox_launch.py run --learner ID [options] -- COMMAND [ARGS...]
    sandbox_launch.py probe
    sandbox_launch.py cleanup COURSE_ID NETNS_PREFIX

Jupyter's kernelspec and the course call it by this path with these arguments; the work is in
the course_sandbox package beside it, a module per job (course_sandbox/cli.py says what each
command does).
"""

import sys

from course_sandbox.cli import main

if __name__ == "__main__":
    main(sys.argv)

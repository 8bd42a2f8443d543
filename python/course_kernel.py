"""The course's Python kernel: ipykernel, started by both of the course's kernelspecs, with three
changes that keep a class fast and fair without changing what a learner's code does:

- **The course's imports start ahead of need.** Once the kernel is up, a background thread
  imports what the lessons import (pandas, scikit-learn, MLflow and what `log_model` loads on
  first use) in the lessons' order, a package at a time, and pauses while a cell runs, so a
  learner's first `print` does not queue behind them. A learner's `import mlflow` then finds it
  done, or does the rest itself; nothing is added to the learner's namespace.
- **MLflow's requirement inference is answered from the course's table** when the model is one
  of the lessons' (python/requirements_table.py): the same requirements, without the Python
  process MLflow would start to load the model again.
- **A cell's printed output stops in the kernel** past --output-cap-bytes (a little more than
  the app shows), so a cell printing in a loop spends its own CPU share, not the shared Jupyter
  server's.

    python course_kernel.py [--output-cap-bytes=N] -f CONNECTION_FILE
"""

import importlib
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The lessons' imports, then what the first `mlflow.sklearn.log_model` imports (measured).
PRELOAD = (
    "numpy",
    "pyarrow",
    "pandas",
    "scipy.sparse",
    "scipy.special",
    "scipy.optimize",
    "scipy.stats",
    "sklearn",
    "sklearn.datasets",
    "sklearn.model_selection",
    "sklearn.ensemble",
    "sklearn.metrics",
    "mlflow",
    "mlflow.sklearn",
    "mlflow.pyfunc",
    "mlflow.tracking.request_header.registry",
    "mlflow.models.display_utils",
    "skops.io",
    "git",
    # Lesson 4 draws a figure; plots are inline without `%matplotlib inline` (MPLBACKEND, set by
    # the course), and only pyplot is imported here: the inline backend's module must first be
    # imported in the kernel itself, where it hooks into IPython.
    "matplotlib.figure",
    "matplotlib.pyplot",
)

sys.path.insert(0, HERE)
import course_spark  # noqa: E402
import requirements_table  # noqa: E402

# Learner code sees the path a plain kernel has: not this folder.
sys.path[:] = [entry for entry in sys.path if entry != HERE]

from ipykernel.iostream import OutStream  # noqa: E402


class CappedOutStream(OutStream):
    """stdout and stderr that drop a cell's text past the cap (counted over both, per cell)."""

    cap = 0  # set from the command line; 0: no cap
    _written = {}

    def write(self, string):
        if self.cap and isinstance(string, str):
            cell = self.parent_header.get("msg_id") if isinstance(self.parent_header, dict) else None
            written = CappedOutStream._written.get(cell, 0)
            if written >= self.cap:
                return len(string)
            if cell not in CappedOutStream._written and len(CappedOutStream._written) > 16:
                CappedOutStream._written.clear()
            CappedOutStream._written[cell] = written + len(string)
        return super().write(string)


# Set while no cell runs: the preload thread imports only then (between packages), and only
# once the kernel has been quiet a moment (a learner's first cells come in a burst).
KERNEL_IDLE = threading.Event()
KERNEL_IDLE.set()
QUIET_SECONDS = 0.3
last_activity = [time.monotonic()]


def cell_started():
    KERNEL_IDLE.clear()
    last_activity[0] = time.monotonic()


def cell_ended():
    last_activity[0] = time.monotonic()
    KERNEL_IDLE.set()


def wait_for_quiet():
    while True:
        KERNEL_IDLE.wait()
        remaining = last_activity[0] + QUIET_SECONDS - time.monotonic()
        if remaining <= 0 and KERNEL_IDLE.is_set():
            return
        time.sleep(max(remaining, 0.05))


def preload():
    # A cell that arrives mid-import gets the interpreter back sooner (default 5 ms).
    default_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        import_all()
    finally:
        sys.setswitchinterval(default_interval)


def import_all():
    for name in PRELOAD:
        wait_for_quiet()
        try:
            importlib.import_module(name)
        except Exception as error:  # a missing optional package must not stop the kernel
            print(f"course kernel: could not preload {name}: {error}", file=sys.__stderr__)
        if name == "mlflow":
            try:
                # What the first `log_model` would otherwise do itself: read the table, and
                # MLflow's map of modules to packages (it reads every installed package's metadata).
                from mlflow.utils import requirements_utils

                requirements_table.install().load()
                requirements_utils._init_modules_to_packages_map()
            except Exception as error:
                print(f"course kernel: requirements table not warmed: {error}", file=sys.__stderr__)


def be_first_out_of_memory():
    """When the machine runs out of memory, the kernel's out-of-memory killer takes a learner's
    process (this kernel, what it starts: a JVM) before any of the course's services, which run
    with a lower score. Raising one's own score needs no privilege."""
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass


def main(argv):
    from ipykernel.kernelapp import IPKernelApp

    argv = list(argv)
    for argument in list(argv):
        if argument.startswith("--output-cap-bytes="):
            CappedOutStream.cap = int(argument.split("=", 1)[1])
            argv.remove(argument)
    be_first_out_of_memory()
    app = IPKernelApp.instance(outstream_class=f"{__name__}.CappedOutStream")
    app.initialize(argv)
    # Spark starts only with one of the machine's Spark slots (python/course_spark.py).
    course_spark.install()
    # The table answers from the first `log_model` on, whether or not the imports above got there first.
    requirements_table.install_on_import()
    app.shell.events.register("pre_execute", cell_started)
    app.shell.events.register("post_execute", cell_ended)
    # After ipykernel's own imports, so the two threads rarely import the same module at once;
    # counted from now, so the course's first message (its preamble) comes before the imports.
    last_activity[0] = time.monotonic()
    # A fork of the kernel forker (python/kernel_forker.py) has it all imported and read already.
    if not all(name in sys.modules for name in PRELOAD):
        threading.Thread(target=preload, name="course-preload", daemon=True).start()
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])

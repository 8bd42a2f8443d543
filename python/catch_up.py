"""Runs a lesson's cells, reference solutions in place of exercise cells, as Catch me up does.

Started by the course (server/catch-up/) in the learner's sandbox, like a Check's helpers. Reads
{"cells": [{"id": ..., "code": ...}]} on stdin and runs the cells in order in one namespace, as
a kernel would, printing what they print under a line naming each cell. The last line of stdout
is JSON: {"ok": true}, or {"failed": "<cell id>", "error": "<type>: <message>"} when a cell
raised (the traceback is printed above it). Nothing here decides whether the catch-up worked:
the course grades the learner's MLflow state afterwards.
"""

import json
import os
import sys
import traceback

# Figures are drawn to files (mlflow.log_figure); there is no display.
os.environ.setdefault("MPLBACKEND", "Agg")


def main() -> int:
    cells = json.load(sys.stdin)["cells"]
    namespace = {"__name__": "__main__"}
    for cell in cells:
        print(f"── cell {cell['id']}", flush=True)
        try:
            exec(compile(cell["code"], f"<cell {cell['id']}>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - a cell may raise anything, SystemExit included
            traceback.print_exc(file=sys.stdout)
            print(json.dumps({"failed": cell["id"], "error": f"{type(error).__name__}: {error}"[:500]}), flush=True)
            return 1
        sys.stdout.flush()
    print(json.dumps({"ok": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

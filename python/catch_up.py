"""Runs a lesson's cells, reference solutions in place of exercise cells, as Catch me up does.

Started by the course (server/catch-up/) in the learner's sandbox, like a Check's helpers. Reads
{"cells": [{"id": ..., "code": ...}]} on stdin and runs the cells in order in one namespace, as
a kernel would, printing what they print under a line naming each cell. The last line of stdout
is JSON: {"ok": true}, or {"failed": "<cell id>", "error": "<type>: <message>"} when a cell
raised (the traceback is printed above it). Nothing here decides whether the catch-up worked:
the course grades the learner's MLflow state afterwards. The verdict is checked against its
contract (python/schemas/catch-up-verdict.schema.json, from contracts/helper-answers.ts) before
it is printed; one that breaks it is not printed, and this exits 70 saying why on stderr.
"""

import json
import os
import sys
import traceback

import course_contracts

# Figures are drawn to files (mlflow.log_figure); there is no display.
os.environ.setdefault("MPLBACKEND", "Agg")


BROKEN_CONTRACT = 70  # EX_SOFTWARE: this helper's bug, not the cells'


def verdict(value, status):
    try:
        course_contracts.check("catch-up-verdict", value, what="the catch-up's verdict")
    except course_contracts.ContractError as error:
        sys.stderr.write(f"catch_up.py: {error}\n")
        return BROKEN_CONTRACT
    print(json.dumps(value), flush=True)
    return status


def main() -> int:
    cells = json.load(sys.stdin)["cells"]
    # Before any cell runs, which could otherwise stand in the way of the import.
    course_contracts.prepare("catch-up-verdict")
    namespace = {"__name__": "__main__"}
    for cell in cells:
        print(f"── cell {cell['id']}", flush=True)
        try:
            exec(compile(cell["code"], f"<cell {cell['id']}>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - a cell may raise anything, SystemExit included
            traceback.print_exc(file=sys.stdout)
            return verdict({"failed": cell["id"], "error": f"{type(error).__name__}: {error}"[:500]}, 1)
        sys.stdout.flush()
    return verdict({"ok": True}, 0)


if __name__ == "__main__":
    sys.exit(main())

"""The course's Python modules are scripts beside each other in python/, not an installed
package: the tests import them as the scripts do, from that folder."""

import copy
import json
import os
import sys

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples")
sys.path.insert(0, PYTHON_DIR)


def examples(name):
    """The examples both sides are tested on (contracts/json-schema-examples.ts, exported by scripts/export-schemas.ts)."""
    with open(os.path.join(EXAMPLES_DIR, f"{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def launch():
    """A valid launch description, as the TypeScript side's example writes one."""
    return copy.deepcopy(examples("launch-description")["valid"][0])

"""The learner's launch description, COURSE_SANDBOX_DIR/<learner>/launch.json: written by the
course (server/sandbox/launch-description.ts, readable by the course's user only: it holds the
learner's gate token), read here and checked against its contract
(python/schemas/launch-description.schema.json, from contracts/launch-description.ts) before
anything is started from it."""

import json
import os

import course_contracts


class LaunchDescriptionError(SystemExit):
    """A launch description that cannot be read or does not match its contract: nothing starts."""


def sandbox_dir():
    return os.environ["COURSE_SANDBOX_DIR"]


def description_file(learner, root=None):
    return os.path.join(root or sandbox_dir(), learner, "launch.json")


def read_launch(learner, root=None):
    path = description_file(learner, root)
    try:
        with open(path) as handle:
            launch = json.load(handle)
    except (OSError, ValueError) as error:
        raise LaunchDescriptionError(f"course sandbox: cannot read the launch description {path}: {error}") from error
    return validated(launch, path)


def validated(launch, path="launch.json"):
    try:
        return course_contracts.check("launch-description", launch, what=f"the launch description {path}")
    except course_contracts.ContractError as error:
        raise LaunchDescriptionError(f"course sandbox: not starting: {error}") from error


def not_passed_on(launch, names):
    """Those of `names` (variables a launcher was asked to pass into the sandbox) the launch description does not allow, sorted."""
    return sorted(set(names) - set(launch["passed_on"]))

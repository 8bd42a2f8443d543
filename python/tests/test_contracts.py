"""The JSON Schemas Python checks values against agree with the zod schemas they come from:
the examples the TypeScript side is tested on (contracts/json-schemas.test.ts) pass or fail here
too, and a refusal names the field."""

import os
import re

import pytest

import course_contracts
from conftest import EXAMPLES_DIR, examples

NAMES = sorted(file[: -len(".json")] for file in os.listdir(EXAMPLES_DIR) if file.endswith(".json"))


def names_field(message, field):
    """Whether a message points at `field` itself: in a path (`$.limits.pids`, `$.passed_on[1]`)
    or quoted as a property that is missing or unexpected; a value that merely contains the name does not count."""
    return bool(re.search(rf"\.{re.escape(field)}(\[\d+\])*[.:\s]|'{re.escape(field)}' (is a required property|was unexpected)", message))


def test_every_schema_has_examples():
    schemas = sorted(file[: -len(".schema.json")] for file in os.listdir(course_contracts.SCHEMA_DIR))
    assert NAMES == schemas
    assert len(NAMES) == 6


@pytest.mark.parametrize("name", NAMES)
def test_accepts_the_valid_examples(name):
    for value in examples(name)["valid"]:
        assert course_contracts.check(name, value) is value


@pytest.mark.parametrize("name", NAMES)
def test_refuses_the_invalid_examples_naming_the_field(name):
    invalid = examples(name)["invalid"]
    assert invalid
    for example in invalid:
        with pytest.raises(course_contracts.ContractError) as refused:
            course_contracts.check(name, example["value"])
        assert names_field(str(refused.value), example["field"]), (example["why"], str(refused.value))


def test_a_union_is_described_by_its_closest_alternative():
    with pytest.raises(course_contracts.ContractError) as refused:
        course_contracts.check("spark-check-answer", {"code": -1, "found": {}})
    assert "$.code: -1 is less than the minimum of 0" in str(refused.value)
    assert "not valid under any" not in str(refused.value)


def test_the_message_names_the_value_and_its_schema():
    with pytest.raises(course_contracts.ContractError, match=r"^the answer does not match its contract \(catch-up-verdict\.schema\.json\): \$: 'ok' is a required property$"):
        course_contracts.check("catch-up-verdict", {}, what="the answer")


def test_a_long_value_is_quoted_in_part():
    with pytest.raises(course_contracts.ContractError) as refused:
        course_contracts.check("catch-up-verdict", {"failed": "x" * 5000, "error": 1})
    assert len(str(refused.value)) < 1000


def test_names_field_does_not_count_a_mention_in_a_value():
    assert names_field("$.limits: 'pids' is a required property", "pids")
    assert names_field("$.passed_on[1]: 'LD_PRELOAD' is not one of [...]", "passed_on")
    assert not names_field("$: {'code': -1} is not valid under any of the given schemas", "code")


def test_the_format_modules_jsonschema_skips_stay_importable():
    """They are kept out only while jsonschema imports (it does not need them, one is slow): a
    learner's code or MLflow importing them later gets the real modules."""
    course_contracts.prepare("catch-up-verdict")
    import idna

    assert idna.encode("example.org") == b"example.org"

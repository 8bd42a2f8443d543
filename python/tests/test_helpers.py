"""The helpers check their own answers against their contracts before writing them: a valid
answer goes out as it is, one that breaks its contract is loud (a platform failure naming the
field, or no verdict and exit 70), never a silent bad answer."""

import io
import json
import os
import subprocess
import sys

import pytest

import course_contracts
from conftest import PYTHON_DIR


def helper(script, stdin, *args):
    return subprocess.run([sys.executable, os.path.join(PYTHON_DIR, script), *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_spark_check_answers_and_announces_within_its_contracts():
    done = helper("spark_check.py", "def predict_label_with_mlflow_udf(spark, df:\n")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert course_contracts.check("spark-check-answer", answer) == {"code": 0, "found": {"syntax_error": answer["found"]["syntax_error"]}}
    stages = [json.loads(line.split(" ", 1)[1]) for line in done.stderr.splitlines() if line.startswith("SPARK_CHECK_STAGE ")]
    assert [stage["stage"] for stage in stages] == ["compile", "done"]
    for stage in stages:
        course_contracts.check("spark-check-stage", stage)


def test_spark_check_without_the_function_needs_no_spark():
    done = helper("spark_check.py", "x = 1\n")
    assert json.loads(done.stdout) == {"code": 0, "found": {"defined": False, "functions": []}}


def test_spark_check_turns_a_broken_contract_into_a_platform_failure():
    sys.path.insert(0, PYTHON_DIR)
    import spark_check

    with pytest.raises(spark_check.PlatformFailure) as failed:
        spark_check.checked("spark-check-answer", {"code": 0, "found": {"columns": [1]}})
    assert failed.value.kind == "invalid_answer"
    assert "$.found.columns[0]: 1 is not of type 'string'" in str(failed.value)


def test_expected_predictions_answers_a_bad_request_within_its_contract():
    done = helper("expected_predictions.py", json.dumps({"dataset": "digits"}))
    assert done.returncode == 1
    answer = course_contracts.check("expected-predictions-answer", json.loads(done.stdout))
    assert answer["error"]["kind"] == "bad_request"


def test_expected_predictions_answers_invalid_answer_naming_the_field():
    import expected_predictions

    out = io.StringIO()
    assert expected_predictions.answer({"predictions": {"label": 0}, "model_uri": "models:/IrisModel/Staging"}, out) == 1
    answer = json.loads(out.getvalue())
    assert answer["error"]["kind"] == "invalid_answer"
    assert "$.predictions: {'label': 0} is not of type 'array'" in answer["error"]["message"]
    out = io.StringIO()
    assert expected_predictions.answer({"predictions": [0, 1], "model_uri": "m"}, out) == 0
    assert json.loads(out.getvalue()) == {"predictions": [0, 1], "model_uri": "m"}


def test_catch_up_gives_its_verdict_within_its_contract():
    ran = helper("catch_up.py", json.dumps({"cells": [{"id": "a", "code": "print(1)"}]}))
    assert ran.returncode == 0
    assert ran.stdout.splitlines() == ["── cell a", "1", '{"ok": true}']
    failed = helper("catch_up.py", json.dumps({"cells": [{"id": "a", "code": "raise ValueError('no')"}]}))
    assert failed.returncode == 1
    assert json.loads(failed.stdout.splitlines()[-1]) == {"failed": "a", "error": "ValueError: no"}


def test_catch_up_gives_no_verdict_that_breaks_its_contract():
    # A cell id that is not text (the course sends text): the verdict would say `failed: 3`.
    broken = helper("catch_up.py", json.dumps({"cells": [{"id": 3, "code": "raise ValueError('no')"}]}))
    assert broken.returncode == 70
    assert not broken.stdout.splitlines()[-1].startswith("{")
    assert "catch_up.py: the catch-up's verdict does not match its contract (catch-up-verdict.schema.json): $.failed: 3 is not of type 'string'" in broken.stderr

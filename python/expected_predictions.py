"""Predictions of a registered model as MLflow itself computes them.

The grader's model-serving check compares a learner's model server with this, and its
spark-integration check the labels a learner's Spark code computed (this process runs none
of the learner's code, so what it answers is the grader's own reference).
Reads JSON on stdin, either a list of rows or
    {"rows": [[...], ...], "columns": ["sepal length (cm)", ...], "model_uri": "models:/IrisModel/Staging"}
or, for the 150 rows of scikit-learn's iris data set with its four feature columns,
    {"dataset": "iris", "model_uri": "..."}
and prints one JSON line on stdout:
    {"predictions": [...], "model_uri": "..."}                      exit 0
    (with "dataset": also "rows": [[...], ...] and "columns": [...], the rows predicted)
    {"error": {"kind": "model_not_found" | "mlflow_unreachable" | "load_failed" | "predict_failed" | "bad_request"
                       | "invalid_answer",
               "message": "..."}}                                   exit 1
The answer is checked against its contract (python/schemas/expected-predictions-answer.schema.json,
from contracts/helper-answers.ts) before it is written; one that breaks it (predictions that are
not a list, say) is answered as the failure "invalid_answer", naming the field.
MLFLOW_TRACKING_URI (and MLFLOW_WORKSPACE in classroom mode) come from the environment.
"""

import json
import os
import sys

import course_contracts

DEFAULT_MODEL_URI = "models:/IrisModel/Staging"
IRIS_COLUMNS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]

# Fail fast when MLflow is down: the client's default retries take minutes,
# and the grader has its own time limit.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def answer(payload, stdout):
    """Writes the answer; returns the exit status that goes with it."""
    try:
        course_contracts.check("expected-predictions-answer", payload, what="the expected predictions' answer")
    except course_contracts.ContractError as error:
        payload = course_contracts.check("expected-predictions-answer", {"error": {"kind": "invalid_answer", "message": str(error)[:2000]}})
    stdout.write(json.dumps(payload) + "\n")
    stdout.flush()
    return 1 if "error" in payload else 0


def fail(kind, message, stdout):
    return answer({"error": {"kind": kind, "message": str(message)[:2000]}}, stdout)


def classify_load_error(error):
    text = str(error)
    code = getattr(error, "error_code", "")
    if "API request to" in text and "failed with exception" in text:
        return "mlflow_unreachable"
    if code == "RESOURCE_DOES_NOT_EXIST" or "No versions of model" in text or "not found" in text.lower():
        return "model_not_found"
    return "load_failed"


def to_plain(values):
    """numpy arrays, pandas objects and numpy scalars to JSON values."""
    if hasattr(values, "to_numpy"):
        values = values.to_numpy()
    if hasattr(values, "tolist"):
        values = values.tolist()
    return values


def iris_frame():
    """The 150 iris rows with their four feature columns, as scikit-learn ships them."""
    from sklearn.datasets import load_iris

    return load_iris(as_frame=True).data[IRIS_COLUMNS]


def main():
    stdout = sys.stdout
    # MLflow, scikit-learn and warnings may print: stdout carries only the answer.
    sys.stdout = sys.stderr
    # Before the learner's model is loaded, which runs its code.
    course_contracts.prepare("expected-predictions-answer")
    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        return fail("bad_request", f"stdin is not JSON: {error}", stdout)
    if isinstance(request, list):
        request = {"rows": request}
    if not isinstance(request, dict):
        return fail("bad_request", "expected a list of rows or an object", stdout)
    dataset = request.get("dataset")
    rows = request.get("rows")
    columns = request.get("columns")
    model_uri = request.get("model_uri") or DEFAULT_MODEL_URI
    if dataset is not None and dataset != "iris":
        return fail("bad_request", f"unknown dataset {dataset!r} (only 'iris')", stdout)
    if dataset is None and (not isinstance(rows, list) or not rows):
        return fail("bad_request", "expected a non-empty list of rows", stdout)

    import mlflow
    import numpy
    import pandas

    try:
        model = mlflow.pyfunc.load_model(model_uri)
    except Exception as error:  # noqa: BLE001 - every failure becomes a classified answer
        return fail(classify_load_error(error), error, stdout)

    if dataset == "iris":
        # A data set is a DataFrame with its columns' names, as the exercises score it.
        data = iris_frame()
    else:
        # Feed the rows the way the model was trained: named columns when its
        # signature names them, a plain float matrix otherwise.
        schema = model.metadata.get_input_schema()
        if schema is not None and schema.has_input_names() and columns:
            data = pandas.DataFrame(rows, columns=columns)
        else:
            data = numpy.asarray(rows, dtype=float)
    try:
        predictions = model.predict(data)
    except Exception as error:  # noqa: BLE001
        return fail("predict_failed", error, stdout)
    result = {"predictions": to_plain(predictions), "model_uri": model_uri}
    if dataset is not None:
        result.update({"rows": data.to_numpy().tolist(), "columns": list(data.columns)})
    return answer(result, stdout)


if __name__ == "__main__":
    sys.exit(main())

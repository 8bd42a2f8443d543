"""Predictions of a registered model as MLflow itself computes them.

The grader's model-serving check compares a learner's model server with this.
Reads JSON on stdin, either a list of rows or
    {"rows": [[...], ...], "columns": ["sepal length (cm)", ...], "model_uri": "models:/IrisModel/Staging"}
and prints one JSON line on stdout:
    {"predictions": [...], "model_uri": "..."}                      exit 0
    {"error": {"kind": "model_not_found" | "mlflow_unreachable" | "load_failed" | "predict_failed" | "bad_request",
               "message": "..."}}                                   exit 1
MLFLOW_TRACKING_URI (and MLFLOW_WORKSPACE in classroom mode) come from the environment.
"""

import json
import os
import sys

DEFAULT_MODEL_URI = "models:/IrisModel/Staging"

# Fail fast when MLflow is down: the client's default retries take minutes,
# and the grader has its own time limit.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def answer(payload, stdout):
    stdout.write(json.dumps(payload) + "\n")
    stdout.flush()


def fail(kind, message, stdout):
    answer({"error": {"kind": kind, "message": str(message)[:2000]}}, stdout)
    return 1


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


def main():
    stdout = sys.stdout
    # MLflow, scikit-learn and warnings may print: stdout carries only the answer.
    sys.stdout = sys.stderr
    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        return fail("bad_request", f"stdin is not JSON: {error}", stdout)
    if isinstance(request, list):
        request = {"rows": request}
    rows = request.get("rows")
    columns = request.get("columns")
    model_uri = request.get("model_uri") or DEFAULT_MODEL_URI
    if not isinstance(rows, list) or not rows:
        return fail("bad_request", "expected a non-empty list of rows", stdout)

    import mlflow
    import numpy
    import pandas

    try:
        model = mlflow.pyfunc.load_model(model_uri)
    except Exception as error:  # noqa: BLE001 - every failure becomes a classified answer
        return fail(classify_load_error(error), error, stdout)

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
    answer({"predictions": to_plain(predictions), "model_uri": model_uri}, stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

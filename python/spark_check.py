"""Runs a learner's `predict_label_with_mlflow_udf(spark, df)` in a fresh Spark session and
reports what it did, for the grader's spark-integration exercise.

    python spark_check.py [--answer-fd N] [--gate-fd M] [CODE.py ...]

The code comes on stdin, or from the files given (one answer each, all in one Spark session:
the tests use that, as starting Spark costs seconds).

This process runs the learner's code, so nothing it says can be trusted to grade with: it only
reports what the learner's function did. It never loads the Staging model nor computes the
expected labels or the agreement: the grader does, from the rows reported here and the
predictions of python/expected_predictions.py, a separate process that runs no learner code.

Answers: one JSON line per piece of code, {"code": <index>, "found": {...}}, or
{"code": <index>, "error": {kind, message}} when the platform failed (Spark could not start, or
this helper's own answer broke its contract: kind "invalid_answer"). Answers and stage lines are
checked against their contracts (python/schemas/spark-check-*.schema.json, from
contracts/helper-answers.ts) before they are written.
They go to file descriptor N (`--answer-fd`, which the grader opens as a pipe of its own), or
to stdout without it (manual runs). Everything else (the learner's prints to stdout or stderr,
MLflow's, the JVM's, which writes to file descriptor 1 directly) goes to stderr.

`found` holds what was found, in the order it is looked at (keys appear only once known):
    syntax_error  {line, column, message, text}        the code does not compile; nothing ran
    exception     {stage, type, message, traceback}    the learner's code raised; stage is
                  "define" (the cell's top-level code), "call" (the function) or "compute"
                  (Spark computing the returned DataFrame); the traceback keeps only frames
                  from the learner's code, and temporary paths are shortened
    defined, callable, found_type, signature, accepts_spark_and_df, functions
    result_type, is_dataframe, columns, label_type
    result_rows   [[f1, f2, f3, f4, predicted_label], ...]   the returned DataFrame's rows,
                  its four feature columns and the label (at most MAX_ROWS of them)
    row_count     how many rows it had

The gate: before calling the function (after Spark started), the helper reads one JSON line
from file descriptor M (`--gate-fd`): {"call": true}, or {"call": false} when the grader found
no version of the model in Staging (the function is then not called). Without `--gate-fd`
the function is always called.

Exit status 0 when the learner's code was checked (whatever it did), 1 on a platform error.

Progress goes to stderr as lines `SPARK_CHECK_STAGE {"stage": ..., "found": {...}}`, so that a
grader that stops this process at its time limit knows what was running and what had been
found. The grader stops it by killing its process group: Spark's JVM and its Python workers are
children in the same group (PySpark does not start a new session for them).

Environment: MLFLOW_TRACKING_URI (and MLFLOW_WORKSPACE), SPARK_MASTER (default local[*]).
"""

import argparse
import builtins
import inspect
import json
import linecache
import math
import os
import re
import sys
import tempfile
import traceback
import warnings

import course_contracts

FUNCTION = "predict_label_with_mlflow_udf"
LABEL = "predicted_label"
FEATURES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
STDIN_NAME = "<your code>"
STAGE_PREFIX = "SPARK_CHECK_STAGE "
# Rows reported from the learner's result (iris has 150; the rest are only counted).
MAX_ROWS = 10_000

# Fail fast when MLflow is down: the client's default retries take minutes.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
# Spark's Python workers must be this Python (pandas, MLflow, scikit-learn), not the system's.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
warnings.filterwarnings("ignore")


class PlatformFailure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------- messages


_TEMP_ROOTS = sorted({tempfile.gettempdir(), "/tmp", "/var/tmp"}, key=len, reverse=True)
_TEMP_PATH = re.compile("(?:" + "|".join(re.escape(root) for root in _TEMP_ROOTS) + r")/(?:[^/\s'\"]+/)*")


def shorten_paths(text):
    """`/tmp/tmpk2j3/model/MLmodel` -> `.../MLmodel`: temporary folders mean nothing to a learner."""
    return _TEMP_PATH.sub(".../", text)


def display_name(path):
    return shorten_paths(os.path.abspath(path)) if os.path.abspath(path).startswith(tuple(_TEMP_ROOTS)) else path


def trim(text, max_lines=12, max_chars=1500):
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ["..."]
    text = "\n".join(lines)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "..."


_CARETS = re.compile(r"^\s*[\^~]+\s*$")
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)|[A-Za-z_][\w.]*\.[A-Z]\w*)(: .*)?$")


def worker_error(message, filename):
    """The useful part of an error raised in a Spark Python worker: the learner's frames and the
    exception line(s), without PySpark's frames and the JVM stack trace."""
    message = message.split("JVM stacktrace:")[0]
    _, marker, tail = message.rpartition("Traceback (most recent call last):")
    if not marker:
        return None
    lines = tail.strip("\n").splitlines()
    kept, exception_lines, index = [], [], 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("  File "):
            if f'"{filename}"' in line:
                kept.append(line)
                if index + 1 < len(lines) and lines[index + 1].startswith("    ") and not _CARETS.match(lines[index + 1]):
                    kept.append(lines[index + 1])
            index += 1
            continue
        if not line.startswith(" ") and line.strip():
            exception_lines = lines[index:]
            break
        index += 1
    if not exception_lines:
        return None
    # Drop the blank line and anything PySpark appends after the Python error.
    body = []
    for line in exception_lines:
        if not line.strip():
            break
        body.append(line)
    first = body[0]
    match = _EXCEPTION_LINE.match(first)
    error_type = match.group(1).rsplit(".", 1)[-1] if match else None
    error_message = "\n".join(body)
    if match:
        error_message = error_message[len(match.group(1)) + 2 :] if match.group(2) else ""
    return {"type": error_type, "message": error_message, "frames": kept}


def describe_exception(error, stage, filename):
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]
    error_type = type(error).__name__
    message = str(error)
    worker_frames = []
    if "Traceback (most recent call last):" in message:
        found = worker_error(message, filename)
        if found:
            error_type = found["type"] or error_type
            message = found["message"]
            worker_frames = found["frames"]
    message = trim(shorten_paths(message))
    # PySpark 4 rebuilds a worker's traceback on the exception it raises in the driver, so
    # the learner's frames may be on both; keep one copy, and no caret lines (positions in a
    # rebuilt traceback are wrong).
    frame_lines = [
        line
        for text in traceback.format_list(frames)
        for line in text.rstrip("\n").splitlines()
        if not _CARETS.match(line)
    ] or worker_frames
    lines = []
    if frame_lines:
        lines.append("Traceback (most recent call last):")
        lines.extend(frame_lines)
    lines.append(f"{error_type}: {message}" if message else error_type)
    return {"stage": stage, "type": error_type, "message": message, "traceback": shorten_paths("\n".join(lines))}


def to_json_value(value):
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and infinities are not JSON
    if isinstance(value, float) and value.is_integer():
        return int(value) if abs(value) < 2**53 else value
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    return str(value)


def checked(contract, value):
    """`value` when it matches its contract; a platform failure otherwise (this helper's bug, never the learner's)."""
    try:
        return course_contracts.check(contract, value)
    except course_contracts.ContractError as error:
        raise PlatformFailure("invalid_answer", str(error)) from error


# ---------------------------------------------------------------- the check


class Gate:
    """The grader's word on whether to call the function: read once, when first needed."""

    def __init__(self, fd):
        self.fd = fd
        self.decision = None

    def call(self):
        if self.decision is None:
            if self.fd is None:
                self.decision = True
            else:
                with os.fdopen(self.fd, "r", encoding="utf-8", closefd=True) as gate:
                    line = gate.readline()
                try:
                    decision = json.loads(line)
                except ValueError:
                    decision = None
                if not isinstance(decision, dict) or not isinstance(decision.get("call"), bool):
                    raise PlatformFailure("gate", f"the grader did not say whether to call the function ({line.strip()[:100]!r})")
                self.decision = decision["call"]
        return self.decision


class Checker:
    """One per process: the iris data and the Spark session are made once."""

    def __init__(self, stage_out, gate):
        self.stage_out = stage_out
        self.gate = gate
        self.iris = None
        self.spark = None

    def stage(self, name, found):
        line = checked("spark-check-stage", {"stage": name, "found": found})
        self.stage_out.write(STAGE_PREFIX + json.dumps(line) + "\n")
        self.stage_out.flush()

    def start_spark(self):
        if self.spark is not None:
            return self.spark
        master = os.environ.get("SPARK_MASTER") or "local[*]"
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        try:
            from pyspark.sql import SparkSession

            builder = (
                SparkSession.builder.master(master)
                .appName("mlflow-training-check")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.log.level", "ERROR")
                .config("spark.sql.shuffle.partitions", "4")
                # The JVM sized for 150 rows, as a learner's session (python/course_spark.py): a
                # 512 MB heap, the serial collector and the first JIT tier start it sooner on a
                # busy machine. Scratch files in this process's temporary folder (the grader
                # removes it); no JVM performance-data file left in /tmp when the grader kills it.
                .config("spark.driver.memory", "512m")
                .config(
                    "spark.driver.extraJavaOptions",
                    f"-Djava.io.tmpdir={tempfile.gettempdir()} -XX:-UsePerfData -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m -Xss512k",
                )
            )
            self.spark = builder.getOrCreate()
            self.spark.sparkContext.setLogLevel("ERROR")
        except Exception as error:  # noqa: BLE001
            raise PlatformFailure("spark_failed", f"Spark could not start (is Java 17 installed?): {trim(str(error), 4, 600)}") from error
        return self.spark

    def iris_dataframe(self):
        if self.iris is None:
            from sklearn.datasets import load_iris

            self.iris = load_iris(as_frame=True).data[FEATURES]
        return self.spark.createDataFrame(self.iris)

    def check(self, source, filename):
        found = {}
        self.stage("compile", found)
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
        except SyntaxError as error:  # IndentationError and TabError too
            found["syntax_error"] = {
                "line": error.lineno,
                "column": error.offset,
                "message": f"{type(error).__name__ + ': ' if type(error) is not SyntaxError else ''}{error.msg}",
                "text": (error.text or "").strip()[:200],
            }
            return found
        except ValueError as error:  # e.g. null bytes
            found["syntax_error"] = {"line": None, "column": None, "message": str(error), "text": ""}
            return found
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)

        self.stage("define", found)
        namespace = {"__name__": "__exercise__", "__builtins__": builtins}
        try:
            exec(code, namespace)  # noqa: S102 - running the learner's code is the point
        except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the learner's too
            found["exception"] = describe_exception(error, "define", filename)
            return found
        function = namespace.get(FUNCTION)
        found["defined"] = FUNCTION in namespace
        found["functions"] = sorted(
            name for name, value in namespace.items() if inspect.isfunction(value) and value.__code__.co_filename == filename
        )
        if not found["defined"]:
            return found
        found["callable"] = callable(function)
        if not found["callable"]:
            found["found_type"] = type(function).__name__
            return found
        try:
            signature = inspect.signature(function)
            found["signature"] = str(signature)
            signature.bind(None, None)
            found["accepts_spark_and_df"] = True
        except TypeError:
            found["accepts_spark_and_df"] = False
            return found
        except ValueError:  # builtins without a signature: let the call tell
            found["accepts_spark_and_df"] = True

        self.stage("start_spark", found)
        self.start_spark()
        df = self.iris_dataframe()
        # The grader loads models:/IrisModel/Staging in a process of its own meanwhile; with no
        # version in Staging it says not to call the function.
        self.stage("load_model", found)
        if not self.gate.call():
            return found

        self.stage("call", found)
        try:
            result = function(self.spark, df)
        except BaseException as error:  # noqa: BLE001
            found["exception"] = describe_exception(error, "call", filename)
            return found
        from pyspark.sql import DataFrame

        found["result_type"] = f"{type(result).__module__}.{type(result).__qualname__}"
        found["is_dataframe"] = isinstance(result, DataFrame)
        if not found["is_dataframe"]:
            return found
        self.stage("inspect", found)
        try:
            schema = result.schema
        except BaseException as error:  # noqa: BLE001 - Spark Connect resolves lazily
            found["exception"] = describe_exception(error, "call", filename)
            return found
        found["columns"] = list(schema.names)
        if LABEL in found["columns"]:
            found["label_type"] = schema[LABEL].dataType.simpleString()
        if LABEL not in found["columns"] or any(name not in found["columns"] for name in FEATURES):
            return found

        self.stage("compute", found)
        try:
            rows = result.select(*[result[name] for name in FEATURES], result[LABEL]).collect()
        except BaseException as error:  # noqa: BLE001
            found["exception"] = describe_exception(error, "compute", filename)
            return found
        # The rows as they are: the grader compares them with the Staging model's predictions.
        found["result_rows"] = [[to_json_value(value) for value in row] for row in rows[:MAX_ROWS]]
        found["row_count"] = len(rows)
        return found

    def stop(self):
        if self.spark is not None:
            try:
                self.spark.stop()
            except Exception:  # noqa: BLE001
                pass


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="spark_check.py")
    parser.add_argument("--answer-fd", type=int, help="write the answers to this file descriptor (default: stdout)")
    parser.add_argument("--gate-fd", type=int, help="read whether to call the function from this file descriptor")
    parser.add_argument("files", nargs="*")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    # Only the answers go to the answer channel. Everything else (the learner's prints, MLflow,
    # and the JVM, which writes to file descriptor 1 directly) goes to stderr. The channels are
    # not inherited by Spark's JVM, its workers or anything else this process starts.
    for fd in (args.answer_fd, args.gate_fd):
        if fd is not None:
            os.set_inheritable(fd, False)
    if args.answer_fd is not None:
        answer_out = os.fdopen(args.answer_fd, "w", encoding="utf-8")
    else:
        answer_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    if args.files:
        sources = []
        for path in args.files:
            with open(path, encoding="utf-8", errors="replace") as file:
                sources.append((file.read(), display_name(path)))
    else:
        sources = [(sys.stdin.read(), STDIN_NAME)]

    # Before any learner code runs, which could otherwise stand in the way of the import.
    for contract in ("spark-check-stage", "spark-check-answer"):
        course_contracts.prepare(contract)
    checker = Checker(sys.stderr, Gate(args.gate_fd))
    status = 0
    try:
        for index, (source, name) in enumerate(sources):
            try:
                answer = checked("spark-check-answer", {"code": index, "found": checker.check(source, name)})
            except PlatformFailure as failure:
                answer = course_contracts.check("spark-check-answer", {"code": index, "error": {"kind": failure.kind, "message": str(failure)}})
                status = 1
            answer_out.write(json.dumps(answer, allow_nan=False) + "\n")
            answer_out.flush()
            if status:
                break
        checker.stage("done", {})
    finally:
        checker.stop()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The Serve panel's model server: MLflow's own scoring server (the app `mlflow models serve`
runs, with its routes, answers and request timeout) for one registered model, served by uvicorn
in this process.

    python course_scoring_server.py --model-uri URI --port PORT [--host HOST] [--timeout SECONDS]

`mlflow models serve -m URI -p PORT -h HOST --env-manager local` keeps the `mlflow` command
running as the parent of a `uvicorn` process that imports MLflow again: two interpreters of
about 180 MB each per learner. This does the same steps in one: download the model (through
the tracking URI, as the CLI does), pick the flavor backend as the CLI does (python_function),
set the variables the CLI sets for uvicorn, load the model as MLflow's scoring app module does,
and run uvicorn with the settings of uvicorn's own command line. The kernel forker
(python/kernel_forker.py) imports what this needs once and runs `main` in its forks; without a
forker the course starts this file, inside the learner's sandbox or directly.
"""

import argparse
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# What serving imports: the kernel forker imports these before it forks (after the kernel's), so a
# fork's first model and requests import nothing of their own. The last ones are what loading and
# scoring the lessons' scikit-learn model imported beyond that (measured).
SCORING_STACK = (
    "mlflow.pyfunc.scoring_server",
    "mlflow.pyfunc.backend",
    "mlflow.models.flavor_backend_registry",
    "mlflow.tracking.artifact_utils",
    "mlflow.store.artifact.models_artifact_repo",
    "fastapi",
    "fastapi.responses",
    "uvicorn",
    "uvicorn.config",
    "uvicorn.server",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.websockets.auto",
    "uvicorn.logging",
    "mlflow.rfunc.backend",
    "pyarrow.pandas_compat",
    "pyarrow.vendored.version",
    "narwhals._namespace",
    "narwhals.stable.v2._namespace",
    "narwhals._interchange.dataframe",
    "narwhals._pandas_like.dataframe",
    "narwhals._pandas_like.namespace",
    "encodings.cp437",
)


class ServeArgumentError(ValueError):
    """Arguments the scoring server does not take."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ServeArgumentError(message)


def parse_args(argv):
    """The scoring server's settings from its command line; ServeArgumentError when they are not usable."""
    parser = _Parser(prog="course_scoring_server.py", add_help=False)
    parser.add_argument("--model-uri", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--timeout", type=int)
    args = parser.parse_args(argv)
    if not args.model_uri.strip() or args.model_uri.startswith("-"):
        raise ServeArgumentError("--model-uri: not a model URI")
    if not 0 < args.port < 65536:
        raise ServeArgumentError(f"--port: {args.port} is not a port")
    if not args.host or any(character.isspace() for character in args.host):
        raise ServeArgumentError("--host: not an address")
    if args.timeout is not None and args.timeout <= 0:
        raise ServeArgumentError("--timeout: must be a number of seconds")
    return args


def import_stack():
    import importlib

    for name in SCORING_STACK:
        try:
            importlib.import_module(name)
        except ImportError as error:  # another version of a package: the fork imports what it needs itself
            print(f"course scoring server: could not preload {name}: {error}", file=sys.stderr)


def load_app(model_uri, port, host, timeout):
    """MLflow's scoring app for the model, prepared as `mlflow models serve --env-manager local` prepares it."""
    from mlflow.models import Model
    from mlflow.models import flavor_backend_registry
    from mlflow.pyfunc import FLAVOR_NAME, scoring_server
    from mlflow.tracking.artifact_utils import _download_artifact_from_uri
    from mlflow.utils import env_manager

    # The CLI downloads the model twice (once to choose the backend, once to serve); once is enough.
    local_path = _download_artifact_from_uri(model_uri)
    flavor, backend = flavor_backend_registry._get_flavor_backend_for_local_model(
        Model.load(local_path), env_manager=env_manager.LOCAL, workers=None, install_mlflow=False
    )
    if backend is None:
        raise Exception("No suitable flavor backend was found for the model.")
    flavor_backend_registry._logger.info("Selected backend for flavor '%s'", flavor)
    if flavor != FLAVOR_NAME:
        raise Exception(f"The course serves {FLAVOR_NAME} models; this one has the {flavor} flavor.")
    # The variables the CLI gives uvicorn's process: where the model is, and the request timeout.
    _, command_env = scoring_server.get_cmd(local_path, port, host, timeout, 1)
    for name in (scoring_server._SERVER_MODEL_PATH, "MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT"):
        os.environ[name] = command_env[name]
    # As mlflow/pyfunc/scoring_server/app.py, the module uvicorn imports, builds it.
    return scoring_server.init(scoring_server.load_model_with_mlflow_config(os.environ[scoring_server._SERVER_MODEL_PATH]))


# Set by the course where the server's address is shared (no sandbox: every multi-host setup): the
# server answers only under this path, which only its learner's kernel and the course are told.
PRIVATE_PATH_VARIABLE = "COURSE_SCORING_PATH"
NOT_HERE = (
    b'{"error_code": "NOT_FOUND", "message": "This model server answers only at the address the course '
    b'gave its learner (MODEL_SERVER_URL in their kernel, the Serve panel\'s address)."}'
)


def private_path(value):
    """The path prefix from COURSE_SCORING_PATH ("/s/<secret>"), or "" when unset."""
    if not value:
        return ""
    if not value.startswith("/s/") or len(value) < 20 or "/" in value[3:] or any(c.isspace() for c in value):
        raise ServeArgumentError(f"{PRIVATE_PATH_VARIABLE}: not a private path")
    return value


def only_under(app, prefix):
    """ASGI: an HTTP request under `prefix` reaches `app` with the prefix removed; any other is 404."""

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        path = scope.get("path", "")
        if path == prefix or path.startswith(prefix + "/"):
            inner = path[len(prefix):] or "/"
            return await app({**scope, "path": inner, "raw_path": inner.encode()}, receive, send)
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": NOT_HERE})

    return guarded


def main(argv):
    args = parse_args(argv)
    prefix = private_path(os.environ.pop(PRIVATE_PATH_VARIABLE, ""))
    import uvicorn

    # Code is found as uvicorn's command line finds it: from the working folder (the learner's), not from here.
    sys.path[:] = [entry for entry in sys.path if entry != HERE]
    app = load_app(args.model_uri.strip(), args.port, args.host, args.timeout)
    if prefix:
        app = only_under(app, prefix)
    logging.getLogger("mlflow").info("Serving %s with MLflow's scoring server on http://%s:%d", args.model_uri.strip(), args.host, args.port)
    # One process, as `--workers 1` runs it; app_dir "" is the command line's default.
    uvicorn.run(app, host=args.host, port=args.port, app_dir="")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except ServeArgumentError as error:
        sys.stderr.write(f"course_scoring_server.py: {error}\n")
        raise SystemExit(2) from None

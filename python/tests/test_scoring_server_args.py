"""python/course_scoring_server.py's command line: what `mlflow models serve -m -p -h -t` takes, nothing that would start more processes."""

import pytest

from course_scoring_server import ServeArgumentError, parse_args


def test_takes_the_model_port_host_and_timeout():
    args = parse_args(["--model-uri", "models:/IrisModel@champion", "--port", "5050", "--host", "0.0.0.0", "--timeout", "30"])
    assert (args.model_uri, args.port, args.host, args.timeout) == ("models:/IrisModel@champion", 5050, "0.0.0.0", 30)


def test_serves_on_loopback_with_mlflows_timeout_unless_told():
    args = parse_args(["--model-uri", "models:/IrisModel/Staging", "--port", "5050"])
    assert (args.host, args.timeout) == ("127.0.0.1", None)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "5050"], "--model-uri"),
        (["--model-uri", "models:/M/1"], "--port"),
        (["--model-uri", "models:/M/1", "--port", "http"], "invalid int value"),
        (["--model-uri", "models:/M/1", "--port", "70000"], "70000 is not a port"),
        (["--model-uri", "  ", "--port", "5050"], "not a model URI"),
        (["--model-uri=--help", "--port", "5050"], "not a model URI"),
        (["--model-uri", "models:/M/1", "--port", "5050", "--host", "a b"], "not an address"),
        (["--model-uri", "models:/M/1", "--port", "5050", "--timeout", "0"], "number of seconds"),
        (["--model-uri", "models:/M/1", "--port", "5050", "--workers", "2"], "unrecognized arguments"),
    ],
)
def test_refuses(argv, message):
    with pytest.raises(ServeArgumentError, match=message):
        parse_args(argv)

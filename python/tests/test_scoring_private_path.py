"""A model server on a shared address answers only under its private path (COURSE_SCORING_PATH)."""

import asyncio
import json

import pytest

from course_scoring_server import ServeArgumentError, only_under, private_path

SECRET = "/s/AbCdEfGhIjKlMnOpQrStUvWx"


def call(path):
    seen, sent = {}, []

    async def inner(scope, receive, send):
        seen.update(path=scope["path"], raw_path=scope["raw_path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    asyncio.run(only_under(inner, SECRET)({"type": "http", "path": path, "raw_path": path.encode()}, receive, send))
    return seen, sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize(("path", "reaches"), [(f"{SECRET}/invocations", "/invocations"), (f"{SECRET}/ping", "/ping"), (SECRET, "/")])
def test_a_request_under_the_private_path_reaches_the_app_without_it(path, reaches):
    seen, status, body = call(path)
    assert (seen["path"], seen["raw_path"], status, body) == (reaches, reaches.encode(), 200, b"ok")


@pytest.mark.parametrize(
    "path",
    # Tried as another learner would: no path, another one, a longer one, dot segments, case, doubled slashes.
    ["/invocations", "/ping", "/s/other/invocations", f"{SECRET}x/ping", "/", "/s/../invocations", "/s/%2e%2e/invocations", SECRET.upper() + "/ping", "/" + SECRET + "/ping", SECRET[:-1] + "/ping"],
)
def test_any_other_path_is_not_found_and_says_where_the_server_answers(path):
    seen, status, body = call(path)
    assert seen == {} and status == 404
    assert "MODEL_SERVER_URL" in json.loads(body)["message"]


def test_the_variable_must_be_a_private_path():
    assert private_path("") == ""
    assert private_path(SECRET) == SECRET
    for bad in ("/invocations", "/s/short", "/s/a/b/cdefghijklmnopqrstuvw", "/s/has space inside it"):
        with pytest.raises(ServeArgumentError):
            private_path(bad)

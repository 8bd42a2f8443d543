"""python/course_spark.py: a kernel's Spark waits for a slot from the course, holds it while its JVM
runs, and gives it back when Spark stops or the course asks for it (tried against a small HTTP server
that answers as the course's gate does, and a stand-in for pyspark's context module)."""

import http.server
import json
import threading
import time
import types

import pytest

import course_spark


class Gate:
    """Answers /mlflow-gate/course/spark-session as the course does: NDJSON lines, then holds the answer open."""

    def __init__(self, lines, status=200, body=b""):
        self.lines, self.status, self.body = lines, status, body
        self.requests = []
        self.closed = threading.Event()
        self.send_stop = threading.Event()
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's name)
                gate.requests.append((self.path, self.headers.get("Authorization")))
                self.rfile.read(int(self.headers.get("content-length", 0)))
                if gate.status != 200:
                    self.send_response(gate.status)
                    self.send_header("content-length", str(len(gate.body)))
                    self.end_headers()
                    self.wfile.write(gate.body)
                    return
                self.send_response(200)
                self.send_header("content-type", "application/x-ndjson")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                for line in gate.lines:
                    self.chunk(line)
                # Held open until the kernel closes it (its slot), or the course asks for it back.
                self.connection.settimeout(0.05)
                while True:
                    if gate.send_stop.is_set():
                        gate.send_stop.clear()
                        self.chunk({"stop": {"reason": "idle", "message": "stopped"}})
                    try:
                        if not self.connection.recv(1):
                            break
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                gate.closed.set()

            def chunk(self, value):
                data = (json.dumps(value) + "\n").encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/mlflow-gate"

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def gate_env(monkeypatch):
    def use(gate):
        monkeypatch.setenv(course_spark.GATE_VARIABLE, gate.url)
        monkeypatch.setenv(course_spark.TOKEN_VARIABLE, "ada.signature")

    return use


def test_waits_saying_where_it_stands_then_holds_the_slot_until_released(gate_env):
    gate = Gate([{"waiting": {"message": "Spark is busy: 1 learner ahead of you, about 10 s."}}, {"waiting": {"message": "Spark is busy: you are next, about 5 s."}}, {"granted": {"slots": 2}}])
    gate_env(gate)
    said = []
    clock = iter([0.0, 1.0, 10.0])
    slot = course_spark.acquire(on_stop=lambda stop: None, say=said.append, clock=lambda: next(clock))
    assert gate.requests == [("/mlflow-gate/course/spark-session", "Bearer ada.signature")]
    # The second place is said only once SAY_EVERY_SECONDS have passed since the first.
    assert said == ["Spark is busy: 1 learner ahead of you, about 10 s.", "Spark's turn has come: starting it now."]
    assert not gate.closed.wait(0.3), "the slot is held while the answer stays open"
    slot.release()
    assert gate.closed.wait(5), "releasing closes the answer: the course frees the slot"
    slot.release()  # twice is harmless
    gate.stop()


def test_hears_the_course_ask_for_the_slot_back(gate_env):
    gate = Gate([{"granted": {}}])
    gate_env(gate)
    stops = []
    heard = threading.Event()
    slot = course_spark.acquire(on_stop=lambda stop: (stops.append(stop), heard.set()), say=lambda _: None)
    gate.send_stop.set()
    assert heard.wait(5)
    assert stops == [{"reason": "idle", "message": "stopped"}]
    slot.release()
    gate.stop()


def test_says_why_the_course_refuses(gate_env):
    gate = Gate([], status=503, body=json.dumps({"error_code": "service_unavailable", "message": "The machine is short of memory."}).encode())
    gate_env(gate)
    with pytest.raises(course_spark.SessionRefused, match="short of memory"):
        course_spark.acquire(on_stop=lambda stop: None, say=lambda _: None)
    gate.stop()


def test_starts_spark_as_before_without_a_course_gate(monkeypatch):
    monkeypatch.delenv(course_spark.GATE_VARIABLE, raising=False)
    assert course_spark.acquire(on_stop=lambda stop: None) is None
    monkeypatch.setenv(course_spark.GATE_VARIABLE, "not a url")
    assert course_spark.acquire(on_stop=lambda stop: None) is None


class FakeConf:
    def __init__(self, **values):
        self.values = dict(values)

    def contains(self, key):
        return key in self.values

    def set(self, key, value):
        self.values[key] = value


class FakeProcess:
    def __init__(self):
        self.killed = False

    def kill(self):
        self.killed = True

    def wait(self, timeout=None):
        return 0


class FakeGateway:
    def __init__(self):
        self.proc = FakeProcess()
        self.shut = False
        self.jvm = object()

    def shutdown(self):
        self.shut = True


def fake_pyspark():
    """pyspark.core.context and pyspark.sql.session as far as course_spark touches them."""
    context = types.ModuleType("fake_context")
    launched = []

    def launch_gateway(conf=None, popen_kwargs=None):
        gateway = FakeGateway()
        launched.append((conf, gateway))
        return gateway

    class SparkContext:
        _gateway = None
        _jvm = None
        _active_spark_context = None

        def stop(self):
            SparkContext._active_spark_context = None

    session = types.ModuleType("pyspark.sql.session")

    class SparkSession:
        _instantiatedSession = None

        def __init__(self, context):
            self._sc = context

        def stop(self):
            self._sc.stop()
            # pyspark's SparkSession.stop still talks to the JVM after its context stopped.
            assert SparkContext._gateway is not None, "the JVM ended before SparkSession.stop was done with it"
            SparkSession._instantiatedSession = None

    session.SparkSession = SparkSession
    context.launch_gateway = launch_gateway
    context.SparkContext = SparkContext
    return context, session, launched


def test_starts_the_jvm_only_with_a_slot_sized_for_the_lesson_and_ends_it_with_spark(gate_env, monkeypatch):
    gate = Gate([{"granted": {}}])
    gate_env(gate)
    context, session, launched = fake_pyspark()
    monkeypatch.setitem(__import__("sys").modules, "pyspark.sql.session", session)
    course_spark.install_into(context)
    course_spark.install_into(context)  # once only
    conf = FakeConf(**{"spark.driver.memory": "2g"})
    gateway = context.launch_gateway(conf)
    context.SparkContext._gateway = gateway
    assert conf.values["spark.driver.memory"] == "2g", "the learner's own setting wins"
    assert "UseSerialGC" in conf.values["spark.driver.extraJavaOptions"]
    assert course_spark.STATE["slot"] is not None
    spark = session.SparkSession(context.SparkContext())
    spark.stop()
    assert gateway.shut and gateway.proc.killed, "SparkContext.stop leaves pyspark's JVM running; the course ends it"
    assert context.SparkContext._gateway is None
    assert course_spark.STATE["slot"] is None
    assert gate.closed.wait(5)
    gate.stop()


def test_gives_the_slot_back_when_the_jvm_does_not_start(gate_env):
    gate = Gate([{"granted": {}}])
    gate_env(gate)
    context, _session, _launched = fake_pyspark()

    def broken(conf=None, popen_kwargs=None):
        raise RuntimeError("Java gateway process exited before sending its port number")

    context.launch_gateway = broken
    course_spark.install_into(context)
    with pytest.raises(RuntimeError, match="Java gateway"):
        context.launch_gateway(FakeConf())
    assert gate.closed.wait(5)
    gate.stop()


def test_install_waits_for_pyspark_to_be_imported():
    import sys

    finders = [finder for finder in sys.meta_path if isinstance(finder, course_spark._InstallOnImport)]
    for finder in finders:
        sys.meta_path.remove(finder)
    try:
        course_spark.install()
        assert sum(isinstance(finder, course_spark._InstallOnImport) for finder in sys.meta_path) == 1
        course_spark.install()
        assert sum(isinstance(finder, course_spark._InstallOnImport) for finder in sys.meta_path) == 1
    finally:
        for finder in [finder for finder in sys.meta_path if isinstance(finder, course_spark._InstallOnImport)]:
            sys.meta_path.remove(finder)

"""A learner's Spark session takes one of the machine's Spark slots (the course's admission of JVMs).

A class that reaches the Spark lesson together would otherwise start every learner's JVM at once:
on two cores, eighteen of them starting together ran the first cell past its time limit, and a
Spark session holds about a gigabyte. So before a kernel's first JVM starts, the course's kernel
asks the course for a slot, through the MLflow gate it already reaches with the learner's token
(`<gate>/course/spark-session`), and waits its turn, saying so in the cell:

    Spark is busy: 4 learners ahead of you, about 40 s. This cell waits; the wait does not count
    against its time limit.

The slot is the open answer of that request: the course releases it when the connection closes,
so a kernel that dies or restarts gives its slot back by itself. Stopping Spark (`spark.stop()`)
ends the JVM and releases the slot; the course may also ask for it back when the session has not
been used for a while (and says so in the learner's next cell).

Installed by python/course_kernel.py; it changes nothing until pyspark's context module is
imported, and Spark starts as before where the course gave no gate (a kernel it did not start).
"""

import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

# Set by the course's preamble: the gate as this kernel reaches it (also where its MLflow is).
GATE_VARIABLE = "TRAINING_GATE_URL"
TOKEN_VARIABLE = "MLFLOW_TRACKING_TOKEN"
# Say a new place in the queue at most this often.
SAY_EVERY_SECONDS = 5.0
# The JVM sized for the lesson (150 rows, a few small jobs): a 512 MB heap, the serial collector and
# the first JIT tier only start it in about two thirds of the time on a busy two-core machine and
# keep it near 0.4 GB. Set only where the learner's own code did not set them.
JVM_DEFAULTS = {
    "spark.driver.memory": "512m",
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m -Xss512k",
}


class SessionRefused(RuntimeError):
    """The course would not start Spark now (it says why and what to do)."""


class Slot:
    """One granted slot: the open answer of the course's session request, read by a thread until
    the course asks for the slot back or the connection ends."""

    def __init__(self, connection, response, on_stop):
        # The raw socket: closing the client object would wait for the thread reading from it.
        self._socket = connection.sock
        self._response = response
        self._on_stop = on_stop
        self._released = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="course-spark-slot", daemon=True)
        self._thread.start()

    def _listen(self):
        try:
            for line in self._response:
                event = json.loads(line)
                if "stop" in event and not self._released.is_set():
                    self._on_stop(event["stop"])
                    return
        except (OSError, ValueError, http.client.HTTPException):
            pass

    def release(self):
        if self._released.is_set():
            return
        self._released.set()
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._socket.close()


def gate():
    """(host, port, base path, token), or None when this kernel has no course gate."""
    url = os.environ.get(GATE_VARIABLE)
    if not url:
        return None
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, parsed.hostname, port, parsed.path.rstrip("/"), os.environ.get(TOKEN_VARIABLE, "")


def acquire(on_stop, say=print, clock=time.monotonic):
    """Waits for a Spark slot and returns it; None where there is no course to ask. Raises
    SessionRefused with the course's words when it refuses."""
    where = gate()
    if where is None:
        return None
    scheme, host, port, base, token = where
    connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = connection_class(host, port, timeout=None)
    try:
        connection.request(
            "POST",
            f"{base}/course/spark-session",
            body=b"{}",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/x-ndjson"},
        )
        response = connection.getresponse()
    except OSError as error:
        connection.close()
        # The course is not there to ask (e.g. restarting): start as before, without a slot.
        say(f"(The course did not answer about Spark's slots: {error}. Starting Spark anyway.)")
        return None
    if response.status != 200:
        text = response.read().decode("utf-8", "replace")
        connection.close()
        raise SessionRefused(refusal_message(response.status, text))
    said_at = None
    last_said = None
    for line in response:
        event = json.loads(line)
        if "granted" in event:
            if said_at is not None:
                say("Spark's turn has come: starting it now.")
            return Slot(connection, response, on_stop)
        if "waiting" in event:
            message = event["waiting"].get("message", "")
            now = clock()
            if message and message != last_said and (said_at is None or now - said_at >= SAY_EVERY_SECONDS):
                say(message)
                said_at, last_said = now, message
        if "refused" in event:
            connection.close()
            raise SessionRefused(event["refused"].get("message", "The course did not start Spark."))
    connection.close()
    raise SessionRefused("The course ended the wait for a Spark slot without an answer; run the cell again.")


def refusal_message(status, text):
    try:
        body = json.loads(text)
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return message
    except ValueError:
        pass
    return f"The course did not start Spark ({status}): {text[:300]}"


# The slot this kernel's JVM holds.
STATE = {"slot": None}
LOCK = threading.RLock()


def end_jvm(context_class):
    """Ends the JVM pyspark started (SparkContext.stop leaves it running), so its memory and its
    slot are free; the next SparkSession starts a new one."""
    gateway = getattr(context_class, "_gateway", None)
    if gateway is None:
        return
    process = getattr(gateway, "proc", None)
    try:
        gateway.shutdown()
    except Exception:  # noqa: BLE001 - a JVM already gone
        pass
    if process is not None:
        try:
            process.kill()
            process.wait(timeout=10)
        except Exception:  # noqa: BLE001
            pass
    context_class._gateway = None
    context_class._jvm = None


def install_into(context_module):
    """Wraps pyspark's JVM start and its stops in `context_module` (pyspark.core.context)."""
    if getattr(context_module, "_course_spark_installed", False):
        return
    context_module._course_spark_installed = True
    original_launch = context_module.launch_gateway
    context_class = context_module.SparkContext
    # SparkSession.stop stops its SparkContext, then still talks to the JVM: the JVM ends when the
    # outermost stop returns.
    stopping = {"depth": 0}

    def stopped_by_course(_stop):
        """The course asked for the slot back (the session was not used for a while; the course
        tells the learner in their next cell's output)."""
        with LOCK:
            session_module = sys.modules.get("pyspark.sql.session")
            session = getattr(session_module.SparkSession, "_instantiatedSession", None) if session_module else None
            active = context_class._active_spark_context
            if session is not None:
                session.stop()
            elif active is not None:
                active.stop()
            else:
                end_jvm(context_class)
                release()

    def launch_gateway(conf=None, popen_kwargs=None):
        with LOCK:
            wrap_session_stop()
            if conf is not None:
                for key, value in JVM_DEFAULTS.items():
                    if not conf.contains(key):
                        conf.set(key, value)
            slot = acquire(stopped_by_course)
            try:
                gateway = original_launch(conf, popen_kwargs) if popen_kwargs is not None else original_launch(conf)
            except BaseException:
                if slot is not None:
                    slot.release()
                raise
            STATE["slot"] = slot
            return gateway

    def ending(stop):
        def wrapper(self, *args, **kwargs):
            stopping["depth"] += 1
            try:
                return stop(self, *args, **kwargs)
            finally:
                stopping["depth"] -= 1
                if stopping["depth"] == 0:
                    with LOCK:
                        end_jvm(context_class)
                        release()

        wrapper._course_spark = True
        return wrapper

    def wrap_session_stop():
        session_module = sys.modules.get("pyspark.sql.session")
        if session_module is not None and not getattr(session_module.SparkSession.stop, "_course_spark", False):
            session_module.SparkSession.stop = ending(session_module.SparkSession.stop)

    context_module.launch_gateway = launch_gateway
    context_class.stop = ending(context_class.stop)


def release():
    slot = STATE["slot"]
    STATE["slot"] = None
    if slot is not None:
        slot.release()


class _InstallOnImport:
    """A meta path finder that installs the wrappers once pyspark's context module is imported."""

    TARGET = "pyspark.core.context"

    def find_spec(self, name, path=None, target=None):
        if name != self.TARGET:
            return None
        sys.meta_path.remove(self)
        try:
            import importlib.util

            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            install_into(module)

        loader.exec_module = exec_module
        return spec


def install():
    """From now on (or at once, if pyspark is already imported), Spark starts only with a slot
    (where the course gives a gate: read when Spark starts, after the course's preamble)."""
    module = sys.modules.get(_InstallOnImport.TARGET)
    if module is not None:
        install_into(module)
        return
    if not any(isinstance(finder, _InstallOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _InstallOnImport())

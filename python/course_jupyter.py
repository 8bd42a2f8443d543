"""Settings of the course's Jupyter server that have to be code (loaded by the server only).

The server is started with
`--ServerApp.kernel_websocket_connection_class=course_jupyter.NoDelayWebsocketConnection`.
"""

import os
import subprocess
import sys
import time

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado.ioloop import IOLoop, PeriodicCallback


class NoDelayWebsocketConnection(ZMQChannelsWebsocketConnection):
    """A kernel's WebSocket with TCP_NODELAY. A cell's run is a burst of small messages (busy,
    execute_input, stream, execute_reply, idle); with Nagle's algorithm on (Tornado's default),
    each one after the first waited for the client's delayed ACK, about 40 ms per run.
    Also: a new kernel's first WebSocket is ready sooner (`quicker_nudges`)."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        quicker_nudges(IOLoop.current())
        return super().connect()


def quicker_nudges(loop):
    """Before a kernel's WebSocket opens, Jupyter "nudges" the kernel with kernel_info requests
    until a reply and an IOPub message both arrive, every 0.5 s. For a kernel that just started,
    the first IOPub message is often missed (its subscription is not through yet), so half the
    learners' first cells waited an extra 0.5 s. Retries now come after 0.05 s, doubling up to
    Jupyter's 0.5 s. (Jupyter has no setting for it: its nudge loop's `call_later` is shortened.)"""
    if getattr(loop, "_course_quicker_nudges", False):
        return
    call_later = loop.call_later

    def sooner(delay, callback, *args, **kwargs):
        if getattr(callback, "__qualname__", "").endswith("nudge.<locals>.nudge") and args and isinstance(args[0], int):
            delay = min(delay, 0.05 * 2 ** max(0, args[0] - 1))
        return call_later(delay, callback, *args, **kwargs)

    loop.call_later = sooner
    loop._course_quicker_nudges = True


# ---------- the kernel forker (python/kernel_forker.py), as a server extension ----------
# Jupyter loads this module as an extension (jupyter_server_config.json). With
# COURSE_KERNEL_FORKER_SOCKET set (sandbox on, course run as root), it starts the kernel forker and
# starts it again if it ends; the forker ends with the server. Without a forker, sandboxed kernels
# start inside bubblewrap the usual way.

FORKER_ENV = ("PATH", "VIRTUAL_ENV", "LANG", "LC_ALL", "TZ", "PYTHONUNBUFFERED", "MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "MPLBACKEND")


def _jupyter_server_extension_points():
    return [{"module": "course_jupyter"}]


def _load_jupyter_server_extension(serverapp):
    socket_path = os.environ.get("COURSE_KERNEL_FORKER_SOCKET")
    if not socket_path:
        return
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel_forker.py")
    # What the forker imports sees a kernel's environment (less the learner's own: the fork sets that).
    env = {name: os.environ[name] for name in FORKER_ENV if name in os.environ}
    env.update(COURSE_SANDBOX_DIR=os.path.dirname(socket_path), HOME="/nonexistent", MPLCONFIGDIR="/tmp/matplotlib")
    forker = {"process": None, "started_at": 0.0, "quick_ends": 0}

    def start():
        forker["started_at"] = time.monotonic()
        forker["process"] = subprocess.Popen([sys.executable, script, socket_path], env=env, cwd="/", stdin=subprocess.DEVNULL)

    def watch():
        process = forker["process"]
        if process is None or process.poll() is None:
            return
        # A forker that cannot start (it ends within seconds, three times running) is left off:
        # kernels then start inside bubblewrap, only slower.
        forker["quick_ends"] = forker["quick_ends"] + 1 if time.monotonic() - forker["started_at"] < 30 else 0
        if forker["quick_ends"] >= 3:
            serverapp.log.error("course kernel forker keeps ending (exit %s); kernels start without it", process.returncode)
            forker["process"] = None
            return
        serverapp.log.warning("course kernel forker ended (exit %s); starting it again", process.returncode)
        start()

    start()
    serverapp.log.info("course kernel forker started on %s", socket_path)
    PeriodicCallback(watch, 5000).start()

"""Settings of the course's Jupyter server that have to be code (loaded by the server only).

The server is started with
`--ServerApp.kernel_websocket_connection_class=course_jupyter.NoDelayWebsocketConnection`.
"""

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayWebsocketConnection(ZMQChannelsWebsocketConnection):
    """A kernel's WebSocket with TCP_NODELAY. A cell's run is a burst of small messages (busy,
    execute_input, stream, execute_reply, idle); with Nagle's algorithm on (Tornado's default),
    each one after the first waited for the client's delayed ACK, about 40 ms per run."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()

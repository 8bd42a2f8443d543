import net from "node:net";

export type SocketBridge = { url: string; close(): void };

/**
 * A loopback TCP port, held by this process, whose connections go to a unix socket: how the
 * course's own HTTP clients (the playground, the serving Check) reach a model server that
 * listens inside a learner's sandbox. By default a free port no one is told of: learner code
 * never runs on this machine's network, so only the course's processes reach it. `port`: a
 * given one instead (solo mode publishes the learner's server on the port the Serve panel shows).
 */
export function openSocketBridge(socketPath: string, port = 0): Promise<SocketBridge> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(socketPath);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close() {
          server.close();
          for (const socket of sockets) socket.destroy();
        },
      });
    });
  });
}

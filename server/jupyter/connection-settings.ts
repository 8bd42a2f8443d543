import { ServerConnection } from "@jupyterlab/services";
import WebSocket from "ws";

/** Settings for talking to the course's Jupyter server from Node (never from a browser). */
export function jupyterSettings(baseUrl: string, token: string): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: `${baseUrl}/`,
    wsUrl: `${baseUrl.replace(/^http/, "ws")}/`,
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Headers: globalThis.Headers,
  });
}

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { formattedHubError } from '../../errors/hubErrors';
import { type TextParts, encodeTextFrames } from './encodeTextFrames';

/** Largest WebSocket message a client may send by default (a subscribe message carries the document). */
export const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

/**
 * One client's socket as the protocol side sees it: the few methods graphql-ws's server is
 * written against, plus a faster road for the bulk of the traffic (`next` messages).
 */
export interface ClientSocket {
  /** The negotiated subprotocol (graphql-transport-ws). */
  readonly protocol: string;
  /** Sends one text message, if the socket is still open. */
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Hands each text message the client sends to `handle`; a handler that fails closes the socket (4500). */
  onMessage(handle: (data: string) => Promise<void>): void;
  /**
   * Writes messages, each `head + body + tail`, as text frames in one write to the TCP socket,
   * beside ws's own writes. Sound because ws writes each frame whole and at once and no
   * compression is negotiated (perMessageDeflate is off).
   */
  writeTextFrames(messages: readonly TextParts[], tail: Buffer): void;
  /** True while the TCP socket's buffer is full. */
  isCongested(): boolean;
  /** Calls `listener` each time the congested TCP socket drains. */
  onDrain(listener: () => void): void;
}

export interface WebSocketBindingOptions {
  /** The HTTP server whose upgrades on `path` become WebSockets; other paths are answered 404. */
  readonly server: Server;
  readonly path: string;
  /** Ping period; a client that has not answered the previous ping by the next one is dropped. */
  readonly keepAliveMs: number;
  readonly maxMessageBytes?: number;
  readonly logger: Logger;
  /** A client connected; returns what to call once its socket has closed. */
  readonly accept: (socket: ClientSocket, request: IncomingMessage) => (code: number, reason: string) => void;
}

export interface WebSocketBinding {
  /** Connected clients. */
  clientCount(): number;
  /** Stops taking upgrades and drops every client. */
  close(): Promise<void>;
}

/**
 * The transport edge of the subscription server, as graphql-ws's `use/ws` is to its protocol:
 * ws's `WebSocketServer` on the HTTP server's upgrades, subprotocol negotiation, the message
 * size limit, pings, and the close codes of socket failures. Knows nothing of GraphQL.
 */
export function bindWebSocketServer(options: WebSocketBindingOptions): WebSocketBinding {
  const { server, path, keepAliveMs, logger, accept } = options;
  // perMessageDeflate off (ws's default, stated because writeTextFrames relies on it).
  const wss = new WebSocketServer({ noServer: true, handleProtocols, maxPayload: options.maxMessageBytes ?? MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  const open = (socket: WebSocket, raw: Duplex, request: IncomingMessage) => {
    sockets.add(socket);
    const client: ClientSocket = {
      protocol: socket.protocol,
      // Not awaited per message: ws buffers, and the outbox watches the socket's congestion.
      send: (data) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(data);
      },
      close: (code, reason) => socket.close(code, reason),
      onMessage: (handle) =>
        socket.on('message', (data) => {
          handle(String(data)).catch((error: unknown) => {
            logger.error({ err: error }, 'handling a client message failed');
            socket.close(CloseCode.InternalServerError, 'Internal server error');
          });
        }),
      writeTextFrames: (messages, tail) => {
        if (socket.readyState === WebSocket.OPEN) raw.write(encodeTextFrames(messages, tail));
      },
      isCongested: () => raw.writableNeedDrain,
      onDrain: (listener) => raw.on('drain', listener),
    };
    const closed = accept(client, request);

    let answeredPing = true;
    const pinger = setInterval(() => {
      if (!answeredPing) {
        socket.terminate();
        return;
      }
      answeredPing = false;
      socket.ping();
    }, keepAliveMs);
    pinger.unref();
    socket.on('pong', () => {
      answeredPing = true;
    });
    socket.once('error', (error) => {
      logger.warn({ err: error }, 'client WebSocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    socket.once('close', (code, reason) => {
      clearInterval(pinger);
      sockets.delete(socket);
      closed(code, reason.toString());
    });
  };

  const onUpgrade = (request: IncomingMessage, raw: Duplex, head: Buffer) => {
    // Anything not a WebSocket upgrade of `path` is refused with its reason, and never throws:
    // a target such as `http://[::1` is no URL at all, and an exception here would end the process.
    const target = request.url ?? '/';
    const url = URL.canParse(target, 'http://gateway.invalid') ? new URL(target, 'http://gateway.invalid') : null;
    if (url === null) return refuseUpgrade(raw, 400, 'Bad Request', 'the request target is not a URL');
    if (url.pathname !== path) return refuseUpgrade(raw, 404, 'Not Found', `WebSocket connections are served at ${path} only`);
    if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuseUpgrade(raw, 400, 'Bad Request', `only Upgrade: websocket is offered at ${path}`);
    }
    wss.handleUpgrade(request, raw, head, (socket) => open(socket, raw, request));
  };
  server.on('upgrade', onUpgrade);

  return {
    clientCount: () => sockets.size,
    async close() {
      server.off('upgrade', onUpgrade);
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Answers an upgrade request the gateway does not take, with the reason in a JSON body, and closes the connection. */
function refuseUpgrade(raw: Duplex, status: number, statusText: string, reason: string): void {
  const body = JSON.stringify({ errors: [formattedHubError('BAD_REQUEST', `Upgrade refused: ${reason}`, { status })] });
  raw.end(`HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

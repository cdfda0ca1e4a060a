import WebSocket from 'ws';

/** A message the gateway sent on a graphql-transport-ws socket. */
export interface ServerMessage {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

/**
 * A graphql-transport-ws connection driven by hand, for hostile input that a real client
 * cannot send: frames are raw text (a variable nested 5000 deep cannot go through
 * JSON.stringify), and every server message is kept, with how the socket closed.
 */
export interface RawGraphqlWs {
  readonly messages: ServerMessage[];
  /** Close code and reason once closed, else null. */
  closed: { code: number; reason: string } | null;
  /** Sends one text frame as is. */
  sendRaw(text: string): void;
  /** Sends a `subscribe` message whose payload is `payloadJson` (JSON text). */
  subscribeRaw(id: string, payloadJson: string): void;
  subscribe(id: string, payload: { query: string; variables?: Record<string, unknown>; operationName?: string }): void;
  complete(id: string): void;
  /** Messages for one operation id. */
  of(id: string): ServerMessage[];
  /** Resolves once `condition` holds over the messages (rejects after `timeoutMs`, or when the socket closes first). */
  until(condition: (messages: readonly ServerMessage[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens a socket on the gateway and completes connection_init with `params` (token, purpose). */
export async function openRawGraphqlWs(httpUrl: string, params: Record<string, string>): Promise<RawGraphqlWs> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: ServerMessage[] = [];
  const connection: RawGraphqlWs = {
    messages,
    closed: null,
    sendRaw: (text) => socket.send(text),
    subscribeRaw: (id, payloadJson) => socket.send(`{"id":${JSON.stringify(id)},"type":"subscribe","payload":${payloadJson}}`),
    subscribe: (id, payload) => socket.send(JSON.stringify({ id, type: 'subscribe', payload })),
    complete: (id) => socket.send(JSON.stringify({ id, type: 'complete' })),
    of: (id) => messages.filter((message) => message.id === id),
    async until(condition, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition(messages)) {
        if (connection.closed) throw new Error(`socket closed (${connection.closed.code} ${connection.closed.reason}) before: ${what}`);
        if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what}; got ${JSON.stringify(messages).slice(0, 800)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'done');
      });
    },
  };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    messages.push(message);
  });
  socket.on('close', (code, reason) => {
    connection.closed = { code, reason: reason.toString() };
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: params }));
  await connection.until((all) => all.some((message) => message.type === 'connection_ack'), 'connection_ack');
  return connection;
}

/** Posts a body given as raw text (JSON or not) to the gateway, returning status and parsed body (or the text). */
export async function postRaw(
  httpUrl: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | string }> {
  const response = await fetch(httpUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  } catch {
    return { status: response.status, body: text };
  }
}

import WebSocket from 'ws';
import { CALLER_HEADER } from '../../wire/forwardedCaller';
import { GATEWAY_SIGNATURE_HEADER, type GatewaySigner, signHttpRequest } from '../../wire/gatewaySignature';

/** What a subgraph answered over HTTP. */
export interface SubgraphReply {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** POSTs `body` to a subgraph as a client would, with whatever headers the test chooses. */
export async function postToSubgraph(url: string, body: string, headers: Record<string, string> = {}): Promise<SubgraphReply> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as SubgraphReply['body'] };
}

/** The headers with which the gateway would POST `body` to `url` for `caller` (an encoded caller header). */
export function gatewayHeaders(signer: GatewaySigner, url: string, body: string, caller?: string): Record<string, string> {
  return {
    [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'POST', url, body, caller: caller ?? null }),
    ...(caller !== undefined ? { [CALLER_HEADER]: caller } : {}),
  };
}

/** How a WebSocket connection attempt to a subgraph ended. */
export type SocketOutcome =
  /** The upgrade was answered with an HTTP status instead of 101. */
  | { readonly refusedWithStatus: number; readonly body: string }
  /** The socket opened; `connection_init` with `payload` was answered with these messages before `ack` or close. */
  | { readonly messages: readonly { type: string; payload?: unknown }[]; readonly closed: boolean };

/**
 * Opens a graphql-transport-ws socket to `url` (http:// is turned into ws://) with the upgrade
 * `headers`, sends `connection_init` with `payload`, and reports what came back: the refusal
 * of the upgrade, or the messages up to `connection_ack` or the socket's close.
 */
export function tryConnection(url: string, headers: Record<string, string>, payload?: Record<string, unknown>): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    const messages: { type: string; payload?: unknown }[] = [];
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer from ${url} within 5 s; got ${JSON.stringify(messages)}`));
    }, 5000);
    const finish = (outcome: SocketOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        socket.terminate();
        finish({ refusedWithStatus: response.statusCode ?? 0, body });
      });
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) })));
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
      messages.push(message);
      if (message.type === 'connection_ack') {
        socket.close();
        finish({ messages, closed: false });
      }
    });
    socket.on('close', () => finish({ messages, closed: true }));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

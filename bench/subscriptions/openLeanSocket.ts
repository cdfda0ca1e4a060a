import WebSocket from 'ws';
import type { SubscriptionKind } from './clientProtocol';
import { type EventFields, eventFieldsOf, readEventFields } from './readEventFields';

/** One console socket speaking graphql-transport-ws by hand; see {@link openLeanSocket}. */
export interface LeanSocket {
  /** Subscribes with the kind as the subscription id. */
  subscribe(kind: SubscriptionKind, query: string): void;
  /** Closes politely (close frame). */
  close(): Promise<void>;
  /** Destroys the socket at once. */
  terminate(): void;
}

export interface LeanSocketHandlers {
  event(kind: SubscriptionKind, fields: EventFields | null, receivedAt: number): void;
  error(description: string): void;
  /** The socket closed after it was acknowledged, with this code. */
  closed(code: number): void;
}

/** One message in this many is parsed in full and checked against the fields read from its text. */
const SAMPLE_EVERY = 64;
const PROTOCOL = 'graphql-transport-ws';

/**
 * A console for the benchmark that costs its process as little as a console can: the protocol
 * by hand over `ws`, and each event's measured fields read from the message text (see
 * readEventFields.ts), with one message in 64 parsed in full and checked. Anything the text
 * reader does not recognise (acks, pings, errors) is parsed in full. Resolves once the server
 * acknowledged the connection, or null (with `error` called) if it did not within `timeoutMs`.
 */
export function openLeanSocket(
  url: string,
  timeoutMs: number,
  /** The connection_init payload (credentials). */
  connectionParams: Readonly<Record<string, string>>,
  /** Headers of the upgrade request. */
  headers: Readonly<Record<string, string>>,
  handlers: LeanSocketHandlers,
): Promise<LeanSocket | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, PROTOCOL, { headers: { ...headers } });
    let acknowledged = false;
    let settled = false;
    let received = 0;
    const settle = (value: LeanSocket | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      resolve(value);
    };
    const giveUp = setTimeout(() => {
      handlers.error('no connection_ack before the connect deadline');
      socket.terminate();
      settle(null);
    }, timeoutMs);
    const lean: LeanSocket = {
      subscribe(kind, query) {
        socket.send(JSON.stringify({ id: kind, type: 'subscribe', payload: { query } }));
      },
      close: () =>
        new Promise<void>((done) => {
          if (socket.readyState === WebSocket.CLOSED) return done();
          socket.once('close', () => done());
          socket.close(1000, 'done');
        }),
      terminate: () => socket.terminate(),
    };

    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data: Buffer) => {
      const receivedAt = Date.now();
      const text = data.toString('utf8');
      const fields = acknowledged ? readEventFields(text) : null;
      if (fields) {
        received += 1;
        if (received % SAMPLE_EVERY === 0) check(text, fields);
        handlers.event(fields.kind, fields, receivedAt);
        return;
      }
      let message: { type?: string; id?: string; payload?: { data?: unknown; errors?: { message?: string }[] } | { message?: string }[] };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        handlers.error('a message that is not JSON');
        return;
      }
      switch (message.type) {
        case 'connection_ack':
          acknowledged = true;
          settle(lean);
          return;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          return;
        case 'next': {
          const payload = (message.payload ?? {}) as { data?: unknown; errors?: { message?: string }[] };
          const kind = message.id as SubscriptionKind;
          if (payload.errors) handlers.error(`${kind}: ${payload.errors.map((e) => e.message).join('; ')}`);
          if (payload.data) handlers.event(kind, eventFieldsOf(payload.data), receivedAt);
          return;
        }
        case 'error':
          handlers.error(`${message.id}: ${JSON.stringify(message.payload)}`);
          return;
        default:
          return;
      }
    });
    socket.on('error', (error) => {
      if (!settled) {
        handlers.error(error.message);
        settle(null);
      }
    });
    socket.on('close', (code) => {
      if (!settled) {
        handlers.error(`closed ${code} while connecting`);
        settle(null);
      } else handlers.closed(code);
    });

    const check = (text: string, fields: EventFields) => {
      const message = JSON.parse(text) as { id?: string; type?: string; payload?: { data?: unknown } };
      const parsed = eventFieldsOf(message.payload?.data);
      if (message.type !== 'next' || message.id !== fields.kind || parsed?.id !== fields.id || parsed.stamp !== fields.stamp) {
        handlers.error(`text reader disagrees with a full parse: ${text.slice(0, 120)}`);
      }
    };
  });
}

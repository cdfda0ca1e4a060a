import type { Logger } from 'pino';
import type { ClientSocket } from './bindWebSocketServer';
import { type ConnectionOutbox, createConnectionOutbox } from './createConnectionOutbox';
import type { FlushScheduler } from './createFlushScheduler';

/** WebSocket close code sent to a client that fell too far behind (application range 4000–4999). */
export const SLOW_CLIENT_CLOSE_CODE = 4008;

/** Closes every `next` message: `{"id":…,"type":"next","payload":` + event + this. */
const NEXT_MESSAGE_END = Buffer.from('}');

/** One client's socket, with the queue of what waits to be written to it. */
export interface ClientConnection {
  readonly socket: ClientSocket;
  /** Heads are each subscription's `next` prefix, bodies the events' shared bytes. */
  readonly outbox: ConnectionOutbox<Buffer, Buffer>;
}

export interface ClientConnectionOptions {
  /** Messages that may wait for the connection before the client is disconnected. */
  readonly queueLimit: number;
  readonly scheduler: FlushScheduler;
  /** Told each time a client is disconnected for falling behind. */
  readonly onSlowClient: () => void;
  /** Told how many `next` messages each socket write carried (the delivered-events metric). */
  readonly onWritten?: (messages: number) => void;
  readonly logger: Logger;
}

/**
 * Opens the outbox of a newly connected client: its messages leave as text frames in one socket
 * write per flush pass, wait while the socket is congested, and a client whose queue overflows
 * is closed with SLOW_CLIENT_CLOSE_CODE.
 */
export function openClientConnection(socket: ClientSocket, options: ClientConnectionOptions): ClientConnection {
  const { queueLimit, scheduler, onSlowClient, onWritten, logger } = options;
  const outbox = createConnectionOutbox<Buffer, Buffer>({
    limit: queueLimit,
    scheduler,
    isCongested: () => socket.isCongested(),
    write: (messages) => {
      socket.writeTextFrames(messages, NEXT_MESSAGE_END);
      onWritten?.(messages.length);
    },
    onOverflow: (limit) => {
      onSlowClient();
      logger.warn({ limit }, 'subscriber too slow; disconnecting');
      socket.close(SLOW_CLIENT_CLOSE_CODE, `Subscriber too slow: more than ${limit} events waiting`);
    },
  });
  socket.onDrain(() => scheduler.request(outbox));
  return { socket, outbox };
}

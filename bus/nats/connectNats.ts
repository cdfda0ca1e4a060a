import type { Logger } from 'pino';
import { Events, type NatsConnection, connect } from 'nats';
import { NatsBusError, describeError } from './natsBusError';
import type { ResolvedNatsBusOptions } from './natsBusOptions';

const RECONNECT_TIME_WAIT_MS = 2_000;

/** `nats://user:secret@host` → `nats://host`, for messages and logs. */
export const redactUrl = (server: string): string => server.replace(/\/\/[^@/]*@/, '//');

/**
 * Connects to the servers, reconnecting for as long as the process lives, and logs the
 * connection's changes of state. Throws a `CONNECT_FAILED` {@link NatsBusError} naming the
 * servers (without credentials) when none answers at start.
 */
export async function connectNats(options: ResolvedNatsBusOptions, log: Logger): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: [...options.servers],
      name: options.name,
      // Keep trying for as long as the process lives: the broker may restart under us.
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_TIME_WAIT_MS,
    });
  } catch (error) {
    const where = options.servers.map(redactUrl).join(', ');
    const message = `Could not connect to NATS at ${where}: ${describeError(error)}`;
    throw new NatsBusError('CONNECT_FAILED', message, { cause: error });
  }
  watchConnection(nc, log);
  return nc;
}

function watchConnection(nc: NatsConnection, log: Logger): void {
  void (async () => {
    for await (const status of nc.status()) {
      const server = redactUrl(String(status.data));
      if (status.type === Events.Disconnect) log.warn({ server }, 'NATS disconnected; reconnecting');
      else if (status.type === Events.Reconnect) log.info({ server }, 'NATS reconnected');
      else if (status.type === Events.Error) log.error({ detail: status.data }, 'NATS reported an error');
      else log.debug({ status: status.type }, 'NATS status');
    }
  })().catch((error: unknown) => log.error({ err: error }, 'NATS status watch failed'));
  void nc.closed().then((error) => {
    if (error) log.error({ err: error }, 'NATS connection closed with an error');
  });
}

import { createSocket, type Socket } from 'node:dgram';
import { createExclusiveRunner } from './createExclusiveRunner';
import { type ProtocolFailureReporter } from './protocolFailure';

/** Where AVL datagrams go. */
export interface UdpTarget {
  readonly host: string;
  readonly port: number;
}

export interface AvlDatagramChannel {
  /** Queues payloads, one datagram each, and starts sending. */
  send(payloads: readonly string[]): void;
  idle(): Promise<void>;
  close(): Promise<void>;
  counts(): { readonly sent: number; readonly failed: number; readonly queued: number };
}

/**
 * Sends NMEA payloads as UDP datagrams, one at a time in queue order (as one modem's link
 * would). A failed send is counted and reported; UDP has no retry, and the next fix follows.
 */
export function createAvlDatagramChannel(target: UdpTarget, report: ProtocolFailureReporter): AvlDatagramChannel {
  const socket: Socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  // Asynchronous socket errors (ICMP unreachable on some platforms) must not crash the process.
  socket.on('error', (error) => report({ protocol: 'avl', reason: 'socket-error', detail: error.message }));
  let queue: string[] = [];
  let sent = 0;
  let failed = 0;

  const fail = (message: string) => {
    failed += 1;
    report({ protocol: 'avl', reason: 'send-failed', detail: `UDP ${target.host}:${target.port}: ${message}` });
  };

  const sendOne = (payload: string) =>
    new Promise<void>((resolve) => {
      try {
        socket.send(Buffer.from(payload, 'latin1'), target.port, target.host, (error) => {
          if (error) fail(error.message);
          else sent += 1;
          resolve();
        });
      } catch (error) {
        // dgram throws at once for a bad port or a closed socket; the datagram is lost all the same.
        fail(error instanceof Error ? error.message : String(error));
        resolve();
      }
    });

  const runner = createExclusiveRunner(async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      for (const payload of batch) await sendOne(payload);
    }
    return true;
  });

  return {
    send(payloads) {
      if (payloads.length === 0) return;
      queue.push(...payloads);
      runner.request();
    },
    idle: () => runner.idle(),
    async close() {
      await runner.idle();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
    counts: () => ({ sent, failed, queued: queue.length }),
  };
}

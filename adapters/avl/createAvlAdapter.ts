import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import type { Adapter, AdapterStatus, EventSink } from '../contract';
import { createNmeaFixAssembler } from '../nmea';
import { createTaipFixAssembler } from '../taip';
import { translateAvlPayload } from './translateAvlPayload';

export interface AvlAdapterOptions {
  /** Adapter name; also the `source` of its events. Default `avl`. */
  readonly name?: string;
  readonly host?: string;
  /** UDP port for datagrams from vehicle modems (0 picks a free one); null disables UDP. */
  readonly udpPort?: number | null;
  /** TCP port for modems that stream lines (0 picks a free one); null disables TCP. */
  readonly tcpPort?: number | null;
  /** The AVL device table: which unit's car a device is in. */
  readonly unitFor: (deviceId: string) => string | undefined;
  /** The receive clock (TAIP reports carry no date). */
  readonly now: () => Date;
  /** Longest line a TCP stream may send before the connection is judged broken. */
  readonly maxLineBytes?: number;
  /** Kernel receive buffer for the UDP socket, so that a burst from a fleet is not dropped. Default 8 MiB. */
  readonly udpReceiveBufferBytes?: number;
}

export interface AvlAdapter extends Adapter {
  /** Bound ports, once started. */
  addresses(): { udpPort: number | null; tcpPort: number | null };
  /** Takes a payload as if it had just arrived (dead-letter replay). */
  replay(raw: string): Promise<void>;
}

/**
 * AVL over the wire: NMEA 0183 and Trimble TAIP from vehicle modems, as UDP datagrams or TCP
 * line streams. Translation is {@link translateAvlPayload}; this module only moves bytes and
 * keeps the order in which payloads arrived.
 */
export function createAvlAdapter(options: AvlAdapterOptions): AvlAdapter {
  const { name = 'avl', host = '127.0.0.1', udpPort = 0, tcpPort = null, unitFor, now, maxLineBytes = 4096 } = options;
  const { udpReceiveBufferBytes = 8 * 1024 * 1024 } = options;
  const nmea = createNmeaFixAssembler();
  const taip = createTaipFixAssembler({ now });
  let sink: EventSink | null = null;
  let udp: UdpSocket | null = null;
  let tcp: Server | null = null;
  const streams = new Set<Socket>();
  let accepted = 0;
  let rejected = 0;
  let lastMessageAt: string | null = null;
  // Payloads are handled one after another, in arrival order.
  let queue: Promise<void> = Promise.resolve();

  const handle = (payload: string, senderId: string) => {
    lastMessageAt = now().toISOString();
    const target = sink;
    queue = queue.then(async () => {
      if (!target) return;
      const { fixes, rejections } = translateAvlPayload(payload, senderId, { source: name, nmea, taip, unitFor });
      for (const fix of fixes) {
        await target.emit(fix);
        accepted += 1;
      }
      for (const rejection of rejections) {
        await target.reject({ ...rejection, source: name, receivedAt: now().toISOString() });
        rejected += 1;
      }
    }).catch(() => undefined); // a sink failure must not stop later payloads
    return queue;
  };

  const startUdp = (port: number) =>
    new Promise<UdpSocket>((resolve, reject) => {
      const socket = createSocket({ type: 'udp4', recvBufferSize: udpReceiveBufferBytes });
      socket.once('error', reject);
      socket.on('message', (message, remote) => void handle(message.toString('latin1'), `udp:${remote.address}:${remote.port}`));
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined); // a bad datagram never brings the listener down
        resolve(socket);
      });
    });

  const startTcp = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((stream) => {
        streams.add(stream);
        const senderId = `tcp:${stream.remoteAddress}:${stream.remotePort}`;
        let buffered = '';
        stream.setEncoding('latin1');
        stream.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split(/\r?\n/);
          buffered = lines.pop() ?? '';
          if (buffered.length > maxLineBytes) {
            void handle(buffered, senderId);
            buffered = '';
          }
          if (lines.length > 0) void handle(lines.join('\n'), senderId);
        });
        stream.on('error', () => undefined);
        stream.on('close', () => streams.delete(stream));
      });
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });

  return {
    name,
    async start(target) {
      if (sink) throw new Error(`adapter ${name} is already started`);
      sink = target;
      if (udpPort !== null) udp = await startUdp(udpPort);
      if (tcpPort !== null) tcp = await startTcp(tcpPort);
    },
    async stop() {
      sink = null;
      await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
      udp = null;
      for (const stream of streams) stream.destroy();
      await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
      tcp = null;
      await queue;
    },
    status: (): AdapterStatus => ({ name, connected: sink !== null && (udp !== null || tcp !== null), lastMessageAt, accepted, rejected }),
    addresses: () => ({
      udpPort: udp ? udp.address().port : null,
      tcpPort: tcp ? (tcp.address() as AddressInfo).port : null,
    }),
    replay: (raw) => handle(raw, 'replay'),
  };
}

import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import type { Adapter, AdapterStatus, EventSink, Listening, Replayable } from '../../contract';
import { createNmeaFixAssembler } from '../nmea';
import { createTaipFixAssembler } from '../taip';
import { type WarnLogger, createLogLimiter } from './createLogLimiter';
import { type IngestRefusal, createRefusalReporter } from './createRefusalReporter';
import { LOOPBACK_SOURCES } from '../../config/parseSourceAllowList';
import { createSourceAllowList } from './createSourceAllowList';
import { AVL_TRANSLATION_DEFAULTS, translateAvlPayload } from './translateAvlPayload';

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
  /** The receive clock (TAIP reports carry no date; every fix time is bounded by it). */
  readonly now: () => Date;
  /** Longest line a TCP stream may send; the start of a longer one is kept as `line-too-long`. Default 4096. */
  readonly maxLineBytes?: number;
  /** Kernel receive buffer for the UDP socket, so that a burst from a fleet is not dropped. Default 8 MiB. */
  readonly udpReceiveBufferBytes?: number;
  /** How far after the receive clock a fix time may lie (AVL_MAX_FUTURE_SKEW_MS). Default 5 minutes. */
  readonly maxFutureSkewMs?: number;
  /** How far before the receive clock a fix time may lie (RETENTION_AVL_POSITIONS_DAYS). Default 90 days. */
  readonly maxFixAgeMs?: number;
  /** Lines taken from one datagram or TCP read (AVL_MAX_LINES_PER_DATAGRAM). Default 64. */
  readonly maxLinesPerPayload?: number;
  /** CIDR ranges whose senders are heard (AVL_ALLOWED_SOURCES, parsed). Default loopback. */
  readonly allowedSources?: readonly string[];
  /** Told of refused senders, at most once per address per minute with a count (the hub audits it). */
  readonly onRefused?: (refusal: IngestRefusal) => void;
  /** A TCP stream silent this long is closed (AVL_TCP_IDLE_TIMEOUT_MS). Default 5 minutes. */
  readonly tcpIdleTimeoutMs?: number;
  /** Open TCP streams at most; more are closed at once (AVL_TCP_MAX_CONNECTIONS). Default 512. */
  readonly tcpMaxConnections?: number;
  /** Open TCP streams from one address at most (AVL_TCP_MAX_CONNECTIONS_PER_ADDRESS). Default 64. */
  readonly tcpMaxConnectionsPerAddress?: number;
  /** Payload bytes waiting to be translated at most; datagrams beyond are dropped and counted. Default 16 MiB. */
  readonly maxQueuedBytes?: number;
  /** Where the adapter's warnings go, a few lines per kind a minute. */
  readonly logger?: WarnLogger;
}

/** The adapter's status, with the counts of what never became an event or a dead letter. */
export interface AvlAdapterStatus extends AdapterStatus {
  /** Datagrams and connections refused because the sender is not on the allow-list. */
  readonly refused: number;
  /** TCP connections closed at once because a connection cap was reached. */
  readonly overCapacity: number;
  /** TCP connections closed for silence. */
  readonly idleClosed: number;
  /** Datagrams dropped because too much input was already waiting. */
  readonly dropped: number;
  /** Fixes and rejections the sink failed to take (each logged, the next ones delivered). */
  readonly deliveryFailures: number;
  /** Open TCP streams. */
  readonly connections: number;
}

export interface AvlAdapter extends Adapter, Replayable, Listening {
  /** Bound ports, once started. */
  addresses(): { udpPort: number | null; tcpPort: number | null };
  /** `udp://host:port` and `tcp://host:port` of the bound listeners, once started. */
  endpoints(): readonly string[];
  /** Takes a payload as if it had just arrived (dead-letter replay). */
  replay(raw: string): Promise<void>;
  status(): AvlAdapterStatus;
}

interface QueuedPayload {
  readonly payload: string;
  readonly senderId: string;
  /** Starts of stream lines longer than the line limit, each kept as a `line-too-long` dead letter. */
  readonly longLines: readonly string[];
  readonly done: () => void;
}

/**
 * AVL over the wire: NMEA 0183 and Trimble TAIP from vehicle modems, as UDP datagrams or TCP
 * line streams. Translation is {@link translateAvlPayload}; this module moves bytes, keeps the
 * order in which payloads arrived, and guards the door: only allowed senders, bounded
 * connections, lines and queues, and every record delivered on its own.
 */
export function createAvlAdapter(options: AvlAdapterOptions): AvlAdapter {
  const { name = 'avl', host = '127.0.0.1', udpPort = 0, tcpPort = null, unitFor, now, maxLineBytes = 4096 } = options;
  const { udpReceiveBufferBytes = 8 * 1024 * 1024, maxQueuedBytes = 16 * 1024 * 1024 } = options;
  const { maxFutureSkewMs = AVL_TRANSLATION_DEFAULTS.maxFutureSkewMs, maxFixAgeMs = AVL_TRANSLATION_DEFAULTS.maxFixAgeMs } = options;
  const { maxLinesPerPayload = AVL_TRANSLATION_DEFAULTS.maxLines, allowedSources = LOOPBACK_SOURCES } = options;
  const { tcpIdleTimeoutMs = 5 * 60_000, tcpMaxConnections = 512, tcpMaxConnectionsPerAddress = 64 } = options;
  const log = createLogLimiter({ logger: options.logger, now });
  const allowList = createSourceAllowList(allowedSources);
  const refusals = createRefusalReporter({
    now,
    report: (refusal) => {
      try {
        options.onRefused?.(refusal);
      } catch (error) {
        log.warn('refusal-report-failed', { adapter: name, err: error }, 'could not report refused AVL input');
      }
    },
  });
  const nmea = createNmeaFixAssembler();
  // TAIP dates a time of day as today unless it lies beyond the same skew: both limits agree.
  const taip = createTaipFixAssembler({ now, maxClockSkewMs: Math.min(maxFutureSkewMs, 12 * 3_600_000 - 1) });
  const translation = { source: name, nmea, taip, unitFor, now, maxFutureSkewMs, maxFixAgeMs, maxLines: maxLinesPerPayload };
  let sink: EventSink | null = null;
  let udp: UdpSocket | null = null;
  let tcp: Server | null = null;
  const streams = new Set<Socket>();
  const streamsByAddress = new Map<string, number>();
  const counts = { accepted: 0, rejected: 0, refused: 0, overCapacity: 0, idleClosed: 0, dropped: 0, deliveryFailures: 0 };
  let lastMessageAt: string | null = null;
  // Payloads are translated one after another, in arrival order.
  const queue: QueuedPayload[] = [];
  let queuedBytes = 0;
  let draining: Promise<void> | null = null;

  /** Hands one record to the sink; a failure is counted and logged, and never stops the records after it. */
  const deliver = async (send: () => Promise<void>, what: 'fix' | 'rejection') => {
    try {
      await send();
      counts[what === 'fix' ? 'accepted' : 'rejected'] += 1;
    } catch (error) {
      counts.deliveryFailures += 1;
      log.warn('delivery-failed', { adapter: name, what, err: error }, 'the sink did not take an AVL record; the next ones go on');
    }
  };

  const translateOne = async ({ payload, senderId, longLines }: QueuedPayload) => {
    const target = sink;
    if (!target) return;
    for (const start of longLines) {
      const rejection = {
        source: name,
        reason: 'line-too-long',
        detail: `line longer than ${maxLineBytes} bytes; its first ${maxLineBytes} are kept, the rest up to the next newline is skipped`,
        raw: `${senderId},${start}`,
        receivedAt: now().toISOString(),
      };
      await deliver(() => target.reject(rejection), 'rejection');
    }
    let result;
    try {
      result = translateAvlPayload(payload, senderId, translation);
    } catch (error) {
      // The translator never throws on input; if it does, the payload is still kept.
      result = { fixes: [], rejections: [{ reason: 'translation-failed', detail: String(error), raw: payload }] };
    }
    for (const fix of result.fixes) await deliver(() => target.emit(fix), 'fix');
    for (const rejection of result.rejections) {
      await deliver(() => target.reject({ ...rejection, source: name, receivedAt: now().toISOString() }), 'rejection');
    }
    const tooMany = result.rejections.find((rejection) => rejection.reason === 'too-many-lines');
    if (tooMany) log.warn('too-many-lines', { adapter: name, senderId, detail: tooMany.detail }, 'AVL payload over the line cap');
  };

  const drain = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      queuedBytes -= next.payload.length;
      await translateOne(next);
      next.done();
    }
    draining = null;
  };

  const handle = (payload: string, senderId: string, { droppable, longLines = [] }: { droppable: boolean; longLines?: readonly string[] }): Promise<void> => {
    lastMessageAt = now().toISOString();
    if (droppable && queuedBytes + payload.length > maxQueuedBytes) {
      counts.dropped += 1;
      log.warn('queue-full', { adapter: name, senderId, queuedBytes }, 'AVL input waiting is over its cap; datagram dropped');
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      queue.push({ payload, senderId, longLines, done: resolve });
      queuedBytes += payload.length;
      draining ??= drain();
    });
  };

  const refuse = (address: string | undefined, transport: 'udp' | 'tcp') => {
    counts.refused += 1;
    refusals.refused(address ?? 'unknown', transport);
    log.warn('source-not-allowed', { adapter: name, transport, address }, 'AVL input from an address not on AVL_ALLOWED_SOURCES refused');
  };

  const startUdp = (port: number) =>
    new Promise<UdpSocket>((resolve, reject) => {
      const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: udpReceiveBufferBytes });
      socket.once('error', reject);
      socket.on('message', (message, remote) => {
        if (!allowList.allows(remote.address)) return refuse(remote.address, 'udp');
        void handle(message.toString('latin1'), `udp:${remote.address}:${remote.port}`, { droppable: true });
      });
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined); // a bad datagram never brings the listener down
        resolve(socket);
      });
    });

  const acceptStream = (stream: Socket) => {
    const address = stream.remoteAddress ?? 'unknown';
    if (!allowList.allows(stream.remoteAddress)) {
      refuse(stream.remoteAddress, 'tcp');
      stream.destroy();
      return;
    }
    const fromAddress = streamsByAddress.get(address) ?? 0;
    if (streams.size >= tcpMaxConnections || fromAddress >= tcpMaxConnectionsPerAddress) {
      counts.overCapacity += 1;
      log.warn('tcp-over-capacity', { adapter: name, address, open: streams.size, fromAddress }, 'AVL TCP connection cap reached; connection closed');
      stream.destroy();
      return;
    }
    streams.add(stream);
    streamsByAddress.set(address, fromAddress + 1);
    readLines(stream, `tcp:${address}:${stream.remotePort}`);
    stream.once('close', () => {
      streams.delete(stream);
      const left = (streamsByAddress.get(address) ?? 1) - 1;
      if (left > 0) streamsByAddress.set(address, left);
      else streamsByAddress.delete(address);
    });
  };

  /** Splits a stream into lines; each read's complete lines are one payload, and the last line counts even without a newline. */
  const readLines = (stream: Socket, senderId: string) => {
    let buffered = '';
    /** Inside a line longer than maxLineBytes, whose start is already kept: skip to its end. */
    let skipping = false;
    let pending: Promise<void> = Promise.resolve();
    const submit = (payload: string, longLines: readonly string[]) => {
      // One read at a time: a fast sender waits for its input to be translated (TCP backpressure),
      // and the wait is ours, not the sender's silence: the idle clock stops meanwhile.
      stream.pause();
      stream.setTimeout(0);
      pending = handle(payload, senderId, { droppable: false, longLines }).then(() => {
        if (stream.destroyed) return;
        stream.setTimeout(tcpIdleTimeoutMs);
        stream.resume();
      });
    };
    stream.setEncoding('latin1');
    stream.setTimeout(tcpIdleTimeoutMs);
    stream.on('timeout', () => {
      counts.idleClosed += 1;
      stream.destroy();
    });
    stream.on('data', (chunk: string) => {
      let text = chunk;
      if (skipping) {
        const newline = text.indexOf('\n');
        if (newline < 0) return;
        skipping = false;
        text = text.slice(newline + 1);
      }
      buffered += text;
      const lastNewline = buffered.lastIndexOf('\n');
      let complete = lastNewline < 0 ? '' : buffered.slice(0, lastNewline);
      buffered = lastNewline < 0 ? buffered : buffered.slice(lastNewline + 1);
      // A line too long is cut the same way wherever the reads happened to split the stream.
      const longLines: string[] = [];
      if (complete.length > maxLineBytes) {
        const kept: string[] = [];
        for (const line of complete.split('\n')) {
          if (line.length > maxLineBytes) longLines.push(line.slice(0, maxLineBytes));
          else kept.push(line);
        }
        complete = kept.join('\n');
      }
      if (buffered.length > maxLineBytes) {
        longLines.push(buffered.slice(0, maxLineBytes));
        buffered = '';
        skipping = true;
      }
      if (complete.trim() !== '' || longLines.length > 0) submit(complete, longLines);
    });
    let flushed = false;
    const flushLast = () => {
      if (flushed) return;
      flushed = true;
      const last = buffered;
      buffered = '';
      if (!skipping && last.trim() !== '') void pending.then(() => handle(last, senderId, { droppable: false }));
    };
    // A modem that sends its last line and closes, without a final newline, still meant it.
    stream.on('end', flushLast);
    stream.on('close', flushLast);
    stream.on('error', () => undefined);
  };

  const startTcp = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(acceptStream);
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (error) => log.warn('tcp-server-error', { adapter: name, err: error }, 'AVL TCP listener error'));
        resolve(server);
      });
    });

  const addresses = () => ({
    udpPort: udp ? udp.address().port : null,
    tcpPort: tcp ? (tcp.address() as AddressInfo).port : null,
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
      await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
      udp = null;
      for (const stream of streams) stream.destroy();
      await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
      tcp = null;
      // What arrived before the stop is still delivered, then the sink is let go.
      await draining;
      sink = null;
      refusals.stop();
    },
    status: (): AvlAdapterStatus => ({
      name,
      connected: sink !== null && (udp !== null || tcp !== null),
      lastMessageAt,
      ...counts,
      connections: streams.size,
    }),
    addresses,
    endpoints: () => {
      const { udpPort: boundUdp, tcpPort: boundTcp } = addresses();
      const authority = (port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;
      return [...(boundUdp !== null ? [`udp://${authority(boundUdp)}`] : []), ...(boundTcp !== null ? [`tcp://${authority(boundTcp)}`] : [])];
    },
    replay: (raw) => handle(raw, 'replay', { droppable: false }),
  };
}

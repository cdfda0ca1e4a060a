import WebSocket, { type RawData } from 'ws';
import type { Adapter, AdapterStatus, EventSink, Replayable } from '../../contract';
import { type CallFeedFailureReason, DEFAULT_MAX_MESSAGES_PER_FRAME, translateCallFeedFrame } from '../live911';

/** Why the adapter refused a frame or message: the translator's reasons, and the frame's own. */
export type CallFeedRejectionReason = CallFeedFailureReason | 'too-many-messages' | 'frame-too-large' | 'not-utf8';

/** Largest frame read by default, in bytes; a larger one closes the connection (1009) and is a dead letter. */
export const DEFAULT_MAX_CALL_FEED_FRAME_BYTES = 16 * 1024 * 1024;

/** What a dead letter keeps of a message refused for its size: enough to tell what it was. */
const OVERSIZE_RAW_KEPT = 16 * 1024;

export interface CallFeedAdapterOptions {
  /** Adapter name; also the `source` of its events. Default `live911`. */
  readonly name?: string;
  /** The vendor feed, `ws://` or `wss://`. */
  readonly url: string;
  /** Sent with every connection request, e.g. the vendor API key. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The clock: receive times, and the quiet-feed watchdog (so it must advance). */
  readonly now: () => Date;
  /** In [0, 1): the jitter of reconnection delays. Default `Math.random`. */
  readonly random?: () => number;
  /** First reconnection delay; doubles per failed attempt. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Cap of the reconnection delay. Default 15 000 ms. */
  readonly maxRetryDelayMs?: number;
  /**
   * A feed from which nothing (message, ping or pong) arrives for this long is judged dead and
   * reconnected; pings go out every third of it so that an idle, healthy feed answers. Default 30 000 ms.
   */
  readonly quietAfterMs?: number;
  /** How far ahead of the hub's clock a message's `at` may be. Default 5 minutes. */
  readonly maxFutureMs?: number;
  /** How far behind the hub's clock a message's `at` may be (the hub sets CALL_FEED_MAX_AGE_MS). Default: no bound. */
  readonly maxAgeMs?: number;
  /** Messages read from one batch frame; the rest are one dead letter. Default 100. */
  readonly maxMessagesPerFrame?: number;
  /**
   * Largest frame read, in bytes. A frame up to it but over the message size limit is a dead
   * letter and the connection stays; a larger one is refused by the WebSocket layer, which
   * closes the connection (1009): it is then a dead letter without its text, and the feed is
   * reconnected. Default 16 MiB.
   */
  readonly maxFrameBytes?: number;
  /**
   * Characters of received frames waiting for the sink beyond which the adapter stops reading
   * the socket (TCP backpressure reaches the feed) until half of them are handled, so that a
   * feed faster than the hub cannot grow the queue without bound. Default 64 Mi.
   */
  readonly maxQueuedChars?: number;
}

export interface CallFeedAdapterStatus extends AdapterStatus {
  /** Started and not stopped; with `connected: false`, it is (re)connecting. */
  readonly started: boolean;
  /** Connections opened since the adapter was created. */
  readonly connections: number;
  /** Why the last connection failed or was dropped, naming the feed; null if none has. */
  readonly lastError: string | null;
  /** Feed messages lost because the sink failed to take them (a replay's failure goes to its caller). */
  readonly sinkFailures: number;
  /** Characters of frames received and not yet handled. */
  readonly queuedChars: number;
  /** Times reading was paused because the queue was full. */
  readonly pauses: number;
}

export interface CallFeedAdapter extends Adapter, Replayable {
  status(): CallFeedAdapterStatus;
  /** Takes a message as if it had just arrived (dead-letter replay); resolves once it is handled. */
  replay(raw: string): Promise<void>;
}

/**
 * 911 calls from a Live911-style feed: a WebSocket client to the vendor, which pushes one JSON
 * message per call event (format: {@link translateCallFeedMessage}). Messages are handled one
 * after another in arrival order, across reconnections; a lost or silent feed is reconnected
 * with exponential backoff and jitter. `start` resolves once the first connection attempt has
 * settled: a feed that is down at start is retried in the background, reported disconnected.
 */
export function createCallFeedAdapter(options: CallFeedAdapterOptions): CallFeedAdapter {
  const { name = 'live911', url, headers = {}, now, random = Math.random } = options;
  const { retryDelayMs = 500, maxRetryDelayMs = 15_000, quietAfterMs = 30_000 } = options;
  const { maxFutureMs = 5 * 60_000, maxAgeMs = Infinity, maxMessagesPerFrame = DEFAULT_MAX_MESSAGES_PER_FRAME } = options;
  const { maxFrameBytes = DEFAULT_MAX_CALL_FEED_FRAME_BYTES, maxQueuedChars = 64 * 1024 * 1024 } = options;
  // Named in errors without its query string or credentials, which may hold an API key.
  const feed = describeFeedUrl(name, url);

  let sink: EventSink | null = null;
  let socket: WebSocket | null = null;
  let open = false;
  let lastHeardAt = 0;
  let failedAttempts = 0;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let accepted = 0;
  let rejected = 0;
  let connections = 0;
  let sinkFailures = 0;
  let lastMessageAt: string | null = null;
  let lastError: string | null = null;
  let queuedChars = 0;
  /** The connection whose reading is paused while the queue drains, if any. */
  let pausedSocket: WebSocket | null = null;
  let pauses = 0;
  // Messages are handled one after another, in arrival order.
  let queue: Promise<void> = Promise.resolve();

  const reject = async (target: EventSink, reason: CallFeedRejectionReason, detail: string, raw: string) => {
    const kept = reason === 'too-large' ? raw.slice(0, OVERSIZE_RAW_KEPT) : raw;
    const note = kept.length < raw.length ? ` (the dead letter keeps its first ${OVERSIZE_RAW_KEPT} characters)` : '';
    // The raw text exactly as received, NUL included: the dead-letter store keeps what PostgreSQL text cannot hold.
    await target.reject({ source: name, reason, detail: `${detail}${note}`, raw: kept, receivedAt: now().toISOString() });
    rejected += 1;
  };

  /** Runs `work` after every message already under way, with the sink of the moment. */
  const enqueue = (work: (target: EventSink) => Promise<void>): Promise<void> => {
    const target = sink;
    const run = queue.then(async () => {
      if (target) await work(target);
    });
    queue = run.catch(() => undefined); // a sink failure must not stop later messages
    return run;
  };

  const handle = (raw: string, notUtf8: string | null = null): Promise<void> => {
    const receivedAt = now();
    lastMessageAt = receivedAt.toISOString();
    return enqueue(async (target) => {
      if (notUtf8 !== null) return reject(target, 'not-utf8', notUtf8, raw);
      const frame = translateCallFeedFrame(raw, { source: name, timeBounds: { receivedAt, maxFutureMs, maxAgeMs }, maxMessagesPerFrame });
      // One failing message (the sink refusing it) costs none of the others in the frame.
      let failure: unknown = null;
      for (const message of frame.messages) {
        try {
          if (message.translation.ok) {
            await target.emit(message.translation.event);
            accepted += 1;
          } else {
            await reject(target, message.translation.reason, message.translation.detail, message.raw);
          }
        } catch (error) {
          failure ??= error;
        }
      }
      if (frame.overflow) await reject(target, 'too-many-messages', frame.overflow.detail, frame.overflow.raw);
      if (failure !== null) throw failure;
    });
  };

  const heard = () => {
    lastHeardAt = now().getTime();
  };

  // ---- connection lifecycle: connect → (open → heard …) → drop → scheduleReconnect --------

  /** Opens a connection; resolves once it is open or has failed. */
  const connect = (): Promise<void> =>
    new Promise((settle) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, {
          headers: { ...headers },
          handshakeTimeout: quietAfterMs,
          // Well above the largest message the translator accepts, so that an oversized message
          // is read and refused on its own rather than costing the connection.
          maxPayload: maxFrameBytes,
        });
      } catch (error) {
        // E.g. a header value Node refuses to send: record it and keep retrying, with backoff.
        lastError = `${feed}: ${error instanceof Error ? error.message : String(error)}`;
        drop();
        return settle();
      }
      socket = ws;
      let failed = false;
      ws.on('open', () => {
        if (socket !== ws) return;
        open = true;
        connections += 1;
        heard();
        startWatchdog(ws);
        settle();
      });
      ws.on('message', (data) => {
        if (socket !== ws) return;
        heard();
        // The feed has proven itself healthy: the next drop starts the backoff afresh.
        failedAttempts = 0;
        const { text, notUtf8 } = toText(data);
        queuedChars += text.length;
        if (queuedChars > maxQueuedChars && pausedSocket !== ws) {
          // ws may still emit the frames it has already read; then nothing until resumed.
          pausedSocket = ws;
          pauses += 1;
          ws.pause();
        }
        handle(text, notUtf8)
          .catch(() => {
            sinkFailures += 1;
          })
          .finally(() => {
            queuedChars -= text.length;
            const waiting = pausedSocket;
            if (waiting !== null && queuedChars <= maxQueuedChars / 2) {
              pausedSocket = null;
              heard(); // the silence was ours, not the feed's
              if (socket === waiting) waiting.resume();
            }
          });
      });
      ws.on('pong', () => {
        if (socket !== ws) return;
        heard();
        failedAttempts = 0;
      });
      ws.on('ping', () => {
        if (socket === ws) heard();
      });
      ws.on('error', (error) => {
        failed = true;
        if (socket !== ws) return;
        lastError = `${feed}: ${error.message}`;
        // ws refuses a frame over maxPayload by closing the connection (1009): the frame is lost
        // with it, so its loss at least is kept, in order with the frames before it.
        if ((error as { code?: unknown }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          const detail = `the feed sent a frame over ${maxFrameBytes} bytes; it was not read and the connection was closed (1009) and reopened`;
          enqueue((target) => reject(target, 'frame-too-large', detail, '')).catch(() => {
            sinkFailures += 1;
          });
        }
      });
      ws.on('close', (code, reason) => {
        settle();
        if (socket !== ws) return;
        if (!failed) lastError = `${feed} closed the connection (${code} ${reason.toString()})`.trimEnd();
        drop();
      });
    });

  /** Sends pings and judges the feed dead when nothing has arrived for `quietAfterMs`. */
  const startWatchdog = (ws: WebSocket) => {
    stopWatchdog();
    watchdog = setInterval(() => {
      if (socket !== ws) return;
      // While reading is paused the feed's pongs wait unread: the quiet is the hub's own.
      if (pausedSocket === ws) return;
      const quietMs = now().getTime() - lastHeardAt;
      if (quietMs >= quietAfterMs) {
        lastError = `${feed}: nothing received for ${quietMs} ms`;
        drop(); // before terminating, so that the socket's 'close' is ignored
        ws.terminate();
        return;
      }
      ws.ping();
    }, Math.max(1, Math.floor(quietAfterMs / 3)));
    watchdog.unref();
  };

  const stopWatchdog = () => {
    if (watchdog) clearInterval(watchdog);
    watchdog = null;
  };

  /** Forgets the current connection and, unless stopped, schedules the next one. */
  const drop = () => {
    stopWatchdog();
    open = false;
    socket = null;
    if (sink) scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (reconnectTimer) return;
    // Exponential backoff with "equal jitter": half the delay fixed, half random.
    const ceiling = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(failedAttempts, 30));
    const delay = ceiling / 2 + random() * (ceiling / 2);
    failedAttempts += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (sink) void connect();
    }, delay);
    reconnectTimer.unref();
  };

  /** Closes the connection, politely first; resolves once it is gone. */
  const disconnect = async () => {
    const ws = socket;
    drop();
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ws.terminate(), 1000);
      timer.unref();
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'hub adapter stopping');
    });
  };

  return {
    name,
    async start(target) {
      if (sink) throw new Error(`adapter ${name} is already started`);
      sink = target;
      failedAttempts = 0;
      await connect();
    },
    async stop() {
      sink = null;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      await disconnect();
      await queue;
    },
    status: () => ({
      name,
      connected: sink !== null && open,
      lastMessageAt,
      accepted,
      rejected,
      started: sink !== null,
      connections,
      lastError,
      sinkFailures,
      queuedChars,
      pauses,
    }),
    replay: async (raw) => {
      if (!sink) throw new Error(`adapter ${name} is not started: cannot replay`);
      await handle(raw);
    },
  };
}

/** `<name> feed ws://host/path` for messages; throws on a URL that is not ws:// or wss://. */
function describeFeedUrl(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${name}: the feed url is not a URL`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new TypeError(`${name}: the feed url must be ws:// or wss://, got ${parsed.protocol}`);
  }
  return `${name} feed ${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The feed sends text frames; a binary frame is read as UTF-8 all the same. Bytes that are not
 * UTF-8 are refused (`notUtf8` says why) rather than silently replaced, which would store a
 * caller's name or an id other than the one sent; the dead letter shows them as U+FFFD.
 * (ws has already checked that a text frame is UTF-8.)
 */
function toText(data: RawData): { readonly text: string; readonly notUtf8: string | null } {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  try {
    return { text: UTF8.decode(bytes), notUtf8: null };
  } catch {
    return { text: bytes.toString('utf8'), notUtf8: `a binary frame of ${bytes.length} bytes that are not UTF-8 text` };
  }
}

import WebSocket, { type RawData } from 'ws';
import type { Adapter, AdapterStatus, EventSink } from '../contract';
import { MAX_CALL_FEED_MESSAGE_LENGTH, translateCallFeedMessage } from './translateCallFeedMessage';

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
}

export interface CallFeedAdapter extends Adapter {
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
  // Messages are handled one after another, in arrival order.
  let queue: Promise<void> = Promise.resolve();

  const handle = (raw: string): Promise<void> => {
    lastMessageAt = now().toISOString();
    const target = sink;
    const run = queue.then(async () => {
      if (!target) return;
      const translation = translateCallFeedMessage(raw, { source: name });
      if (translation.ok) {
        await target.emit(translation.event);
        accepted += 1;
      } else {
        const { reason, detail } = translation;
        await target.reject({ source: name, reason, detail, raw, receivedAt: now().toISOString() });
        rejected += 1;
      }
    });
    queue = run.catch(() => undefined); // a sink failure must not stop later messages
    return run;
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
          // Room for the largest message the translator accepts, in UTF-8 bytes.
          maxPayload: MAX_CALL_FEED_MESSAGE_LENGTH * 4,
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
        handle(toText(data)).catch(() => {
          sinkFailures += 1;
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
        if (socket === ws) lastError = `${feed}: ${error.message}`;
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

/** The feed sends text frames; a binary frame is read as UTF-8 all the same. */
function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

import pino, { type Logger } from 'pino';
import {
  type Consumer,
  ConsumerEvents,
  type ConsumerMessages,
  DeliverPolicy,
  Events,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  NatsError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  connect,
  nanos,
} from 'nats';
import type { DomainEvent } from '../contract';
import { validateDomainEvent } from '../contract/validateDomainEvent';
import type { EventBus, EventHandler } from './createInProcessBus';

/** Options of {@link createNatsBus}. */
export interface NatsBusOptions {
  /** NATS server URL, e.g. `nats://nats:4222`; several comma-separated for a cluster. */
  readonly url: string;
  /** JetStream stream holding the events. Default `RTCC_EVENTS`. */
  readonly stream?: string;
  /** Events go to `${subjectPrefix}.${event.type}`. Default `rtcc.events`. */
  readonly subjectPrefix?: string;
  /** How long JetStream remembers a message id to drop a duplicate publish. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
  /** How long the stream keeps an event. Default 24 hours. */
  readonly maxAgeMs?: number;
  /** Connection name shown by the NATS server (`nats server report connections`). */
  readonly name?: string;
  readonly logger?: Logger;
}

/** Counters since the bus was created, summed over its subscriptions. */
export interface NatsBusStats {
  /** Publishes JetStream stored and acknowledged. */
  readonly published: number;
  /** Publishes JetStream acknowledged as a duplicate (same source and eventId within the window) and dropped. */
  readonly duplicatePublishes: number;
  /** Events handed to a handler (including those whose handler then threw). */
  readonly delivered: number;
  readonly handlerFailures: number;
  /** Messages on the stream that are not a valid domain event; skipped. */
  readonly decodeFailures: number;
  /** Messages JetStream delivered again after a consumer reset; skipped. */
  readonly redeliveriesSkipped: number;
}

/**
 * The bus of a replicated deployment. Unlike the in-process bus, `publish` resolves once
 * JetStream has stored the event (durably), not once subscribers have applied it: they run in
 * other processes.
 */
export interface NatsEventBus extends EventBus {
  /**
   * Resolves once every subscription made so far receives events; rejects with the cause if a
   * subscription could not start (it keeps retrying). Publishes from this bus wait for it anyway.
   */
  ready(): Promise<void>;
  /** Waits for acknowledgements of publishes in flight and for running handlers, then drains the connection. */
  close(): Promise<void>;
  stats(): NatsBusStats;
}

export const NATS_BUS_ERROR_CODES = {
  BAD_OPTIONS: 'An option of createNatsBus is out of range or malformed.',
  CONNECT_FAILED: 'The NATS server could not be reached at start.',
  STREAM_SETUP_FAILED: 'The JetStream stream could not be created or updated.',
  PUBLISH_FAILED: 'JetStream did not acknowledge a publish; the event may not be stored.',
  BUS_CLOSED: 'The bus was closed; it publishes nothing more.',
} as const;

export type NatsBusErrorCode = keyof typeof NATS_BUS_ERROR_CODES;

export class NatsBusError extends Error {
  readonly code: NatsBusErrorCode;

  constructor(code: NatsBusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'NatsBusError';
  }
}

// ---- transport-free parts ----------------------------------------------------------------

export interface ResolvedNatsBusOptions {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
  readonly name: string;
}

// Stream names may not hold `.`, `*`, `>`, path separators or whitespace (JetStream ADR-6).
const STREAM_NAME = /^[A-Za-z0-9_-]+$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Applies defaults and checks the options; throws a `BAD_OPTIONS` {@link NatsBusError}. */
export function resolveNatsBusOptions(options: NatsBusOptions): ResolvedNatsBusOptions {
  const {
    url,
    stream = 'RTCC_EVENTS',
    subjectPrefix = 'rtcc.events',
    duplicateWindowMs = 2 * 60_000,
    maxAgeMs = 24 * 3_600_000,
    name = 'rtcc-hub',
  } = options;
  const bad = (problem: string) => new NatsBusError('BAD_OPTIONS', `createNatsBus: ${problem}`);
  const servers = url
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server.length > 0);
  if (servers.length === 0) throw bad('url is empty');
  if (!STREAM_NAME.test(stream)) throw bad(`stream ${JSON.stringify(stream)} is not a valid JetStream stream name`);
  if (!SUBJECT_PREFIX.test(subjectPrefix)) {
    throw bad(`subjectPrefix ${JSON.stringify(subjectPrefix)} must be dot-separated tokens without wildcards`);
  }
  for (const [key, value] of [['duplicateWindowMs', duplicateWindowMs], ['maxAgeMs', maxAgeMs]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw bad(`${key} must be a positive integer, got ${value}`);
  }
  // JetStream refuses a duplicate window longer than the retention.
  if (duplicateWindowMs > maxAgeMs) throw bad('duplicateWindowMs must not exceed maxAgeMs');
  return { servers, stream, subjectPrefix, duplicateWindowMs, maxAgeMs, name };
}

/** The stream this bus needs: every subject under the prefix, on disk, kept for `maxAgeMs`. */
export function natsStreamConfig(options: ResolvedNatsBusOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: options.stream,
    subjects: [`${options.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(options.maxAgeMs),
    duplicate_window: nanos(options.duplicateWindowMs),
  };
}

export const eventSubject = (subjectPrefix: string, event: Pick<DomainEvent, 'type'>): string =>
  `${subjectPrefix}.${event.type}`;

/** JetStream deduplicates on this id: the contract says source and eventId identify an event. */
export const eventMessageId = (event: Pick<DomainEvent, 'source' | 'eventId'>): string =>
  `${event.source}:${event.eventId}`;

export const encodeEvent = (event: DomainEvent): Uint8Array => new TextEncoder().encode(JSON.stringify(event));

export type DecodedEvent =
  | { readonly ok: true; readonly event: DomainEvent }
  | { readonly ok: false; readonly detail: string };

/** Parses a message body and checks it against the adapter contract: the stream is input from outside this process. */
export function decodeEvent(data: Uint8Array): DecodedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (error) {
    return { ok: false, detail: `not UTF-8 JSON: ${describeError(error)}` };
  }
  const verdict = validateDomainEvent(parsed);
  return verdict.ok ? verdict : { ok: false, detail: `${verdict.reason}: ${verdict.detail}` };
}

/** A message as read from the stream. */
export interface StreamMessage {
  /** Stream sequence: increases with every message the stream stores. */
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
}

export type DeliveryOutcome = 'handled' | 'handler-failed' | 'undecodable' | 'redelivered';

export interface OrderedDelivery {
  /** Hands the message to the handler unless it was seen already; calls queue, one handler call at a time. */
  deliver(message: StreamMessage): Promise<DeliveryOutcome>;
  /** Stream sequence of the last message taken (handled, failed or skipped); 0 before the first. */
  lastSeq(): number;
}

/**
 * One subscription's delivery, free of NATS: strictly one handler call at a time, in call order,
 * and never twice for a stream sequence at or below the last one taken (a consumer that JetStream
 * recreates may deliver again). Never rejects: failures are logged and reported as an outcome.
 */
export function createOrderedDelivery({ handler, logger }: { handler: EventHandler; logger: Logger }): OrderedDelivery {
  let last = 0;
  let tail: Promise<unknown> = Promise.resolve();

  const step = async (message: StreamMessage): Promise<DeliveryOutcome> => {
    if (message.seq <= last) return 'redelivered';
    // Taken before the handler runs: a failed event is logged, not retried.
    last = message.seq;
    const decoded = decodeEvent(message.data);
    if (!decoded.ok) {
      logger.warn(
        { seq: message.seq, subject: message.subject, detail: decoded.detail },
        'skipped a message that is not a domain event',
      );
      return 'undecodable';
    }
    const { event } = decoded;
    try {
      await handler(event);
      return 'handled';
    } catch (error) {
      logger.error(
        { err: error, seq: message.seq, type: event.type, source: event.source, eventId: event.eventId },
        'event handler failed; continuing with the next event',
      );
      return 'handler-failed';
    }
  };

  return {
    deliver(message) {
      const outcome = tail.then(() => step(message));
      tail = outcome;
      return outcome;
    },
    lastSeq: () => last,
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `nats://user:secret@host` → `nats://host`, for messages and logs. */
const redactUrl = (server: string): string => server.replace(/\/\/[^@/]*@/, '//');

// JetStream API error "stream name already in use with a different configuration".
const STREAM_NAME_IN_USE = 10058;

const isJetStreamApiError = (error: unknown, errCode: number): boolean =>
  error instanceof NatsError && error.api_error?.err_code === errCode;

// ---- NATS edge -----------------------------------------------------------------------------

const RECONNECT_TIME_WAIT_MS = 2_000;
/**
 * Pull requests expire after this long; the client expects a server heartbeat every half of it
 * and recreates the consumer when two are missed, so it bounds how long a lost consumer goes unnoticed.
 */
const PULL_EXPIRES_MS = 10_000;
/** The longest a publish waits for this replica's new subscriptions to start receiving. */
const SUBSCRIPTION_START_WAIT_MS = 5_000;
/** Pauses before restarting a consumer that failed, by consecutive failures. */
const RESTART_DELAYS_MS = [250, 1_000, 5_000, 15_000] as const;

type Counters = { -readonly [K in keyof NatsBusStats]: number };

/**
 * Connects to NATS and ensures the JetStream stream, then returns a bus on which every
 * subscription, in every replica, receives every event published from the time it subscribed.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsEventBus> {
  const resolved = resolveNatsBusOptions(options);
  const log = (options.logger ?? pino({ enabled: false })).child({ component: 'nats-bus', stream: resolved.stream });
  const nc = await connectToNats(resolved);
  watchConnection(nc, log);
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, resolved);
    return createBusOverConnection({ nc, jsm, js: nc.jetstream(), options: resolved, log });
  } catch (error) {
    await nc.close();
    throw error;
  }
}

async function connectToNats(options: ResolvedNatsBusOptions): Promise<NatsConnection> {
  try {
    return await connect({
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

/**
 * Creates the stream or brings an existing one to our limits. Safe when replicas race: adding
 * an identical stream succeeds, and a differing one is updated instead (last writer wins).
 */
async function ensureStream(jsm: JetStreamManager, options: ResolvedNatsBusOptions): Promise<void> {
  const config = natsStreamConfig(options);
  const fail = (action: string, error: unknown) => {
    const message = `Could not ${action} JetStream stream ${config.name}: ${describeError(error)}`;
    return new NatsBusError('STREAM_SETUP_FAILED', message, { cause: error });
  };
  try {
    await jsm.streams.add(config);
    return;
  } catch (error) {
    if (!isJetStreamApiError(error, STREAM_NAME_IN_USE)) throw fail('create', error);
  }
  try {
    const { config: existing } = await jsm.streams.info(config.name);
    if (existing.retention === RetentionPolicy.Workqueue) {
      // A work queue hands each event to one consumer: replicas would each see only some.
      throw new Error('it exists with work-queue retention; every replica must see every event');
    }
    // Storage and retention cannot change on update; keep subjects someone else added.
    const subjects = [...new Set([...existing.subjects, ...(config.subjects ?? [])])];
    await jsm.streams.update(config.name, { subjects, max_age: config.max_age, duplicate_window: config.duplicate_window });
  } catch (error) {
    throw fail('update', error);
  }
}

interface BusContext {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
  readonly options: ResolvedNatsBusOptions;
  readonly log: Logger;
}

function createBusOverConnection(context: BusContext): NatsEventBus {
  const { nc, js, options, log } = context;
  const counters: Counters = {
    published: 0,
    duplicatePublishes: 0,
    delivered: 0,
    handlerFailures: 0,
    decodeFailures: 0,
    redeliveriesSkipped: 0,
  };
  const count = (outcome: DeliveryOutcome) => {
    if (outcome === 'handled' || outcome === 'handler-failed') counters.delivered += 1;
    if (outcome === 'handler-failed') counters.handlerFailures += 1;
    if (outcome === 'undecodable') counters.decodeFailures += 1;
    if (outcome === 'redelivered') counters.redeliveriesSkipped += 1;
  };
  const subscriptions = new Set<Subscription>();
  const stopping = new Set<Promise<void>>();
  const publishing = new Set<Promise<void>>();
  let closing: Promise<void> | null = null;

  const publishDurably = async (event: DomainEvent) => {
    // A subscriber of this replica sees every event this replica publishes after subscribe().
    await untilStarted([...subscriptions]);
    const subject = eventSubject(options.subjectPrefix, event);
    const msgID = eventMessageId(event);
    try {
      const ack = await js.publish(subject, encodeEvent(event), { msgID, expect: { streamName: options.stream } });
      if (ack.duplicate) counters.duplicatePublishes += 1;
      else counters.published += 1;
    } catch (error) {
      const what = `${event.type} ${msgID} on ${subject} (stream ${options.stream})`;
      throw new NatsBusError('PUBLISH_FAILED', `JetStream did not acknowledge ${what}: ${describeError(error)}`, {
        cause: error,
      });
    }
  };

  const track = <T>(set: Set<Promise<T>>, promise: Promise<T>) => {
    set.add(promise);
    const forget = () => set.delete(promise);
    promise.then(forget, forget);
  };

  return {
    publish(event) {
      if (closing) {
        const message = `Cannot publish ${event.type} ${eventMessageId(event)}: the NATS bus is closed`;
        return Promise.reject(new NatsBusError('BUS_CLOSED', message));
      }
      const pending = publishDurably(event);
      track(publishing, pending);
      return pending;
    },

    subscribe(handler) {
      if (closing) throw new NatsBusError('BUS_CLOSED', 'Cannot subscribe: the NATS bus is closed');
      const subscription = startSubscription(context, handler, count);
      subscriptions.add(subscription);
      return () => {
        if (!subscriptions.delete(subscription)) return;
        track(stopping, subscription.stop());
      };
    },

    async ready() {
      await Promise.all([...subscriptions].map((subscription) => subscription.started));
    },

    close() {
      closing ??= (async () => {
        await Promise.allSettled(publishing);
        const stops = [...subscriptions].map((subscription) => subscription.stop());
        subscriptions.clear();
        await Promise.allSettled([...stops, ...stopping]);
        if (!nc.isClosed()) await nc.drain();
        log.debug(counters, 'NATS bus closed');
      })();
      return closing;
    },

    stats: () => ({ ...counters }),
  };
}

async function untilStarted(subscriptions: readonly Subscription[]): Promise<void> {
  if (subscriptions.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(subscriptions.map((subscription) => subscription.started)),
    new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIPTION_START_WAIT_MS))),
  ]);
  clearTimeout(timer);
}

interface Subscription {
  /** Settles after the first attempt to start the consumer. */
  readonly started: Promise<void>;
  /** Stops delivery at once; resolves when the running handler returned and the consumer is removed. */
  stop(): Promise<void>;
}

/**
 * Runs one ordered consumer (ack-none, recreated by the client from the last sequence on a gap
 * or a missed heartbeat) and restarts it after the last handled sequence if it fails.
 */
function startSubscription(
  { nc, jsm, js, options, log }: BusContext,
  handler: EventHandler,
  count: (outcome: DeliveryOutcome) => void,
): Subscription {
  const delivery = createOrderedDelivery({ handler, logger: log });
  let stopped = false;
  let consumer: Consumer | null = null;
  let messages: ConsumerMessages | null = null;
  let handling: Promise<unknown> = Promise.resolve();
  let cancelPause = () => {};
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      cancelPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let resolveStarted = () => {};
  let rejectStarted = (_error: unknown) => {};
  const started = new Promise<void>((resolve, reject) => {
    resolveStarted = resolve;
    rejectStarted = reject;
  });
  // Only ready() reports a failed start; this keeps the rejection from going unhandled meanwhile.
  started.catch(() => {});

  // Pinning the start to "after the stream's last sequence" is deliver-policy "new", but a
  // restart before the first event then resumes from the same point instead of skipping ahead.
  let firstSeq: number | null = null;
  const startSeq = async () => {
    if (delivery.lastSeq() > 0) return delivery.lastSeq() + 1;
    firstSeq ??= (await jsm.streams.info(options.stream)).state.last_seq + 1;
    return firstSeq;
  };

  const run = async () => {
    let failures = 0;
    while (!stopped && !nc.isClosed()) {
      try {
        consumer = await js.consumers.get(options.stream, {
          filterSubjects: `${options.subjectPrefix}.>`,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: await startSeq(),
        });
        messages = await consumer.consume({ max_messages: 100, expires: PULL_EXPIRES_MS });
        resolveStarted();
        failures = 0;
        if (stopped) messages.stop();
        watchConsumer(messages);
        for await (const message of messages) {
          if (stopped) break;
          const outcome = delivery.deliver({ seq: message.seq, subject: message.subject, data: message.data });
          handling = outcome;
          count(await outcome);
        }
      } catch (error) {
        rejectStarted(error);
        if (!stopped) log.error({ err: error }, 'event consumer failed');
        failures += 1;
      }
      if (!stopped && !nc.isClosed()) {
        await consumer?.delete().catch(() => false);
        const delay = RESTART_DELAYS_MS[Math.min(failures, RESTART_DELAYS_MS.length - 1)] ?? RESTART_DELAYS_MS[0];
        log.warn({ afterSeq: delivery.lastSeq(), delayMs: delay }, 'restarting event consumer');
        await pause(delay);
      }
    }
  };
  // The client notices a deleted consumer only by missed heartbeats; restart at once instead.
  const watchConsumer = (current: ConsumerMessages) => {
    void (async () => {
      for await (const status of await current.status()) {
        if (status.type === ConsumerEvents.ConsumerDeleted) {
          log.warn({ afterSeq: delivery.lastSeq() }, 'event consumer was deleted on the server');
          current.stop();
        } else if (status.type === ConsumerEvents.HeartbeatsMissed) {
          log.warn({ missed: status.data }, 'event consumer missed heartbeats; recreating it');
        }
      }
    })().catch((error: unknown) => log.debug({ err: error }, 'event consumer status watch ended'));
  };

  run().catch((error: unknown) => log.error({ err: error }, 'event consumer stopped unexpectedly'));

  return {
    started,
    async stop() {
      if (stopped) return;
      stopped = true;
      resolveStarted();
      cancelPause();
      messages?.stop();
      await handling;
      // The server would drop the ephemeral consumer after its inactivity threshold anyway.
      await consumer?.delete().catch(() => false);
    },
  };
}

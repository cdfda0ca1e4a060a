import type { Logger } from 'pino';
import {
  type Consumer,
  ConsumerEvents,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import type { EventHandler } from '../eventBus';
import { type DeliveryOutcome, createOrderedDelivery } from './createOrderedDelivery';
import type { ResolvedNatsBusOptions } from './natsBusOptions';

/**
 * Pull requests expire after this long; the client expects a server heartbeat every half of it
 * and recreates the consumer when two are missed, so it bounds how long a lost consumer goes unnoticed.
 */
const PULL_EXPIRES_MS = 10_000;
/** Pauses before restarting a consumer that failed, by consecutive failures. */
const RESTART_DELAYS_MS = [250, 1_000, 5_000, 15_000] as const;

/** The connection and stream an {@link EventConsumer} reads from. */
export interface EventConsumerContext {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
  readonly options: ResolvedNatsBusOptions;
  readonly log: Logger;
}

/** One subscription's consumer on the stream. */
export interface EventConsumer {
  /** Settles after the first attempt to start the consumer. */
  readonly started: Promise<void>;
  /** Stops delivery at once; resolves when the running handler returned and the consumer is removed. */
  stop(): Promise<void>;
}

/**
 * Runs one ordered consumer (ack-none, recreated by the client from the last sequence on a gap
 * or a missed heartbeat) and restarts it after the last handled sequence if it fails. Every
 * message's outcome goes to `count`.
 */
export function startEventConsumer(
  { nc, jsm, js, options, log }: EventConsumerContext,
  handler: EventHandler,
  count: (outcome: DeliveryOutcome) => void,
): EventConsumer {
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

import pino from 'pino';
import type { DomainEvent } from '../../contract';
import type { EventBus } from '../eventBus';
import { connectNats } from './connectNats';
import { ensureStream } from './ensureStream';
import { encodeEvent, eventMessageId, eventSubject } from './eventCodec';
import { NatsBusError, describeError } from './natsBusError';
import { type NatsBusOptions, resolveNatsBusOptions } from './natsBusOptions';
import { type NatsBusStats, createNatsBusCounters } from './natsBusStats';
import { type EventConsumer, type EventConsumerContext, startEventConsumer } from './startEventConsumer';

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
  /** Resolves when the NATS server answers a ping (one round trip), for `/ready`; rejects when it cannot. */
  reachable(): Promise<void>;
}

/** The longest a publish waits for this replica's new subscriptions to start receiving. */
const SUBSCRIPTION_START_WAIT_MS = 5_000;

/**
 * Connects to NATS and ensures the JetStream stream, then returns a bus on which every
 * subscription, in every replica, receives every event published from the time it subscribed.
 * Throws a {@link NatsBusError} (`BAD_OPTIONS`, `CONNECT_FAILED`, `STREAM_SETUP_FAILED`).
 */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsEventBus> {
  const resolved = resolveNatsBusOptions(options);
  const log = (options.logger ?? pino({ enabled: false })).child({ component: 'nats-bus', stream: resolved.stream });
  const nc = await connectNats(resolved, log);
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, resolved);
    return createBusOverConnection({ nc, jsm, js: nc.jetstream(), options: resolved, log });
  } catch (error) {
    await nc.close();
    throw error;
  }
}

function createBusOverConnection(context: EventConsumerContext): NatsEventBus {
  const { nc, js, options, log } = context;
  const counters = createNatsBusCounters();
  const subscriptions = new Set<EventConsumer>();
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
      counters.published(ack.duplicate);
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
      const subscription = startEventConsumer(context, handler, counters.delivered);
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
        log.debug(counters.stats(), 'NATS bus closed');
      })();
      return closing;
    },

    stats: counters.stats,

    async reachable() {
      if (nc.isClosed()) throw new Error('the NATS connection is closed');
      await nc.rtt();
    },
  };
}

async function untilStarted(subscriptions: readonly EventConsumer[]): Promise<void> {
  if (subscriptions.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(subscriptions.map((subscription) => subscription.started)),
    new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIPTION_START_WAIT_MS))),
  ]);
  clearTimeout(timer);
}

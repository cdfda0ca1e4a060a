import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection, RetentionPolicy, StorageType, nanos } from 'nats';
import pino from 'pino';
import type { DomainEvent } from '../../../contract';
import { type NatsBusOptions, type NatsEventBus, NatsBusError, createNatsBus } from '../../../bus/nats';
import { unitEvent } from './unitEvent';

const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('NATS bus without a broker', () => {
  it('names the server, without credentials, when it cannot connect', async () => {
    await expect(createNatsBus({ url: 'nats://user:secret@127.0.0.1:1', logger: silent })).rejects.toMatchObject({
      code: 'CONNECT_FAILED',
      message: expect.stringContaining('nats://127.0.0.1:1'),
    });
    await expect(createNatsBus({ url: 'nats://user:secret@127.0.0.1:1', logger: silent })).rejects.toMatchObject({
      message: expect.not.stringContaining('secret'),
    });
  });
});

const NATS_URL = process.env.NATS_URL;
const describeWithNats = NATS_URL ? describe : describe.skip;

describeWithNats('NATS JetStream bus (needs NATS_URL with JetStream)', () => {
  const url = NATS_URL ?? '';
  const suffix = randomBytes(4).toString('hex');
  const stream = `RTCC_TEST_${suffix}`;
  const subjectPrefix = `rtcc.test.${suffix}`;
  const streamsToDelete = new Set<string>([stream]);
  let admin: NatsConnection;
  const open: NatsEventBus[] = [];

  const createBus = async (options: Partial<NatsBusOptions> = {}) => {
    const bus = await createNatsBus({ url, stream, subjectPrefix, logger: silent, ...options });
    open.push(bus);
    return bus;
  };

  /** Subscribes and records the event ids the handler receives. */
  const recorder = (bus: NatsEventBus, onEvent: (event: DomainEvent) => void = () => {}) => {
    const ids: string[] = [];
    const unsubscribe = bus.subscribe(async (event) => {
      ids.push(event.eventId);
      onEvent(event);
    });
    return { ids, unsubscribe };
  };

  beforeAll(async () => {
    admin = await connect({ servers: url });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  afterAll(async () => {
    const jsm = await admin?.jetstreamManager();
    for (const name of streamsToDelete) await jsm?.streams.delete(name).catch(() => false);
    await admin?.close();
  });

  it('creates the stream idempotently when replicas start at once, and updates its limits', async () => {
    const name = `${stream}_SETUP`;
    streamsToDelete.add(name);
    const prefix = `rtcc.test-setup.${suffix}`;
    await Promise.all([
      createBus({ stream: name, subjectPrefix: prefix }),
      createBus({ stream: name, subjectPrefix: prefix }),
      createBus({ stream: name, subjectPrefix: prefix }),
    ]);
    const jsm = await admin.jetstreamManager();
    const { config } = await jsm.streams.info(name);
    expect(config).toMatchObject({
      subjects: [`${prefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(24 * 3_600_000),
      duplicate_window: nanos(120_000),
    });

    await createBus({ stream: name, subjectPrefix: prefix, maxAgeMs: 3_600_000, duplicateWindowMs: 30_000 });
    expect((await jsm.streams.info(name)).config).toMatchObject({
      max_age: nanos(3_600_000),
      duplicate_window: nanos(30_000),
    });
  });

  it('gives every replica every event published by either, exactly once, in the same order', async () => {
    const [replicaA, replicaB] = await Promise.all([createBus({ name: 'replica-a' }), createBus({ name: 'replica-b' })]);
    const atA = recorder(replicaA);
    const atB = recorder(replicaB);
    await Promise.all([replicaA.ready(), replicaB.ready()]);

    // Awaited one by one: the stream order is the publish order.
    const sequential: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const id = `seq-${i}`;
      sequential.push(id);
      await (i % 2 === 0 ? replicaA : replicaB).publish(unitEvent('order', id));
    }
    await waitFor('both replicas to see the sequential events', () => atA.ids.length >= 10 && atB.ids.length >= 10);
    expect(atA.ids).toEqual(sequential);
    expect(atB.ids).toEqual(sequential);

    // Concurrent publishes from both: whatever order the stream chose, both replicas see it.
    const concurrent = Array.from({ length: 40 }, (_, i) => `par-${i}`);
    await Promise.all(concurrent.map((id, i) => (i % 2 === 0 ? replicaA : replicaB).publish(unitEvent('order', id))));
    await waitFor('both replicas to see the concurrent events', () => atA.ids.length >= 50 && atB.ids.length >= 50);
    expect(atB.ids).toEqual(atA.ids);
    expect(new Set(atA.ids).size).toBe(atA.ids.length);
    expect([...atA.ids.slice(10)].sort()).toEqual([...concurrent].sort());
    for (const replica of [replicaA, replicaB]) {
      expect(replica.stats()).toMatchObject({ delivered: 50, handlerFailures: 0, decodeFailures: 0, redeliveriesSkipped: 0 });
    }
    expect(replicaA.stats().published + replicaB.stats().published).toBe(50);
  });

  it('sees its own publish right after subscribe, without waiting for ready()', async () => {
    const bus = await createBus();
    const { ids } = recorder(bus);
    await bus.publish(unitEvent('own', 'first'));
    await waitFor('the event published right after subscribing', () => ids.length === 1);
    expect(ids).toEqual(['first']);
  });

  it('delivers an event published twice (same source and eventId) once', async () => {
    const [replicaA, replicaB] = await Promise.all([createBus(), createBus()]);
    const { ids } = recorder(replicaA);
    await replicaA.ready();
    await replicaA.publish(unitEvent('dup', 'twice'));
    await replicaB.publish(unitEvent('dup', 'twice'));
    await replicaA.publish(unitEvent('dup', 'twice'));
    await replicaA.publish(unitEvent('dup', 'marker'));
    await waitFor('the marker event', () => ids.includes('marker'));
    expect(ids).toEqual(['twice', 'marker']);
    expect(replicaA.stats()).toMatchObject({ published: 2, duplicatePublishes: 1 });
    expect(replicaB.stats()).toMatchObject({ published: 0, duplicatePublishes: 1 });
  });

  it('carries on after a handler throws', async () => {
    const bus = await createBus();
    const { ids } = recorder(bus, (event) => {
      if (event.eventId === 'boom') throw new Error('handler broke');
    });
    for (const id of ['before', 'boom', 'after']) await bus.publish(unitEvent('throws', id));
    await waitFor('the event after the failure', () => ids.includes('after'));
    expect(ids).toEqual(['before', 'boom', 'after']);
    expect(bus.stats()).toMatchObject({ delivered: 3, handlerFailures: 1 });
  });

  it('skips a malformed message on the subject', async () => {
    const bus = await createBus();
    const { ids } = recorder(bus);
    await bus.ready();
    const js = admin.jetstream();
    const subject = `${subjectPrefix}.unit.statusChanged`;
    await js.publish(subject, new TextEncoder().encode('{"type": "unit.statusChanged", "eventId": '));
    const incomplete = { type: 'unit.statusChanged', eventId: 'no-fields' };
    await js.publish(subject, new TextEncoder().encode(JSON.stringify(incomplete)));
    await bus.publish(unitEvent('malformed', 'valid'));
    await waitFor('the valid event', () => ids.includes('valid'));
    expect(ids).toEqual(['valid']);
    expect(bus.stats()).toMatchObject({ delivered: 1, decodeFailures: 2 });
  });

  it('stops delivering to a handler once unsubscribed', async () => {
    const bus = await createBus();
    const stopped = recorder(bus);
    const control = recorder(bus);
    await bus.ready();
    await bus.publish(unitEvent('unsub', 'seen-by-both'));
    await waitFor('both handlers to see the first event', () => stopped.ids.length === 1 && control.ids.length === 1);

    stopped.unsubscribe();
    for (const id of ['later-1', 'later-2', 'later-3']) await bus.publish(unitEvent('unsub', id));
    await waitFor('the control handler to see the later events', () => control.ids.length === 4);
    expect(stopped.ids).toEqual(['seen-by-both']);
  });

  const dropConsumers = async () => {
    const jsm = await admin.jetstreamManager();
    const consumers = await jsm.consumers.list(stream).next();
    expect(consumers.length).toBeGreaterThan(0);
    for (const consumer of consumers) await jsm.consumers.delete(stream, consumer.name);
  };

  it('carries on, without gaps or repeats, when the server drops its consumer', async () => {
    const bus = await createBus();
    const { ids } = recorder(bus);
    await bus.ready();
    await bus.publish(unitEvent('reset', 'r-1'));
    await waitFor('the first event', () => ids.length === 1);

    await dropConsumers();
    for (const id of ['r-2', 'r-3']) await bus.publish(unitEvent('reset', id));
    await waitFor('the events after the consumer was recreated', () => ids.length >= 3, 30_000);
    expect(ids).toEqual(['r-1', 'r-2', 'r-3']);
  });

  it('misses nothing when the server drops its consumer before the first event', async () => {
    const [subscriber, publisher] = await Promise.all([createBus(), createBus()]);
    const { ids } = recorder(subscriber);
    await subscriber.ready();
    await dropConsumers();
    // Published by another replica at once, while this one is still recreating its consumer.
    for (const id of ['early-1', 'early-2']) await publisher.publish(unitEvent('early-reset', id));
    await waitFor('the events published during the restart', () => ids.length >= 2, 30_000);
    expect(ids).toEqual(['early-1', 'early-2']);
  });

  it('close() waits for publishes in flight, then refuses new ones', async () => {
    const [closing, staying] = await Promise.all([createBus(), createBus()]);
    const { ids } = recorder(staying);
    await staying.ready();
    const pending = Array.from({ length: 20 }, (_, i) => closing.publish(unitEvent('close', `c-${i}`)));
    await closing.close();
    // Every publish was acknowledged before the connection drained.
    await expect(Promise.all(pending)).resolves.toHaveLength(20);
    expect(closing.stats().published).toBe(20);
    await expect(closing.publish(unitEvent('close', 'too-late'))).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    await waitFor('the other replica to see every event', () => ids.length === 20);
  });

  it('rejects a publish JetStream does not acknowledge, naming the event and the stream', async () => {
    const name = `${stream}_GONE`;
    streamsToDelete.add(name);
    const bus = await createBus({ stream: name, subjectPrefix: `rtcc.test-gone.${suffix}` });
    await (await admin.jetstreamManager()).streams.delete(name);
    const failure = bus.publish(unitEvent('gone', 'lost'));
    await expect(failure).rejects.toBeInstanceOf(NatsBusError);
    await expect(failure).rejects.toMatchObject({
      code: 'PUBLISH_FAILED',
      message: expect.stringMatching(/unit\.statusChanged gone:lost .*stream RTCC_TEST_\w+_GONE/),
    });
  });
});

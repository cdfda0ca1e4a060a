import { randomBytes } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { connect } from 'nats';
import type { DomainEvent } from '../../contract';
import { FIXTURE_TIME, INCIDENT_POINT, loadCityFixture } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type RecordedSubscription, createGatewayClient, eventually, record, waitUntil } from '../support/subscribeThroughGateway';

const natsUrl = process.env.NATS_URL;
const describeWithNats = natsUrl ? describe : describe.skip;

let sequence = 0;
const callAt = (callId: string, seconds: number): DomainEvent => ({
  type: 'call.received',
  eventId: `replica-${(sequence += 1)}`,
  source: 'test',
  occurredAt: new Date(FIXTURE_TIME.getTime() + seconds * 1000).toISOString(),
  callId,
  state: 'RINGING',
  location: { point: INCIDENT_POINT, uncertaintyMeters: 20 },
  classOfService: 'VOIP',
  callbackNumber: null,
});

/**
 * Two whole hubs — two gateways, two replicas of every subgraph, each replica with its own
 * database — joined only by NATS JetStream, as a city deployment runs them.
 */
describeWithNats('two replicas over NATS JetStream (needs NATS_URL)', () => {
  const suffix = randomBytes(4).toString('hex');
  const env = { NATS_URL: natsUrl ?? '', NATS_STREAM: `RTCC_TEST_${suffix}`, NATS_SUBJECT_PREFIX: `rtcc.test.${suffix}` };
  let replicas: TestHub[] = [];
  let clients: Client[] = [];

  beforeAll(async () => {
    replicas = [await startTestHub(STORAGE_TARGETS[0]!, { env }), await startTestHub(STORAGE_TARGETS[0]!, { env })];
    // The fixture goes in through the first replica only; both apply it from the stream.
    await loadCityFixture(replicas[0]!.sink);
    // Both replicas apply it from the stream: wait until each serves the fixture's seven units.
    for (const hub of replicas) {
      await eventually(async () => {
        const body = await hub.query<{ units: { edges: unknown[] } }>('{ units(first: 50) { edges { cursor } } }');
        return body.data?.units.edges.length === 7;
      }, 10_000, 'the fixture applied on every replica');
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    for (const hub of replicas) await hub.close();
    const connection = await connect({ servers: natsUrl });
    await (await connection.jetstreamManager()).streams.delete(env.NATS_STREAM).catch(() => undefined);
    await connection.close();
  });

  it('delivers every event exactly once to each client of either gateway, in one order, with enrichment', async () => {
    const [a, b] = replicas as [TestHub, TestHub];
    clients = [a, a, b, b].map((hub) => createGatewayClient(hub.gatewayUrl));
    const subscriptions: RecordedSubscription<{ callReceived: { id: string; nearbyUnits: { unit: { callSign: string } }[] } }>[] =
      clients.map((client) => record(client, 'subscription { callReceived { id nearbyUnits(limit: 1) { unit { callSign } } } }'));
    await waitUntil(() => replicas.every((hub) => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1));

    const emitted: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const hub = i % 2 === 0 ? a : b;
      const event = callAt(`replicated-${i}`, 100 + i);
      await hub.sink.emit(event);
      if (i === 4) await b.sink.emit(event); // the same event again, through the other replica
      emitted.push(event.type === 'call.received' ? event.callId : '');
    }
    for (const subscription of subscriptions) await subscription.waitFor(10);
    // Nothing more arrives: wait for a marker event, then check the count.
    await a.sink.emit(callAt('marker', 200));
    for (const subscription of subscriptions) await subscription.waitFor(11);

    const orders = subscriptions.map((subscription) => subscription.events.map((event) => event.callReceived.id));
    for (const order of orders) {
      expect(order).toHaveLength(11);
      expect(new Set(order).size).toBe(11);
      expect([...order].sort()).toEqual([...emitted, 'marker'].sort());
      expect(order).toEqual(orders[0]);
    }
    for (const subscription of subscriptions) {
      expect(subscription.events[0]?.callReceived.nearbyUnits).toEqual([{ unit: { callSign: '1A11' } }]);
    }
  });
});

import type { Socket } from 'node:net';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { DomainEvent } from '../../../contract';
import { SLOW_CLIENT_CLOSE_CODE } from '../../../gateway/subscriptions/attachSubscriptionServer';
import { destinationPoint } from '../../../geo/geodesy';
import { FIXTURE_TIME, INCIDENT_POINT, loadCityFixture } from '../../support/cityFixture';
import { type TestHub, startTestHub } from '../../support/startTestHub';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { createGatewayClient, eventually, record, waitUntil } from '../../support/subscribeThroughGateway';

let sequence = 0;
const at = (seconds: number) => new Date(FIXTURE_TIME.getTime() + seconds * 1000).toISOString();
function callAt(callId: string, seconds: number): DomainEvent {
  return {
    type: 'call.received',
    eventId: `share-${(sequence += 1)}`,
    source: 'test',
    occurredAt: at(seconds),
    callId,
    state: 'RINGING',
    location: { point: INCIDENT_POINT, uncertaintyMeters: 20 },
    classOfService: 'VOIP',
    callbackNumber: null,
  };
}

const target = STORAGE_TARGETS[0]!;

describe('upstream sharing and release', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('shares one upstream subscription among clients with the same operation, and closes it when the last leaves', async () => {
    const query = 'subscription ($r: Float!) { callReceived(area: {circle: {center: {lat: 33.4152, lon: -111.8315}, radiusMeters: $r}}) { id nearbyCameras { camera { id } } } }';
    const clients: Client[] = Array.from({ length: 5 }, () => createGatewayClient(hub.gatewayUrl));
    const same = clients.map((client) => record<{ callReceived: { id: string } }>(client, query, { r: 1000 }));
    await eventually(async () => (await hub.gateway.subscriptionStats()).clients === 5);
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1);
    expect(await hub.gateway.subscriptionStats()).toMatchObject({ sharedStreams: 1, upstreamConnections: 1 });

    // Different variables are a different stream: a second upstream subscription, same connection.
    const other = record<{ callReceived: { id: string } }>(clients[0]!, query, { r: 2000 });
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 2);
    expect(await hub.gateway.subscriptionStats()).toMatchObject({ sharedStreams: 2, upstreamConnections: 1 });

    await hub.sink.emit(callAt('shared-1', 10));
    for (const subscription of [...same, other]) {
      expect((await subscription.waitFor(1)).map((event) => event.callReceived.id)).toEqual(['shared-1']);
    }

    for (const subscription of same.slice(0, 4)) subscription.stop();
    other.stop();
    await eventually(async () => (await hub.gateway.subscriptionStats()).sharedStreams === 1);
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1);
    same[4]!.stop();
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 0);
    await eventually(async () => (await hub.gateway.subscriptionStats()).upstreamConnections === 0);
    expect((await hub.gateway.subscriptionStats()).sharedStreams).toBe(0);
    await Promise.all(clients.map((client) => client.dispose()));
  });
});

describe('a slow client', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // The big enriched events below cost more than LIMIT_MAX_COST allows by default.
    hub = await startTestHub(target, { env: { SUBSCRIPTION_QUEUE_LIMIT: '20', LIMIT_MAX_COST: '100000' } });
    await loadCityFixture(hub.sink);
    // Two hundred cameras around the incident make each enriched event large (~100 kB below),
    // so that a client that stops reading fills the socket buffers after a few hundred events.
    for (let i = 0; i < 200; i += 1) {
      await hub.sink.emit({
        type: 'camera.discovered',
        eventId: `bulk-cam-${i}`,
        source: 'test',
        occurredAt: at(1),
        cameraId: `bulk-${String(i).padStart(3, '0')}`,
        name: `Bulk camera ${i} with a long descriptive name for payload size`,
        cameraSource: 'CITY_VMS',
        location: { point: destinationPoint(INCIDENT_POINT, (i * 37) % 360, 20 + i) },
        headingDegrees: (i * 53) % 360,
        fieldOfViewDegrees: 70,
        rangeMeters: 150,
        mountHeightMeters: 8,
        ptz: i % 5 === 0,
        status: 'ONLINE',
        streams: [{ protocol: 'RTSP', url: `rtsp://vms.test.invalid/bulk/${i}/main`, profile: 'main' }],
        snapshotUrl: `http://vms.test.invalid/bulk/${i}.jpg`,
      });
    }
  });
  afterAll(() => hub?.close());

  it('is disconnected with a reason when its queue overflows, while a fast client on the same stream gets every event', async () => {
    const selection = 'nearbyCameras(radiusMeters: 5000, limit: 100) { distanceMeters inView bearingDegrees camera { id name streams { url protocol profile } snapshotUrl } }';
    const query = `subscription { callReceived { id a: ${selection} b: ${selection} } }`;
    const fastClient = createGatewayClient(hub.gatewayUrl);
    const fast = record<{ callReceived: { id: string } }>(fastClient, query);

    // The slow client speaks graphql-transport-ws by hand and then stops reading its socket.
    const slow = new WebSocket(hub.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      slow.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    await new Promise((resolve) => slow.on('open', resolve));
    // An operator with a purpose: the selection reads stream URLs (restricted).
    const token = await hub.token({ subject: 'slow-operator', roles: ['operator'] });
    slow.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}`, 'X-Purpose': 'TEST-0001' } }));
    await new Promise((resolve) => slow.once('message', resolve)); // connection_ack
    slow.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    await eventually(async () => (await hub.gateway.subscriptionStats()).clients === 2 && hub.subgraphs.calls.subgraph.activeSubscriptions() === 1);
    (slow as unknown as { _socket: Socket })._socket.pause();

    let emitted = 0;
    const overflowed = async () => (await hub.gateway.subscriptionStats()).slowClientsDisconnected > 0;
    while (!(await overflowed()) && emitted < 2000) {
      emitted += 1;
      await hub.sink.emit(callAt(`flood-${emitted}`, 100 + emitted));
      // A fast client keeps up: it is never more than a few events behind.
      if (emitted % 5 === 0) await fast.waitFor(emitted - 5, 30_000);
    }
    expect(await overflowed()).toBe(true);
    // The client reads again: it drains what the kernel buffered, then finds the close frame.
    (slow as unknown as { _socket: Socket })._socket.resume();
    const { code, reason } = await closed;
    expect(code).toBe(SLOW_CLIENT_CLOSE_CODE);
    expect(reason).toMatch(/too slow: more than 20 events waiting/);

    const events = await fast.waitFor(emitted, 30_000);
    expect(events.map((event) => event.callReceived.id)).toEqual(Array.from({ length: emitted }, (_, i) => `flood-${i + 1}`));
    fast.stop();
    await fastClient.dispose();
  });
});

describe('a subgraph restart', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target, { env: { RESUBSCRIBE_DELAY_MS: '50', RESUBSCRIBE_MAX_DELAY_MS: '200' } });
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('is bridged: the gateway resubscribes with backoff and the client keeps its subscription', async () => {
    const client = createGatewayClient(hub.gatewayUrl);
    const calls = record<{ callReceived: { id: string; nearbyUnits: unknown[] } }>(
      client,
      'subscription { callReceived { id nearbyUnits(limit: 2) { distanceMeters } } }',
    );
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1);
    await hub.sink.emit(callAt('before-restart', 10));
    await calls.waitFor(1);

    await hub.stopSubgraph('calls');
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 0);
    await hub.startSubgraph('calls');
    await waitUntil(() => hub.subgraphs.calls.subgraph.activeSubscriptions() === 1, 15_000);

    await hub.sink.emit(callAt('after-restart', 20));
    const events = await calls.waitFor(2);
    expect(events.map((event) => event.callReceived.id)).toEqual(['before-restart', 'after-restart']);
    expect(events[1]?.callReceived.nearbyUnits).toHaveLength(2);
    expect(calls.errors).toEqual([]);
    expect(calls.completed).toBe(false);
    calls.stop();
    await client.dispose();
  });
});

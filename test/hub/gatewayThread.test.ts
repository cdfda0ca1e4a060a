import { createServer } from 'node:net';
import { ringingCall } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, eventually, record } from '../support/subscribeThroughGateway';

const target = STORAGE_TARGETS[0]!;

const AUDIT_QUERY = 'query Audit($subject: String) { auditRecords(filter: { subject: $subject }, first: 10) { edges { node { kind subject } } } }';

/** Starts a hub with the gateway where `thread` says, and checks that it serves and audits. */
async function servesAndAudits(thread: 'worker' | 'main'): Promise<void> {
  let hub: TestHub | undefined;
  try {
    hub = await startTestHub(target, { env: { GATEWAY_THREAD: thread } });
    expect(hub.gateway.thread).toBe(thread);
    const token = await hub.token({ subject: `thread-${thread}`, roles: ['operator'] });
    const { status, body } = await hub.post('{ adapters { name } }', {}, { authorization: `Bearer ${token}` });
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    // The gateway's audit records reach the log the main thread owns.
    const auditor = { authorization: `Bearer ${await hub.token({ subject: 'thread-auditor', roles: ['auditor'] })}` };
    await eventually(async () => {
      const { body: audit } = await hub!.post<{ auditRecords: { edges: { node: { kind: string } }[] } }>(AUDIT_QUERY, { subject: `thread-${thread}` }, auditor);
      const kinds = audit.data?.auditRecords.edges.map((edge) => edge.node.kind) ?? [];
      return kinds.includes('QUERY') && kinds.includes('LOGON');
    }, 10_000, `the ${thread} gateway's query and logon records`);
    // Subscriptions: an event through the gateway, and the gateway's state as it reports it.
    const client = createGatewayClient(hub.gatewayUrl);
    const calls = record<{ callReceived: { id: string; nearbyCameras: unknown[] | null } }>(client, 'subscription { callReceived { id nearbyCameras { distanceMeters } } }');
    await eventually(
      async () => (await hub!.gateway.subscriptionStats()).upstreamConnections === 1 && hub!.subgraphs.calls.subgraph.activeSubscriptions() === 1,
      10_000,
      'the upstream subscription',
    );
    expect(await hub.gateway.subscriptionStats()).toEqual({ clients: 1, sharedStreams: 1, upstreamConnections: 1, slowClientsDisconnected: 0, eventsDelivered: 0, outboxMessages: 0 });
    await hub.sink.emit(ringingCall(`thread-call-${thread}`));
    const [event] = await calls.waitFor(1);
    expect(event?.callReceived).toEqual({ id: `thread-call-${thread}`, nearbyCameras: [] });
    await client.dispose();
    await eventually(async () => (await hub!.gateway.subscriptionStats()).clients === 0, 10_000, 'the client to leave');
    const heap = await hub.gateway.heapUsed({ collectGarbage: false });
    if (thread === 'worker') expect(heap).toBeGreaterThan(1_000_000);
    else expect(heap).toBeNull();
  } finally {
    await hub?.close();
  }
}

describe('where the gateway runs (GATEWAY_THREAD)', () => {
  it('in its own thread: serves, audits through the main thread, reports its state', () => servesAndAudits('worker'));

  it('in the main thread (the default)', () => servesAndAudits('main'));

  it("fails the hub's start with the thread's reason when the gateway cannot listen", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startTestHub(target, { env: { PORT: String(port), GATEWAY_THREAD: 'worker' } })).rejects.toThrow(/gateway thread: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

import { loadCityFixture, ringingCall } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, eventually, record } from '../support/subscribeThroughGateway';

const target = STORAGE_TARGETS[0]!;

interface AuditNode {
  kind: string;
  subject: string | null;
  roles: string[];
  operationName: string | null;
  documentHash: string | null;
  variables: Record<string, unknown> | null;
  restrictedFields: string[];
  recordIds: string[];
  outcome: string;
  reason: string | null;
  purpose: string | null;
  disseminatedTo: string | null;
  details: Record<string, unknown> | null;
}

const FIELDS = 'kind subject roles operationName documentHash variables restrictedFields recordIds outcome reason purpose disseminatedTo details';

describe('the gateway writes an audit record for every operation', () => {
  let hub: TestHub;
  let auditorHeaders: Record<string, string>;
  const recordsOf = async (subject: string): Promise<AuditNode[]> => {
    const { body } = await hub.post<{ auditRecords: { edges: { node: AuditNode }[] } }>(
      `query Audit($subject: String) { auditRecords(filter: { subject: $subject }, first: 50) { edges { node { ${FIELDS} } } } }`,
      { subject },
      auditorHeaders,
    );
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data?.auditRecords.edges.map((edge) => edge.node) ?? [];
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
    auditorHeaders = { authorization: `Bearer ${await hub.token({ subject: 'auditor-9', roles: ['auditor'] })}` };
  });
  afterAll(() => hub?.close());

  it('records who, what, the restricted fields and records returned, the purpose and the outcome', async () => {
    const token = await hub.token({ subject: 'operator-audit', roles: ['operator'] });
    // A variable named like restricted data (here holding a call id) is redacted in the record.
    const query = 'query CallerOfCall($callbackNumber: ID!) { call(id: $callbackNumber) { id } calls { edges { node { id callbackNumber } } } }';
    const { body } = await hub.post(query, { callbackNumber: 'call-1' }, { authorization: `Bearer ${token}`, 'x-purpose': 'CASE-77' });
    expect(body.errors).toBeUndefined();
    await eventually(async () => (await recordsOf('operator-audit')).some((node) => node.kind === 'QUERY'), 10_000, 'the query record');
    const records = await recordsOf('operator-audit');
    const queryRecord = records.find((node) => node.kind === 'QUERY');
    expect(queryRecord).toMatchObject({
      subject: 'operator-audit',
      roles: ['operator'],
      operationName: 'CallerOfCall',
      documentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      variables: { callbackNumber: '[REDACTED]' },
      restrictedFields: ['Call.callbackNumber'],
      outcome: 'OK',
      purpose: 'CASE-77',
    });
    expect(queryRecord?.recordIds).toContain('Call:call-1');
    // The first use of the token is a logon.
    expect(records.some((node) => node.kind === 'LOGON')).toBe(true);
  });

  it('records refusals: no purpose, and failed logons', async () => {
    const token = await hub.token({ subject: 'operator-refused', roles: ['operator'] });
    const refused = await hub.post('{ calls { edges { node { callbackNumber } } } }', {}, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(403);
    await eventually(async () => (await recordsOf('operator-refused')).some((node) => node.kind === 'QUERY'), 10_000, 'the refusal record');
    expect((await recordsOf('operator-refused')).find((node) => node.kind === 'QUERY')).toMatchObject({ outcome: 'DENIED', reason: 'PURPOSE_REQUIRED' });
    const expired = await hub.token({ subject: 'operator-late', ttlSeconds: -300 });
    expect((await hub.post('{ adapters { name } }', {}, { authorization: `Bearer ${expired}` })).status).toBe(401);
    await eventually(async () => (await recordsOf('operator-late')).some((node) => node.kind === 'LOGON_FAILED'), 10_000, 'the failed logon');
  });

  it('records a permission change when a subject logs on with other roles than before', async () => {
    for (const roles of [['officer'], ['supervisor']]) {
      const token = await hub.token({ subject: 'promoted-1', roles });
      expect((await hub.post('{ adapters { name } }', {}, { authorization: `Bearer ${token}` })).status).toBe(200);
    }
    await eventually(async () => (await recordsOf('promoted-1')).some((node) => node.kind === 'PERMISSION_CHANGE'), 10_000, 'the permission change');
    const change = (await recordsOf('promoted-1')).find((node) => node.kind === 'PERMISSION_CHANGE');
    expect(change?.roles).toEqual(['supervisor']);
  });

  it('records what city partners receive as a dissemination to their department', async () => {
    const token = await hub.token({ subject: 'partner-audit', roles: ['partner'], department: 'mesa-transportation' });
    await hub.post('{ incidents { edges { node { id typeText } } } }', {}, { authorization: `Bearer ${token}` });
    await eventually(async () => (await recordsOf('partner-audit')).some((node) => node.kind === 'DISSEMINATION'), 10_000, 'the dissemination');
    const dissemination = (await recordsOf('partner-audit')).find((node) => node.kind === 'DISSEMINATION');
    expect(dissemination).toMatchObject({ disseminatedTo: 'mesa-transportation', outcome: 'OK' });
    expect(dissemination?.recordIds.some((id) => id.startsWith('Incident:'))).toBe(true);
  });

  it('records subscription start and stop', async () => {
    const token = await hub.token({ subject: 'operator-live', roles: ['operator'] });
    const client = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${token}` } });
    const subscription = record(client, 'subscription Live { unitPositions { id } }');
    await eventually(async () => (await recordsOf('operator-live')).some((node) => node.kind === 'SUBSCRIPTION_START'), 10_000, 'the start');
    subscription.stop();
    await eventually(async () => (await recordsOf('operator-live')).some((node) => node.kind === 'SUBSCRIPTION_STOP'), 10_000, 'the stop');
    await client.dispose();
  });

  it('records each event that carried restricted data once per recipient, naming every connection it went to', async () => {
    const connect = async (subject: string) =>
      createGatewayClient(hub.gatewayUrl, {
        connectionParams: { Authorization: `Bearer ${await hub.token({ subject, roles: ['operator'] })}`, 'X-Purpose': 'CASE-88' },
      });
    // One operator with two consoles, another with one; all on the same subscription.
    const clients = [await connect('operator-watch-a'), await connect('operator-watch-a'), await connect('operator-watch-b')];
    const query = 'subscription Watch { callReceived { id callbackNumber } }';
    const subscriptions = clients.map((client) => record<{ callReceived: { id: string; callbackNumber: string | null } }>(client, query));
    await eventually(async () => (await recordsOf('operator-watch-b')).some((node) => node.kind === 'SUBSCRIPTION_START'), 10_000, 'the starts');
    await eventually(async () => (await recordsOf('operator-watch-a')).filter((node) => node.kind === 'SUBSCRIPTION_START').length === 2, 10_000, 'the starts');
    const call = (callId: string, callbackNumber: string | null) => hub.sink.emit(ringingCall(callId, { callbackNumber }));
    // A call without a callback number carries no restricted value: no event record.
    await call('audit-call-plain', null);
    await call('audit-call-1', '4805550111');
    for (const subscription of subscriptions) await subscription.waitFor(2);
    expect(subscriptions.map((subscription) => subscription.events[1]?.callReceived)).toEqual(
      Array(3).fill({ id: 'audit-call-1', callbackNumber: '4805550111' }),
    );
    const eventsOf = async (subject: string) => (await recordsOf(subject)).filter((node) => node.kind === 'SUBSCRIPTION_EVENT');
    await eventually(async () => (await eventsOf('operator-watch-a')).length > 0 && (await eventsOf('operator-watch-b')).length > 0, 10_000, 'the event records');
    const [a, b] = [await eventsOf('operator-watch-a'), await eventsOf('operator-watch-b')];
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]).toMatchObject({
      operationName: 'Watch',
      restrictedFields: ['Call.callbackNumber'],
      recordIds: ['Call:audit-call-1'],
      purpose: 'CASE-88',
      outcome: 'OK',
      details: { deliveries: 2, clientAddresses: ['127.0.0.1'] },
    });
    expect(b[0]).toMatchObject({ recordIds: ['Call:audit-call-1'], details: { deliveries: 1, clientAddresses: ['127.0.0.1'] } });
    await Promise.all(clients.map((client) => client.dispose()));
  });
});

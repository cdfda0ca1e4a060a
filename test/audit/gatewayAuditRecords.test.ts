import { loadCityFixture } from '../support/cityFixture';
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
}

const FIELDS = 'kind subject roles operationName documentHash variables restrictedFields recordIds outcome reason purpose disseminatedTo';

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
});

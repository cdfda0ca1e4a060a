import type { AuditSubgraph } from '../../subgraphs/audit';
import { deeplyNestedJson, expectAuditChainIntact } from '../support/hostileInput';
import { loadCityFixture, ringingCall } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, eventually, record, waitUntil } from '../support/subscribeThroughGateway';
import { openRawGraphqlWs, postRaw } from './support/rawGraphqlWs';

const ASSIGN = 'mutation Assign($deviceId: ID!) { assignDevice(deviceId: $deviceId, unitId: "unit-a") { deviceId } }';

/** Makes the audit table refuse every insert (as a full disk or a revoked grant would), and back. */
async function auditUnwritable(hub: TestHub, unwritable: boolean): Promise<void> {
  const { db } = hub.subgraphs.audit;
  const table = `"${db.schema}".audit_records`;
  if (unwritable) {
    await db.knex.raw(`CREATE TRIGGER audit_records_unwritable BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION "${db.schema}".audit_refuse()`);
  } else {
    await db.knex.raw(`DROP TRIGGER audit_records_unwritable ON ${table}`);
  }
}

describe.each(STORAGE_TARGETS)('no record, no operation, on $name', (target) => {
  let hub: TestHub;
  const auditLog = () => (hub.subgraphs.audit.subgraph as AuditSubgraph).auditLog;
  const recordsOf = async (operationName: string) =>
    (await auditLog().list({}, 100)).edges.map((edge) => edge.node).filter((node) => node.operationName === operationName);

  const headers = async () => ({ authorization: `Bearer ${await hub.token()}`, 'x-purpose': 'TEST-1' });

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('refuses undeclared and over-deep variables before anything runs, and records the refusal', async () => {
    // 5000 levels (sent as text: JSON.stringify cannot): canonicalising such a record used to
    // overflow the stack after the mutation had run.
    const body = `{"query":${JSON.stringify(ASSIGN.replace('Assign', 'AssignJunk'))},"variables":{"deviceId":"junk-1","junk":${deeplyNestedJson(5000)}}}`;
    const undeclared = await postRaw(hub.gatewayUrl, body, await headers());
    expect(undeclared.status).toBe(400);
    expect(undeclared.body).toMatchObject({ errors: [{ extensions: { code: 'VARIABLES_REFUSED' } }] });
    expect(hub.devices.unitFor('junk-1')).toBeUndefined();
    // A declared variable nested deeper than its type (ID!: no nesting at all) is refused too.
    const deep = await hub.query(ASSIGN.replace('Assign', 'AssignDeep'), { deviceId: [[['junk-2']]] });
    expect(deep.errors?.[0]).toMatchObject({ extensions: { code: 'VARIABLES_REFUSED', variable: 'deviceId' } });
    const small = await hub.query(ASSIGN.replace('Assign', 'AssignSmallJunk'), { deviceId: 'junk-3', extra: 1 });
    expect(small.errors?.[0]).toMatchObject({ extensions: { code: 'VARIABLES_REFUSED', variable: 'extra' } });
    expect(hub.devices.unitFor('junk-3')).toBeUndefined();
    await eventually(async () => (await recordsOf('AssignJunk')).length === 1, 3_000, `the refusal record ${JSON.stringify((await auditLog().list({}, 10)).edges.map((e) => e.node))}`).catch((e) => { throw e; });
    expect((await recordsOf('AssignJunk'))[0]).toMatchObject({ kind: 'mutation', outcome: 'denied', reason: 'VARIABLES_REFUSED', variables: null });
    expect((await recordsOf('AssignSmallJunk'))[0]).toMatchObject({ kind: 'mutation', outcome: 'denied' });
    await expectAuditChainIntact(hub);
  });

  it('writes a mutation\'s record before it runs and its outcome after', async () => {
    const assigned = await hub.query(ASSIGN.replace('Assign', 'AssignRecorded'), { deviceId: 'recorded-1' });
    expect(assigned.errors).toBeUndefined();
    expect(hub.devices.unitFor('recorded-1')).toBe('unit-a');
    const records = await recordsOf('AssignRecorded');
    // Newest first: the outcome names the record written before the mutation ran.
    expect(records.map((node) => [node.kind, node.outcome, (node.details as Record<string, unknown>).phase])).toEqual([
      ['mutation', 'ok', 'completed'],
      ['mutation', 'ok', 'started'],
    ]);
    expect((records[0]?.details as Record<string, unknown>).startedSeq).toBe(records[1]?.seq);
  });

  it('does not run a mutation, nor answer a query, whose record cannot be written', async () => {
    const token = `Bearer ${await hub.token()}`;
    // Logged on first: the logon record is not what this test is about.
    expect((await hub.post('{ adapters { name } }', {}, { authorization: token })).status).toBe(200);
    await auditUnwritable(hub, true);
    try {
      const refused = await hub.post(ASSIGN.replace('Assign', 'AssignUnaudited'), { deviceId: 'unaudited-1' }, { authorization: token, 'x-purpose': 'TEST-1' });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      expect(refused.body.data ?? null).toBeNull();
      const query = await hub.post('{ units { edges { node { id } } } }', {}, { authorization: token });
      expect(query.body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      expect(query.body.data ?? null).toBeNull();
    } finally {
      await auditUnwritable(hub, false);
    }
    // The mutation never reached the AVL subgraph.
    expect(hub.devices.unitFor('unaudited-1')).toBeUndefined();
    const { body } = await hub.post('query Devices { devices { deviceId } }', {}, { authorization: token });
    expect(body.data).toBeTruthy();
    expect(JSON.stringify(body.data)).not.toContain('unaudited-1');
    await expectAuditChainIntact(hub);
  });

  it('over WebSocket: refuses junk variables; starts no subscription and delivers no restricted event without its record', async () => {
    const { authorization, 'x-purpose': purpose } = await headers();
    const raw = await openRawGraphqlWs(hub.gatewayUrl, { Authorization: authorization, 'X-Purpose': purpose });
    raw.subscribeRaw('junk', `{"query":"subscription JunkLive { unitPositions { id } }","variables":{"junk":${deeplyNestedJson(5000)}}}`);
    await raw.until(() => raw.of('junk').length > 0, 'the refusal');
    expect(raw.of('junk')[0]).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'VARIABLES_REFUSED' } }] });
    await raw.close();
    const client = createGatewayClient(hub.gatewayUrl);
    try {
      await eventually(async () => (await recordsOf('JunkLive')).length === 1, 10_000, 'the refused subscribe record');
      expect((await recordsOf('JunkLive'))[0]).toMatchObject({ kind: 'subscription-start', outcome: 'denied' });

      // A restricted subscription, started while the trail is writable.
      const watch = record<{ callReceived: { id: string; callbackNumber: string | null } }>(client, 'subscription WatchUnaudited { callReceived { id callbackNumber } }');
      await eventually(async () => (await recordsOf('WatchUnaudited')).length === 1, 10_000, 'the start record');
      // The start record is written before the upstream subscription opens: calls until one arrives.
      let calls = 0;
      await eventually(async () => {
        await hub.sink.emit(ringingCall(`ws-audited-${(calls += 1)}`, { callbackNumber: '4805550101' }));
        await new Promise((resolve) => setTimeout(resolve, 50));
        return watch.events.length > 0;
      }, 10_000, 'a first event');
      const delivered = watch.events.length;

      await auditUnwritable(hub, true);
      try {
        const unstarted = record(client, 'subscription NotStarted { callReceived { id } }');
        await waitUntil(() => unstarted.errors.length > 0 || unstarted.completed, 10_000, () => 'the refusal of the start');
        expect(JSON.stringify(unstarted.errors)).toContain('AUDIT_UNAVAILABLE');
        await hub.sink.emit(ringingCall('ws-unaudited-1', { callbackNumber: '4805550102' }));
        // The event whose record cannot be written is not delivered: the subscription ends instead.
        await waitUntil(() => watch.errors.length > 0 || watch.completed, 10_000, () => 'the end of the subscription');
        expect(JSON.stringify(watch.errors)).toContain('AUDIT_UNAVAILABLE');
        expect(watch.events.map((event) => event.callReceived.id)).not.toContain('ws-unaudited-1');
        expect(watch.events).toHaveLength(delivered);
      } finally {
        await auditUnwritable(hub, false);
      }
      expect(await recordsOf('NotStarted')).toEqual([]);
    } finally {
      await client.dispose();
    }
    await expectAuditChainIntact(hub);
  });
});

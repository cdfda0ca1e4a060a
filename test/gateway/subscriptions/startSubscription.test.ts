import { type ExecutionResult, parse } from 'graphql';
import type { AuditRecordInput } from '../../../audit/auditRecord';
import { createDeliveryAudit } from '../../../gateway/audit/createDeliveryAudit';
import { createRefusalAudit } from '../../../gateway/audit/createRefusalAudit';
import { createAccessControl } from '../../../gateway/authorization/createAccessControl';
import { stripSecurityPurpose } from '../../../gateway/authorization/stripSecurityPurpose';
import type { GatewayContext } from '../../../gateway/gatewayContext';
import { createSubscriptionAuthorization } from '../../../gateway/subscriptions/authorizeSubscription';
import { createSubscriptionConfinement } from '../../../gateway/subscriptions/confineSubscription';
import { type EventView, createSharedSubscriptions } from '../../../gateway/subscriptions/createSharedSubscriptions';
import { createSubscriptionPlanner } from '../../../gateway/subscriptions/createSubscriptionPlanner';
import { createSubscriptionStarter } from '../../../gateway/subscriptions/startSubscription';
import { type ConnectedClient, SUPERGRAPH_SDL, callerWith, connectOneClient, silentLogger, subgraphsStandIn, until } from './subscriptionFixtures';

function starterUnderTest(options: { failing?: (record: AuditRecordInput) => boolean } = {}) {
  const planner = createSubscriptionPlanner({ supergraphSdl: stripSecurityPurpose(SUPERGRAPH_SDL), dataSources: {}, logger: silentLogger });
  const subgraphs = subgraphsStandIn();
  const shared = createSharedSubscriptions({ planner, upstream: subgraphs.upstream, logger: silentLogger });
  const access = createAccessControl({ supergraphSdl: SUPERGRAPH_SDL, apiSchema: planner.schema });
  const records: AuditRecordInput[] = [];
  const audit = {
    append: async (record: AuditRecordInput) => {
      if (options.failing?.(record)) throw new Error('audit store down');
      records.push(record);
    },
  };
  const refusals = createRefusalAudit({ audit, logger: silentLogger, perWindow: 100 });
  const start = createSubscriptionStarter({
    authorize: createSubscriptionAuthorization({ access, schema: planner.schema, traits: planner.traits }),
    confine: createSubscriptionConfinement(planner.schema, planner.traits),
    shared,
    access,
    audit,
    refusals,
    deliveryAudit: createDeliveryAudit<EventView>((record) => audit.append(record)),
    logger: silentLogger,
  });
  const startFor = (client: ConnectedClient, caller: GatewayContext, source: string, id = 'op-1') =>
    start({ connection: client.connection, id, caller, document: parse(source), operationName: undefined, variables: {} });
  return { startFor, subgraphs, records, refusals, shared };
}

const isStream = (value: AsyncIterableIterator<ExecutionResult> | ExecutionResult): value is AsyncIterableIterator<ExecutionResult> => Symbol.asyncIterator in value;

describe('createSubscriptionStarter', () => {
  let client: ConnectedClient;
  beforeEach(async () => {
    client = await connectOneClient();
  });
  afterEach(async () => {
    await client.close();
  });

  it('records the start, joins the shared stream (selecting what coalesces it) and delivers its events as `next` messages', async () => {
    const under = starterUnderTest();
    const started = await under.startFor(client, callerWith(['operator']), 'subscription { unitPositions { position { headingDegrees } } }');
    if (!isStream(started)) throw new Error(JSON.stringify(started));
    expect(under.records.map((record) => record.kind)).toEqual(['subscription-start']);
    const [upstream] = under.subgraphs.subscriptions;
    expect(upstream?.service).toBe('avl');
    // @coalesce(by: "id"): the upstream selection carries the key even though the client did not ask for it.
    expect(upstream?.operation).toMatch(/unitPositions\s*\{[^}]*position\s*\{\s*headingDegrees\s*\}\s*id\s*\}/);
    upstream?.sink.next({ data: { unitPositions: { id: 'u1', position: { headingDegrees: 90 } } } });
    await until(() => client.messages.length === 1, 'one event');
    expect(JSON.parse(client.messages[0] as string)).toEqual({ id: 'op-1', type: 'next', payload: { data: { unitPositions: { position: { headingDegrees: 90 } } } } });
    await started.return?.();
    expect(upstream?.stopped).toBe(true);
    await until(() => under.records.length === 2, 'stop record');
    expect(under.records[1]?.kind).toBe('subscription-stop');
  });

  it('refuses, with a record and without subscribing upstream, a subscription its field declares closed to the caller', async () => {
    const under = starterUnderTest();
    const answer = await under.startFor(client, callerWith(['camera-owner']), 'subscription { cameraStatusChanged { id } }');
    expect(isStream(answer)).toBe(false);
    expect(JSON.parse(JSON.stringify((answer as ExecutionResult).errors))).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect(under.subgraphs.subscriptions).toEqual([]);
    await under.refusals.flush();
    expect(under.records).toEqual([expect.objectContaining({ kind: 'subscription-start', outcome: 'denied' })]);
  });

  it("subscribes a geofenced officer upstream with the geofence as the field's area", async () => {
    const under = starterUnderTest();
    const geofence = { circle: { center: { lat: 33.415, lon: -111.831 }, radiusMeters: 2000 } };
    const started = await under.startFor(client, callerWith(['officer'], { geofence }), 'subscription { callReceived { id } }');
    expect(isStream(started)).toBe(true);
    expect(under.subgraphs.subscriptions[0]?.operation).toMatch(/callReceived\(\s*area:\s*\{\s*circle:\s*\{\s*center:\s*\{\s*lat:\s*33.415/);
  });

  it('does not start a subscription whose start record cannot be written', async () => {
    const under = starterUnderTest({ failing: (record) => record.kind === 'subscription-start' });
    const answer = await under.startFor(client, callerWith(['operator']), 'subscription { unitPositions { id } }');
    expect(JSON.parse(JSON.stringify((answer as ExecutionResult).errors))).toEqual([expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
    expect(under.subgraphs.subscriptions).toEqual([]);
  });

  it('delivers an event carrying restricted fields only after its record, and none whose record failed', async () => {
    const under = starterUnderTest({ failing: (record) => record.kind === 'subscription-event' && JSON.stringify(record).includes('cam-2') });
    const started = await under.startFor(client, callerWith(['operator']), 'subscription { cameraStatusChanged { id snapshotUrl } }');
    if (!isStream(started)) throw new Error(JSON.stringify(started));
    const ending = started.next();
    const [upstream] = under.subgraphs.subscriptions;
    upstream?.sink.next({ data: { cameraStatusChanged: { id: 'cam-1', snapshotUrl: 'http://vms.test.invalid/cam-1.jpg' } } });
    await until(() => client.messages.length === 1, 'the recorded event');
    expect(under.records.map((record) => record.kind)).toEqual(['subscription-start', 'subscription-event']);
    upstream?.sink.next({ data: { cameraStatusChanged: { id: 'cam-2', snapshotUrl: 'http://vms.test.invalid/cam-2.jpg' } } });
    const last = await ending;
    expect(JSON.parse(JSON.stringify(last.value))).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })] });
    expect(client.messages).toHaveLength(1);
    expect(client.messages[0]).toContain('cam-1');
  });

  it('closes the connection (4401) at the first event after the token it was opened with expired', async () => {
    const under = starterUnderTest();
    const started = await under.startFor(client, callerWith(['operator'], { expiresAt: Date.now() - 1 }), 'subscription { unitPositions { id } }');
    expect(isStream(started)).toBe(true);
    under.subgraphs.subscriptions[0]?.sink.next({ data: { unitPositions: { id: 'u1' } } });
    expect(await client.closed).toEqual({ code: 4401, reason: 'Token expired; reconnect with a fresh token' });
    expect(client.messages).toEqual([]);
  });
});

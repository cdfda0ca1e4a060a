import fc from 'fast-check';
import WebSocket from 'ws';
import type { AuditRecord } from '../../audit/auditRecord';
import { DEFAULT_PURPOSE_RULES } from '../../gateway/authorization/createAccessControl';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { FIXTURE_TIME, INCIDENT_POINT, loadCityFixture } from '../support/cityFixture';
import { HOSTILE_SEED, expectAuditChainIntact, expectHubHealthy, hugeString, stringWithControl, stringWithOddUnicode } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { eventually } from '../support/subscribeThroughGateway';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** Reads the 911 callback number: restricted, so it needs a purpose. */
const RESTRICTED = '{ calls { edges { node { id callbackNumber } } } }';
const EXISTING_INCIDENT = 'MPD2611230001';
const MISSING_INCIDENT = 'MPD2611239999';

/** How a graphql-ws connection to the gateway with these parameters ended: acknowledged, or closed with a code and reason. */
function connectWith(gatewayUrl: string, payload: Record<string, unknown>): Promise<{ acked: true } | { acked: false; code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no answer within 10 s'));
    }, 10_000);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type !== 'connection_ack') return;
      clearTimeout(timer);
      socket.close();
      resolve({ acked: true });
    });
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ acked: false, code, reason: reason.toString() });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Whether a value could stand as a purpose once trimmed, by the default rules. */
const isValidPurpose = (value: string) => DEFAULT_PURPOSE_RULES.pattern.test(value.trim());

/** What an HTTP field value can carry at all (RFC 9110 §5.5: tab, visible ASCII, space, obs-text); clients and the server's parser refuse the rest. */
const isHeaderSafe = (value: string) => value.trim() !== '' && [...value].every((char) => char === '\t' || (char >= ' ' && char <= '~') || (char >= '\u0080' && char <= '\u00ff'));

describe.each(STORAGE_TARGETS)('a purpose names a case or an incident that exists ($name)', (target) => {
  let hub: TestHub;
  let token: string;
  const asOperator = (purpose: string) => hub.post(RESTRICTED, {}, { authorization: `Bearer ${token}`, 'x-purpose': purpose });
  const connect = (purpose: unknown) => connectWith(hub.gatewayUrl, { Authorization: `Bearer ${token}`, 'X-Purpose': purpose });
  const deniedRecords = async (): Promise<AuditRecord[]> => {
    const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
    return (await auditLog.list({ subject: 'purpose-operator', outcome: 'denied' }, 100)).edges.map((edge) => edge.node);
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
    token = await hub.token({ subject: 'purpose-operator', roles: ['operator'] });
  });
  afterAll(() => hub?.close());

  it('over HTTP: accepts a case number and an existing incident, refuses any other string and an incident CAD does not know', async () => {
    for (const purpose of ['CASE-2026-0042', 'TEST-0001', EXISTING_INCIDENT]) {
      const { status, body } = await asOperator(purpose);
      expect({ purpose, status, errors: body.errors }).toEqual({ purpose, status: 200, errors: undefined });
    }
    for (const purpose of ['x', 'because', 'CASE', 'case-1', 'CASE-1 OR 1=1']) {
      const { status, body } = await asOperator(purpose);
      expect({ purpose, status, code: body.errors?.[0]?.extensions?.code }).toEqual({ purpose, status: 400, code: 'PURPOSE_INVALID' });
      expect(body.data ?? null).toBeNull();
    }
    const unknown = await asOperator(MISSING_INCIDENT);
    expect(unknown.status).toBe(403);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_UNKNOWN_INCIDENT');
    expect(unknown.body.data ?? null).toBeNull();
    // Refused operations are audited with the reason.
    const reasons = (await deniedRecords()).map((record) => record.reason);
    expect(reasons).toContain('PURPOSE_UNKNOWN_INCIDENT');
    expect(reasons.filter((reason) => reason === 'PURPOSE_INVALID').length).toBeGreaterThanOrEqual(5);
    // An incident becomes a purpose as soon as CAD has it.
    const number = 'MPD2611230002';
    await hub.sink.emit({
      type: 'incident.created',
      eventId: 'purpose-incident-2',
      source: 'test',
      occurredAt: FIXTURE_TIME.toISOString(),
      incidentId: 'inc-purpose-2',
      number,
      typeCode: 'THEFT',
      typeText: 'Theft',
      priority: 3,
      status: 'PENDING',
      location: { point: INCIDENT_POINT, uncertaintyMeters: 10 },
      reportedAt: FIXTURE_TIME.toISOString(),
      narrative: null,
      callIds: [],
    });
    const created = await asOperator(number);
    expect(created.body.errors).toBeUndefined();
    expect(created.status).toBe(200);
  });

  it('over WebSocket: the connection purpose meets the same rules (close 4403 with the reason)', async () => {
    expect(await connect('CASE-77')).toEqual({ acked: true });
    expect(await connect(EXISTING_INCIDENT)).toEqual({ acked: true });
    for (const purpose of ['x', MISSING_INCIDENT, 42, { case: 1 }, ['CASE-1', 'CASE-2']]) {
      const outcome = await connect(purpose);
      expect({ purpose, outcome }).toEqual({ purpose, outcome: { acked: false, code: 4403, reason: expect.stringMatching(/purpose|X-Purpose/) } });
    }
    // Each refused connection is on the trail: who, why, from where (the refused value is not).
    await eventually(async () => (await deniedRecords()).filter((record) => record.kind === 'request-refused').length >= 5, 10_000, 'five request-refused records');
    const refused = (await deniedRecords()).filter((record) => record.kind === 'request-refused');
    expect(refused.map((record) => record.reason).sort()).toEqual(['PURPOSE_INVALID', 'PURPOSE_INVALID', 'PURPOSE_INVALID', 'PURPOSE_INVALID', 'PURPOSE_UNKNOWN_INCIDENT']);
    for (const record of refused) expect(record.details).toMatchObject({ transport: 'graphql-ws', clientAddress: expect.any(String) });
  });

  it('hostile purpose values (control characters, NUL, odd Unicode, huge) are refused, never crash, never pass', async () => {
    const hostile = fc.oneof(stringWithControl, stringWithOddUnicode, hugeString.filter((value) => Buffer.byteLength(JSON.stringify(value)) < 900_000));
    await fc.assert(
      fc.asyncProperty(hostile, async (purpose) => {
        const outcome = await connect(purpose);
        if (outcome.acked) expect(isValidPurpose(purpose)).toBe(true);
        else expect(outcome.code).toBe(4403);
      }),
      { seed: HOSTILE_SEED, numRuns: 25 },
    );
    const headerValues = fc.oneof(stringWithControl, stringWithOddUnicode, fc.string({ minLength: 65, maxLength: 8000 })).filter(isHeaderSafe);
    await fc.assert(
      fc.asyncProperty(headerValues, async (purpose) => {
        const { status, body } = await asOperator(purpose);
        if (isValidPurpose(purpose)) expect(status).toBe(200);
        else expect({ status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'PURPOSE_INVALID' });
      }),
      { seed: HOSTILE_SEED, numRuns: 40 },
    );
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});

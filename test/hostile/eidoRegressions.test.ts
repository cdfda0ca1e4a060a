import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Adapter } from '../../contract';
import type { EidoHttpAdapter } from '../../adapters/eido-http';
import { loadConfiguredAdapters } from '../../hub/loadConfiguredAdapters';
import { readHubConfig } from '../../config/hubConfig';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { deeplyNestedJson, expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * The EIDO holes of issue 10, each through the running hub: a NUL in an id (500, event lost),
 * deep JSON (500, no dead letter), a flood of `{}` (one dead letter per `{}`), internal error
 * text in 500 bodies, and an endpoint that took any POST.
 */

const SECRET = 'north-cad-secret-0123456789';
const BODY_LIMIT = 256 * 1024;
const PIDF_POINT =
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" entity="pres:x@y"><tuple id="t"><status><gp:geopriv><gp:location-info><gml:Point><gml:pos>33.4152 -111.8315</gml:pos></gml:Point></gp:location-info></gp:geopriv></status></tuple></presence>';

const incidentUrn = (tag: string) => `urn:emergency:uid:incidentid:${tag}:psap.test.invalid`;

function eido(id: string, tag: string): Record<string, unknown> {
  return {
    $id: id,
    lastUpdateTimeStamp: '2026-11-23T15:05:00.0-07:00',
    incidentComponent: { $id: `ic-${tag}`, incidentTypeCommonRegistryText: 'ROBBERY', internalIncidentId: `MPD-${tag}`, locationReference: [{ $ref: `loc-${tag}` }] },
    locationComponent: [{ $id: `loc-${tag}`, locationByValue: PIDF_POINT }],
  };
}

interface DeadLetterNode {
  id: string;
  reason: string;
  detail: string;
  raw: string;
  sender: string | null;
}

/** A CAD that cannot push: answers polls with whatever `body` holds, and remembers their authorization headers. */
function startPolledCad(): Promise<{ server: Server; url: string; setBody(body: string): void; authorizations: string[] }> {
  let body: string | null = null;
  let version = 0;
  const authorizations: string[] = [];
  const server = createServer((request, response) => {
    authorizations.push(String(request.headers.authorization));
    const etag = `"v${version}"`;
    if (body === null || request.headers['if-none-match'] === etag) {
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://127.0.0.1:${port}/eido`,
        setBody(next) {
          body = next;
          version += 1;
        },
        authorizations,
      });
    });
  });
}

describe.each(STORAGE_TARGETS)('EIDO ingest regressions through the hub ($name)', (target) => {
  let hub: TestHub;
  let eidoAdapter: EidoHttpAdapter;
  let cad: Awaited<ReturnType<typeof startPolledCad>>;
  let clock = new Date('2026-11-23T22:00:00Z');
  const basic = `Basic ${Buffer.from(`cad-north:${SECRET}`).toString('base64')}`;

  beforeAll(async () => {
    cad = await startPolledCad();
    const eidoConfig = readHubConfig({
      EIDO_HTTP_PORT: '0',
      AVL_UDP_PORT: 'off',
      EIDO_SOURCE_SECRETS: `cad-north:${SECRET}`,
      EIDO_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      EIDO_POLL_URL: cad.url,
      EIDO_POLL_INTERVAL_MS: '50',
      EIDO_POLL_AUTHORIZATION: 'Bearer polling-token-for-the-cad',
    });
    const buildAdapters = await loadConfiguredAdapters(eidoConfig);
    hub = await startTestHub(target, {
      now: () => clock,
      env: { DEAD_LETTERS_PER_SOURCE_PER_MINUTE: '0' },
      adapters: (lookups) => {
        const adapters: Adapter[] = buildAdapters({ lookups, now: () => clock, supplied: {} });
        eidoAdapter = adapters.find((adapter) => adapter.name === 'eido-http') as EidoHttpAdapter;
        return adapters;
      },
    });
  });
  afterAll(async () => {
    await hub?.close();
    await new Promise((resolve) => cad?.server.close(resolve));
  });

  const post = async (body: string, authorization: string | null = basic) => {
    const response = await fetch(eidoAdapter.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
  };
  const deadLetters = async (): Promise<DeadLetterNode[]> => {
    const letters: DeadLetterNode[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: { deadLetters: { edges: { node: DeadLetterNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } = await hub.query(
        'query ($after: String) { deadLetters(filter: { source: "eido-http" }, first: 100, after: $after) { edges { node { id reason detail raw sender } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      letters.push(...page.data!.deadLetters.edges.map((edge) => edge.node));
      if (!page.data!.deadLetters.pageInfo.hasNextPage) return letters.reverse();
      after = page.data!.deadLetters.pageInfo.endCursor;
    }
  };
  const incident = async (id: string) =>
    (await hub.query<{ incident: { id: string; number: string } | null }>('query ($id: ID!) { incident(id: $id) { id number } }', { id })).data?.incident ?? null;

  it('refuses a POST without valid credentials (401, coded JSON, nothing read) and audits refusals once per address a minute, with their count', async () => {
    const refusedBefore = (await (hub.subgraphs.audit.subgraph as AuditSubgraph).auditLog.list({ kinds: ['ingest-refused'] }, 100)).edges.length;
    const document = JSON.stringify(eido(incidentUrn('refused'), 'refused'));
    const operatorToken = await hub.token({ subject: 'an-operator', roles: ['operator'] });
    const answers = [
      await post(document, null),
      await post(document, `Basic ${Buffer.from(`cad-north:${SECRET}-wrong`).toString('base64')}`),
      await post(document, `Basic ${Buffer.from(`cad-nowhere:${SECRET}`).toString('base64')}`),
      await post(document, 'Bearer not.a.token'),
      await post(document, `Bearer ${operatorToken}`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 403]);
    for (const answer of answers) expect(answer.json).toMatchObject({ error: { code: expect.stringMatching(/^(UNAUTHENTICATED|FORBIDDEN)$/), message: expect.stringContaining('refused') } });
    expect(await incident(incidentUrn('refused'))).toBeNull();

    const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
    const refusals = async () => (await auditLog.list({ kinds: ['ingest-refused'] }, 100)).edges.map((edge) => edge.node).slice(0, -refusedBefore || undefined);
    // The first refusal of the minute is recorded at once; the other four wait for the minute's end.
    expect((await refusals()).map((record) => (record.details as { count: number }).count)).toEqual([1]);
    clock = new Date(clock.getTime() + 61_000);
    await post(document, null);
    const records = await refusals();
    expect(records.map((record) => (record.details as { count: number }).count)).toEqual([1, 4, 1]);
    expect(records[0]).toMatchObject({ kind: 'ingest-refused', outcome: 'denied', details: { adapter: 'eido-http', clientAddress: expect.stringMatching(/127\.0\.0\.1/), status: 401 } });
    await expectAuditChainIntact(hub);
  });

  it('audits a refusal whose forged source name holds NUL and controls, shown as U+FFFD', async () => {
    clock = new Date(clock.getTime() + 61_000);
    const answer = await post('{}', `Basic ${Buffer.from(`cad\u0000\u001bnorth:${SECRET}`).toString('base64')}`);
    expect(answer.status).toBe(401);
    const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
    const [newest] = (await auditLog.list({ kinds: ['ingest-refused'] }, 1)).edges.map((edge) => edge.node);
    expect(newest?.details).toMatchObject({ count: 1, claimedSender: 'cad\ufffd\ufffdnorth' });
    await expectAuditChainIntact(hub);
  });

  it('a NUL in an id: that document is a bad-character dead letter named for its sender, the answer is 2xx JSON saying so, the others are stored', async () => {
    const token = await hub.token({ subject: 'cad-south', roles: ['adapter'] });
    const documents = [eido(incidentUrn('nul-a'), 'nul-a'), eido(`${incidentUrn('nul-b')}\u0000x`, 'nul-b'), eido(incidentUrn('nul-c'), 'nul-c')];
    const body = JSON.stringify(documents);
    const answer = await post(body, `Bearer ${token}`);
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ documents: 3, rejections: [expect.objectContaining({ reason: 'bad-character' })] });
    expect(await incident(incidentUrn('nul-a'))).toMatchObject({ number: 'MPD-nul-a' });
    expect(await incident(incidentUrn('nul-c'))).toMatchObject({ number: 'MPD-nul-c' });
    const letter = (await deadLetters()).find((candidate) => candidate.raw.includes('nul-b'));
    expect(letter).toMatchObject({ reason: 'bad-character', sender: 'cad-south', raw: JSON.stringify(documents[1]) });
    expect(letter?.detail).toContain('U+0000');

    // A body holding a raw NUL byte is not JSON: a dead letter that keeps the byte, exactly.
    const withNul = `{"$id": "${incidentUrn('nul-d')}\u0000", "broken": `;
    const refused = await post(withNul);
    expect(refused.status).toBe(422);
    const kept = (await deadLetters()).find((candidate) => candidate.raw.includes('nul-d'));
    expect(kept).toMatchObject({ reason: 'malformed-json', sender: 'cad-north', raw: withNul });
  });

  it('10,000 levels deep, in one field of a valid document or as the whole body: too-deep dead letters, the document beside it stored, never a 500', async () => {
    const valid = JSON.stringify(eido(incidentUrn('deep-ok'), 'deep-ok'));
    const deepField = JSON.stringify(eido(incidentUrn('deep-field'), 'deep-field')).replace(/}$/, `,"extra":${deeplyNestedJson(10_000)}}`);
    const batch = await post(`[${valid},${deepField}]`);
    expect(batch.status).toBe(202);
    expect(batch.json).toMatchObject({ documents: 1, rejections: [expect.objectContaining({ reason: 'too-deep', path: '$[1]' })] });
    expect(await incident(incidentUrn('deep-ok'))).not.toBeNull();
    expect(await incident(incidentUrn('deep-field'))).toBeNull();

    const whole = await post(deeplyNestedJson(10_000, 'object'));
    expect(whole.status).toBe(422);
    const letters = (await deadLetters()).filter((letter) => letter.reason === 'too-deep');
    expect(letters.map((letter) => letter.raw)).toEqual([deepField, deeplyNestedJson(10_000, 'object')]);
    await expectHubHealthy(hub);
  });

  it('20,000 `{}` in one 40 KB POST: 100 read, the rest kept as one replayable dead letter; a valid POST after it is stored', async () => {
    const before = (await deadLetters()).length;
    const flood = await post(`[${Array.from({ length: 20_000 }, () => '{}').join(',')}]`);
    expect(flood.status).toBe(422);
    expect(flood.json).toMatchObject({ documents: 100 });
    const letters = (await deadLetters()).slice(before);
    const excess = letters.filter((letter) => letter.reason === 'too-many-documents');
    expect(excess).toHaveLength(1);
    expect(JSON.parse(excess[0]!.raw)).toHaveLength(19_900);
    expect(letters).toHaveLength(101);

    const after = await post(JSON.stringify(eido(incidentUrn('after-flood'), 'after-flood')));
    expect(after.status).toBe(202);
    expect(await incident(incidentUrn('after-flood'))).not.toBeNull();
  });

  it('a body over EIDO_BODY_LIMIT_BYTES is refused with 413 and a coded body, and recorded as a dead letter', async () => {
    const answer = await post(JSON.stringify({ ...eido(incidentUrn('huge'), 'huge'), notes: 'x'.repeat(BODY_LIMIT) }));
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ error: { code: 'INGEST_PAYLOAD_TOO_LARGE' } });
    const letters = await deadLetters();
    expect(letters[letters.length - 1]).toMatchObject({ reason: 'body-too-large', sender: 'cad-north' });
  });

  it('a failure inside the hub answers 500 with a coded, generic body: no internal error text', async () => {
    const db = hub.subgraphs.ingest.db;
    await db.knex.schema.withSchema(db.schema).renameTable('dead_letters', 'dead_letters_away');
    try {
      const answer = await post('{"not": "an eido"}');
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: expect.any(String) } });
      expect(answer.text).not.toMatch(/dead_letters|relation|insert|stack|at /i);
    } finally {
      await db.knex.schema.withSchema(db.schema).renameTable('dead_letters_away', 'dead_letters');
    }
    await expectHubHealthy(hub);
  });

  it('the poll path sends EIDO_POLL_AUTHORIZATION and applies the same depth limit', async () => {
    cad.setBody(`[${JSON.stringify(eido(incidentUrn('polled'), 'polled'))},${deeplyNestedJson(10_000)}]`);
    await eventually(async () => (await incident(incidentUrn('polled'))) !== null, 10_000, 'the polled incident stored');
    await eventually(async () => (await deadLetters()).some((letter) => letter.reason === 'too-deep' && letter.raw === deeplyNestedJson(10_000)), 10_000, 'the deep polled document kept');
    expect(cad.authorizations).toContain('Bearer polling-token-for-the-cad');
    await expectAuditChainIntact(hub);
  });
});

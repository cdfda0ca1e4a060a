import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { AuditRecord } from '../../audit';
import { ROLE_SCOPES, ROLES, SCOPES } from '../../auth/roles';
import { DEV_ISSUER, createDevIssuer } from '../../auth/createDevIssuer';
import { DEV_TOKEN_BODY_LIMIT, type DevTokenIssued, createDevTokenRoutes, isLoopback } from '../../auth/createDevTokenRoutes';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

const target = STORAGE_TARGETS[0]!;

const originOf = (hub: TestHub) => new URL(hub.gatewayUrl).origin;

const postToken = async (hub: TestHub, body: string, contentType = 'application/json') => {
  const response = await fetch(`${originOf(hub)}/auth/dev/token`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** The development tokens handed out over HTTP, from the audit log. */
const tokenRecords = async (hub: TestHub): Promise<AuditRecord[]> => {
  const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
  const records: AuditRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await auditLog.list({ kinds: ['logon'] }, 100, after);
    records.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return records
    .filter((record) => (record.details as Record<string, unknown> | null)?.issuedBy === 'POST /auth/dev/token')
    .sort((a, b) => a.seq - b.seq);
};

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('the development sign-in endpoint (POST /auth/dev/token) of a hub that is its own issuer', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(() => hub?.close());

  it('lists every role with a one-line description', async () => {
    const response = await fetch(`${originOf(hub)}/auth/dev/roles`);
    expect(response.status).toBe(200);
    const { roles } = (await response.json()) as { roles: { role: string; description: string }[] };
    expect(roles.map((entry) => entry.role)).toEqual(ROLES);
    for (const { role, description } of roles) {
      expect(description).not.toBe(role);
      expect(description).not.toContain('\n');
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it.each(ROLES)('hands out a %s token that /graphql accepts, with the role\'s rights', async (role) => {
    const { status, body } = await postToken(hub, JSON.stringify({ role }));
    expect(status).toBe(200);
    // A camera owner who names no owner id signs up: their subject is their new owner id.
    const subject = role === 'camera-owner' ? expect.stringMatching(/^owner-[0-9a-f]{16}$/) : `dev-${role}`;
    expect(body).toEqual({ token: expect.any(String), expiresAt: expect.any(String), role, subject });
    const token = String(body.token);
    expect(claimsOf(token)).toMatchObject({ iss: DEV_ISSUER, sub: subject, roles: [role] });
    expect(new Date(String(body.expiresAt)).getTime()).toBe(Number(claimsOf(token).exp) * 1000);

    const answer = await hub.post<{ __typename?: string; adapters?: unknown }>('{ __typename adapters { name } }', {}, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.__typename).toBe('Query');
    const mayReadAdapters = ROLE_SCOPES[role]!.includes(SCOPES.ingestRead);
    const forbidden = (answer.body.errors ?? []).some((error) => error.path?.[0] === 'adapters' && error.extensions?.code === 'FORBIDDEN');
    expect(forbidden).toBe(!mayReadAdapters);
    expect(Array.isArray(answer.body.data?.adapters)).toBe(mayReadAdapters);
  });

  it('takes a subject, an officer\'s geofence and a camera owner\'s id into the token', async () => {
    const geofence = { circle: { center: { lat: 33.415, lon: -111.831 }, radiusMeters: 3000 } };
    const officer = await postToken(hub, JSON.stringify({ role: 'officer', subject: 'officer.17', geofence }));
    expect(officer.body).toMatchObject({ role: 'officer', subject: 'officer.17' });
    expect(claimsOf(String(officer.body.token))).toMatchObject({ sub: 'officer.17', geofence });
    const owner = await postToken(hub, JSON.stringify({ role: 'camera-owner', cameraOwner: 'owner-17' }));
    expect(claimsOf(String(owner.body.token))).toMatchObject({ roles: ['camera-owner'], camera_owner: 'owner-17' });
  });

  it('signs a camera owner up with a fresh owner id when none is named, their subject too', async () => {
    const first = claimsOf(String((await postToken(hub, JSON.stringify({ role: 'camera-owner' }))).body.token));
    const second = claimsOf(String((await postToken(hub, JSON.stringify({ role: 'camera-owner' }))).body.token));
    expect(first.camera_owner).toMatch(/^owner-[0-9a-f]{16}$/);
    expect(first.sub).toBe(first.camera_owner);
    expect(second.camera_owner).not.toBe(first.camera_owner);
    // Naming a subject keeps it; the owner id is still new.
    const named = claimsOf(String((await postToken(hub, JSON.stringify({ role: 'camera-owner', subject: 'resident.5' }))).body.token));
    expect(named).toMatchObject({ sub: 'resident.5', camera_owner: expect.stringMatching(/^owner-/) });
  });

  it('signs the geofence it validated, rebuilt: a null beside the area and polygon altitudes do not reach the token', async () => {
    const circle = { center: { lat: 33.415, lon: -111.831 }, radiusMeters: 3000 };
    const withNull = await postToken(hub, JSON.stringify({ role: 'officer', geofence: { circle, polygon: null, boundingBox: null } }));
    expect(withNull.status).toBe(200);
    expect(claimsOf(String(withNull.body.token)).geofence).toEqual({ circle });
    const ring = [[-111.9, 33.4, 350], [-111.8, 33.4], [-111.8, 33.5], [-111.9, 33.4, 350]];
    const polygon = await postToken(hub, JSON.stringify({ role: 'officer', geofence: { polygon: { type: 'Polygon', coordinates: [ring] } } }));
    expect(polygon.status).toBe(200);
    expect(claimsOf(String(polygon.body.token)).geofence).toEqual({ polygon: { type: 'Polygon', coordinates: [ring.map(([lon, lat]) => [lon, lat])] } });
    const box = { southWest: { lat: 33.4, lon: -111.9 }, northEast: { lat: 33.5, lon: -111.8 } };
    const boxed = await postToken(hub, JSON.stringify({ role: 'officer', geofence: { boundingBox: box } }));
    expect(claimsOf(String(boxed.body.token)).geofence).toEqual({ boundingBox: box });
  });

  it('repeats a caller\'s text in a refusal cut short, with invisible characters escaped', async () => {
    const role = `\u202e${'x'.repeat(3000)}`;
    const long = await postToken(hub, JSON.stringify({ role }));
    expect(long.status).toBe(400);
    expect(long.body.error).toBe(`unknown role "\\u202e${'x'.repeat(63)}…" (3001 characters): one of ${ROLES.join(', ')}`);
    const field = 'ro\u0085le\u2028\u200b\u{e0001}';
    const unknown = await postToken(hub, `{"role":"operator",${JSON.stringify(field)}:1}`);
    expect(unknown.body.error).toBe('unknown field "ro\\u0085le\\u2028\\u200b\\udb40\\udc01": the fields are role, subject, geofence, cameraOwner, department');
    const polygonType = await postToken(hub, JSON.stringify({ role: 'officer', geofence: { polygon: { type: 'Poly\u202egon', coordinates: [] } } }));
    expect(polygonType.body.error).toMatch(/^Argument "geofence\.polygon\.type" must be "Polygon"; got "Poly\\u202egon"$/);
  });

  it('writes an audit record for every token it hands out, naming the token', async () => {
    const before = await tokenRecords(hub);
    const tokens = [];
    for (const role of ['operator', 'partner']) tokens.push(String((await postToken(hub, JSON.stringify({ role, subject: `audited-${role}` }))).body.token));
    const added = (await tokenRecords(hub)).filter((record) => !before.some((old) => old.seq === record.seq));
    expect(added.map((record) => [record.subject, record.roles, record.outcome])).toEqual([
      ['audited-operator', ['operator'], 'ok'],
      ['audited-partner', ['partner'], 'ok'],
    ]);
    expect(added.map((record) => (record.details as Record<string, unknown>).tokenId)).toEqual(tokens.map((token) => claimsOf(token).jti));
    expect(added.map((record) => (record.details as Record<string, unknown>).clientAddress)).toEqual([expect.stringMatching(/127\.0\.0\.1|::1/), expect.any(String)]);
  });

  it.each([
    ['an unknown role', JSON.stringify({ role: 'chief' }), /unknown role "chief": one of operator, /],
    ['no role', JSON.stringify({ subject: 'someone' }), /role is required/],
    ['malformed JSON', '{"role": "operator"', /not well-formed JSON/],
    ['an empty body', '', /send a JSON object/],
    ['an array', '["operator"]', /must be a JSON object/],
    ['an unknown field', JSON.stringify({ role: 'operator', roles: ['supervisor'] }), /unknown field "roles"/],
    ['a bad subject', JSON.stringify({ role: 'operator', subject: 'a b\nc' }), /subject must be/],
    ['a geofence for an operator', JSON.stringify({ role: 'operator', geofence: { circle: { center: { lat: 1, lon: 1 }, radiusMeters: 10 } } }), /officer role only/],
    ['a malformed geofence', JSON.stringify({ role: 'officer', geofence: { circle: { center: { lat: 100, lon: 1 }, radiusMeters: 10 } } }), /geofence\.circle/],
    ['a repeated role', '{"role":"auditor","role":"operator"}', /^the key "role" appears more than once/],
    ['a role repeated in an escaped spelling', '{"role":"auditor","r\\u006fle":"operator"}', /^the key "role" appears more than once/],
    ['a key repeated inside the geofence', '{"role":"officer","geofence":{"circle":{"center":{"lat":1,"lon":1},"radiusMeters":10,"radiusMeters":99999}}}', /^the key "radiusMeters" appears more than once/],
    ['an unknown key beside the geofence\'s area', JSON.stringify({ role: 'officer', geofence: { circle: { center: { lat: 1, lon: 1 }, radiusMeters: 10 }, extra: 1 } }), /^unknown field "extra" in geofence: the fields there are circle, boundingBox, polygon$/],
    ['an unknown key in the geofence\'s centre', JSON.stringify({ role: 'officer', geofence: { circle: { center: { lat: 1, lon: 1, alt: 3 }, radiusMeters: 10 } } }), /^unknown field "alt" in geofence\.circle\.center: /],
    ['a prototype key in the geofence\'s polygon', '{"role":"officer","geofence":{"polygon":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"__proto__":{"x":1}}}}', /^unknown field "__proto__" in geofence\.polygon: /],
    ['an oversize body', JSON.stringify({ role: 'operator', subject: 'x'.repeat(DEV_TOKEN_BODY_LIMIT) }), new RegExp(`larger than ${DEV_TOKEN_BODY_LIMIT} bytes`)],
  ])('refuses %s with 400 and the reason, and hands out nothing', async (_case, body, reason) => {
    const before = (await tokenRecords(hub)).length;
    const answer = await postToken(hub, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: expect.stringMatching(reason) });
    expect((await tokenRecords(hub)).length).toBe(before);
  });

  it('refuses a body that is not sent as JSON', async () => {
    const answer = await postToken(hub, JSON.stringify({ role: 'operator' }), 'text/plain');
    expect(answer).toEqual({ status: 400, body: { error: expect.stringMatching(/application\/json/) } });
  });
});

describe('the endpoint when the gateway runs in its own thread (GATEWAY_THREAD=worker)', () => {
  it.each([
    ['a key file', true],
    ['the key in memory (AUTH_DEV_KEY_FILE=memory)', false],
  ])('signs in the hub\'s thread, which keeps the issuer\'s key (%s), and audits there', async (_keyKind, inFile) => {
    const keyDirectory = mkdtempSync(join(tmpdir(), 'rtcc-dev-key-'));
    const hub = await startTestHub(target, { env: { GATEWAY_THREAD: 'worker', AUTH_DEV_KEY_FILE: inFile ? join(keyDirectory, 'dev-issuer-key.json') : 'memory' } });
    try {
      const before = (await tokenRecords(hub)).length;
      const { status, body } = await postToken(hub, JSON.stringify({ role: 'operator', subject: 'threaded-operator' }));
      expect(status).toBe(200);
      const answer = await hub.post<{ __typename: string }>('{ __typename }', {}, { authorization: `Bearer ${String(body.token)}` });
      expect(answer).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
      const added = (await tokenRecords(hub)).slice(before);
      expect(added.map((record) => [record.subject, (record.details as Record<string, unknown>).tokenId])).toEqual([['threaded-operator', claimsOf(String(body.token)).jti]]);
    } finally {
      await hub.close();
      rmSync(keyDirectory, { recursive: true, force: true });
    }
  });
});

describe('where there is no development sign-in endpoint', () => {
  it('is absent with a real issuer', async () => {
    // A real issuer's keys are fetched when the first token arrives; none does here.
    const hub = await startTestHub(target, { env: { AUTH_ISSUER: 'https://login.example.gov/realms/pd', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' } });
    try {
      expect((await postToken(hub, JSON.stringify({ role: 'operator' }))).status).toBe(404);
      expect((await fetch(`${originOf(hub)}/auth/dev/roles`)).status).toBe(404);
    } finally {
      await hub.close();
    }
  });

  it('is absent with AUTH_DEV_TOKEN_ENDPOINT=off, though the hub is its own issuer', async () => {
    const hub = await startTestHub(target, { env: { AUTH_DEV_TOKEN_ENDPOINT: 'off' } });
    try {
      expect((await postToken(hub, JSON.stringify({ role: 'operator' }))).status).toBe(404);
      expect((await fetch(`${originOf(hub)}/auth/dev/jwks.json`)).status).toBe(200);
    } finally {
      await hub.close();
    }
  });
});

describe('the endpoint\'s rules, on a bare fastify app', () => {
  const issued: DevTokenIssued[] = [];
  const start = async (options: { access: 'loopback' | 'any'; record?: (issued: DevTokenIssued) => Promise<void> }) => {
    const issuer = await createDevIssuer({ issuer: DEV_ISSUER, audience: 'rtcc-hub', keyFile: 'memory' });
    const app = Fastify();
    await createDevTokenRoutes({ issuer, access: options.access, record: options.record ?? (async (token) => void issued.push(token)) })(app);
    return app;
  };
  const inject = (app: Awaited<ReturnType<typeof start>>, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/auth/dev/token', remoteAddress, headers: { 'content-type': 'application/json' }, payload: '{"role":"operator"}' });

  it('refuses callers from other machines unless told to take any caller', async () => {
    const loopbackOnly = await start({ access: 'loopback' });
    const remote = await inject(loopbackOnly, '10.1.2.3');
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toEqual({ error: expect.stringMatching(/this machine only \(AUTH_DEV_TOKEN_ENDPOINT=loopback\)/) });
    expect((await loopbackOnly.inject({ method: 'GET', url: '/auth/dev/roles', remoteAddress: '192.168.1.9' })).statusCode).toBe(403);
    expect((await inject(loopbackOnly, '127.0.0.1')).statusCode).toBe(200);
    expect((await inject(loopbackOnly, '::ffff:127.0.0.1')).statusCode).toBe(200);
    const anyCaller = await start({ access: 'any' });
    expect((await inject(anyCaller, '10.1.2.3')).statusCode).toBe(200);
    expect(issued.map((token) => token.clientAddress)).toEqual(['127.0.0.1', '::ffff:127.0.0.1', '10.1.2.3']);
    await Promise.all([loopbackOnly.close(), anyCaller.close()]);
  });

  it('ignores a forwarded header that claims the caller is local', async () => {
    const app = await start({ access: 'loopback' });
    const answer = await app.inject({
      method: 'POST',
      url: '/auth/dev/token',
      remoteAddress: '10.1.2.3',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '127.0.0.1' },
      payload: '{"role":"operator"}',
    });
    expect(answer.statusCode).toBe(403);
    await app.close();
  });

  it('hands out no token when its audit record cannot be written', async () => {
    const app = await start({ access: 'any', record: async () => Promise.reject(new Error('disk full')) });
    const answer = await inject(app, '127.0.0.1');
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({ error: expect.stringMatching(/audit log could not record the token/) });
    expect(answer.body).not.toMatch(/eyJ/);
    await app.close();
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.8.0.2', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', '::2', '', '127.0.0.1.evil'].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });
});

import fc from 'fast-check';
import type { AuditRecord } from '../../audit';
import { DEV_TOKEN_BODY_LIMIT } from '../../auth/createDevTokenRoutes';
import { ROLES } from '../../auth/roles';
import {
  HOSTILE_SEED,
  deeplyNestedJson,
  expectAuditChainIntact,
  expectHubHealthy,
  hostileDepth,
  hugeString,
  listAuditRecords,
  stringWithControl,
  stringWithOddUnicode,
  truncated,
} from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type RawAnswer, expectRefusedWithReason, rawRequest, sendRaw } from './rawHttp';

/**
 * The development sign-in endpoints (`POST /auth/dev/token`, `GET /auth/dev/roles`) of a running
 * hub, fed what an attacker on the machine sends: every refusal is a 4xx with a reason, hands out
 * no token and leaves no logon record, and the next honest sign-in works.
 */

const originOf = (hub: TestHub) => new URL(hub.gatewayUrl).origin;

/** Logon records of tokens handed out over HTTP. */
const tokenRecords = async (hub: TestHub): Promise<AuditRecord[]> =>
  (await listAuditRecords(hub)).filter((record) => record.kind === 'logon' && (record.details as { issuedBy?: unknown } | null)?.issuedBy === 'POST /auth/dev/token');

/** Every record a request could leave: all but the retention job's purges, which it writes on its own schedule. */
const requestRecords = async (hub: TestHub): Promise<AuditRecord[]> => (await listAuditRecords(hub)).filter((record) => record.kind !== 'purge');

const postToken = async (hub: TestHub, body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${originOf(hub)}/auth/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
};

/** A token request the endpoint must refuse, as JSON text. */
const hostileValue = fc.oneof(stringWithControl, stringWithOddUnicode, hugeString);
const hostileTokenRequest: fc.Arbitrary<string> = fc.oneof(
  // Control characters, NUL, odd Unicode and huge values in every field.
  hostileValue.map((role) => JSON.stringify({ role })),
  fc.tuple(fc.constantFrom(...ROLES), hostileValue).map(([role, subject]) => JSON.stringify({ role, subject })),
  fc.tuple(fc.constantFrom(...ROLES), hostileValue).map(([role, department]) => JSON.stringify({ role, department })),
  hostileValue.map((cameraOwner) => JSON.stringify({ role: 'camera-owner', cameraOwner })),
  // A role that only looks like one: padded, cased, joined, bidi-wrapped.
  fc.constantFrom(' operator', 'operator ', 'Operator', 'OPERATOR', 'operator\u0000', '\u202eoperator', 'opera\u200btor', 'operator,supervisor', 'supervisor\n', `\u202e${'operator'.repeat(400)}`).map((role) => JSON.stringify({ role })),
  fc.constantFrom(...ROLES).map((role) => JSON.stringify({ role: [role] })),
  // Deep nesting: the whole body, a field, a geofence.
  hostileDepth.map((depth) => deeplyNestedJson(Math.min(depth, 2000))),
  hostileDepth.map((depth) => `{"role":${deeplyNestedJson(Math.min(depth, 1900), 'array', '"operator"')}}`),
  hostileDepth.map((depth) => `{"role":"officer","geofence":${deeplyNestedJson(Math.min(depth, 700), 'object', '{}')}}`),
  // Geofences that are no area: not finite, out of range, a polygon of too few corners.
  fc.constantFrom(
    '{"circle":{"center":{"lat":1e999,"lon":0},"radiusMeters":10}}',
    '{"circle":{"center":{"lat":33.4,"lon":-111.8},"radiusMeters":-1e999}}',
    '{"circle":{"center":{"lat":33.4,"lon":-111.8},"radiusMeters":0}}',
    '{"circle":{"center":{"lat":91,"lon":0},"radiusMeters":10}}',
    '{"polygon":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}',
    '{"circle":{"center":{"lat":33.4,"lon":-111.8},"radiusMeters":10},"polygon":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}',
    '{"boundingBox":{"southWest":{"lat":"33","lon":0},"northEast":{"lat":34,"lon":1}}}',
  ).map((geofence) => `{"role":"officer","geofence":${geofence}}`),
  // A key named twice, the last a stronger role or a wider area, also in an escaped spelling.
  fc.constantFrom(
    '{"role":"auditor","role":"operator"}',
    '{"role":"partner","subject":"p","role":"supervisor"}',
    '{"r\\u006fle":"auditor","role":"operator"}',
    '{"role":"officer","geofence":{"circle":{"center":{"lat":33.4,"lon":-111.8},"radiusMeters":10,"radiusMeters":99999}}}',
    '{"role":"officer","geofence":{"circle":{"center":{"lat":33.4,"lon":-111.8,"lat":0},"radiusMeters":10}}}',
  ),
  // Keys an AreaInput does not have, at each level of a geofence.
  fc.constantFrom('', '.circle', '.circle.center').map((at) => {
    const geofence = { circle: { center: { lat: 33.4, lon: -111.8 }, radiusMeters: 500 } };
    const target = at.split('.').slice(1).reduce<Record<string, unknown>>((inner, key) => inner[key] as Record<string, unknown>, geofence);
    target.extra = 1;
    return JSON.stringify({ role: 'officer', geofence });
  }),
  // Fields the endpoint does not know, prototype keys among them.
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'roles', 'scope', 'exp', 'iss', 'ttlSeconds', 'Role').map((field) => `{"role":"operator",${JSON.stringify(field)}:{"admin":true}}`),
  // Not an object; truncated; empty.
  fc.constantFrom('null', 'true', '0', '"operator"', '[]', '[{"role":"operator"}]', '', ' ', '\u0000', '\ufeff{"role":"operator"}'),
  truncated(JSON.stringify({ role: 'officer', subject: 'officer.1', geofence: { circle: { center: { lat: 33.4, lon: -111.8 }, radiusMeters: 500 } } })).filter((text) => text.length > 0),
);

/** Controls, format characters (bidi overrides among them) and line or paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A refusal a person may read: nothing in it reorders or hides text on screen, and it echoes no kilobytes back. */
const expectSafeToShow = (reason: string) => {
  expect({ reason: reason.slice(0, 120), invisible: INVISIBLE.test(reason), long: reason.length > 1024 }).toEqual({ reason: reason.slice(0, 120), invisible: false, long: false });
};

describe.each(STORAGE_TARGETS)('hostile requests to the development sign-in endpoints, on $name', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(() => hub?.close());

  /** Whether an honest sign-in works: a token the gateway takes. */
  const expectSignInWorks = async () => {
    const { status, body } = await postToken(hub, JSON.stringify({ role: 'operator', subject: 'honest.operator' }));
    expect(status).toBe(200);
    const answer = await hub.post<{ __typename: string }>('{ __typename }', {}, { authorization: `Bearer ${String(body.token)}` });
    expect(answer).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
  };

  it('refuses each hostile token request with 400 and a reason, hands out no token, and records nothing', async () => {
    const before = (await tokenRecords(hub)).length;
    const recordsBefore = (await requestRecords(hub)).length;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostileTokenRequest, async (body) => {
        const answer = await postToken(hub, body);
        expect({ body: body.slice(0, 80), status: answer.status }).toEqual({ body: body.slice(0, 80), status: 400 });
        expect(answer.body).toEqual({ error: expect.stringMatching(/\w{3}/) });
        expect(answer.text).not.toMatch(/eyJ/);
        expectSafeToShow(String(answer.body.error));
        refused += 1;
      }),
      { seed: HOSTILE_SEED, numRuns: 120 },
    );
    expect(refused).toBe(120);
    expect((await requestRecords(hub)).length).toBe(recordsBefore);
    expect((await tokenRecords(hub)).length).toBe(before);
    await expectSignInWorks();
    expect((await tokenRecords(hub)).length).toBe(before + 1);
    await expectAuditChainIntact(hub);
  });

  it('takes the role from the body only, never from the query string, and ignores query junk', async () => {
    const response = await fetch(`${originOf(hub)}/auth/dev/token?role=supervisor&subject=root&%00=%ff&__proto__[admin]=1&role=auditor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'partner' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ role: 'partner', subject: 'dev-partner' });
    const roles = await fetch(`${originOf(hub)}/auth/dev/roles?role=%00&${'x=1&'.repeat(500)}`);
    expect(roles.status).toBe(200);
    expect(((await roles.json()) as { roles: { role: string }[] }).roles.map((entry) => entry.role)).toEqual(ROLES);
  });

  it('refuses malformed HTTP, odd methods, odd paths and repeated headers with a reason, and issues nothing', async () => {
    const before = (await tokenRecords(hub)).length;
    const body = JSON.stringify({ role: 'operator' });
    const json = 'Content-Type: application/json';
    const cases: [string, Buffer, number?][] = [
      ['repeated Content-Type', rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'Content-Type: text/plain'], body), 400],
      ['repeated Content-Length', rawRequest('POST /auth/dev/token HTTP/1.1', [json, `Content-Length: ${body.length}`, `Content-Length: ${body.length}`], body), 400],
      ['Content-Length with Transfer-Encoding', rawRequest('POST /auth/dev/token HTTP/1.1', [json, `Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'], body), 400],
      ['a NUL in a header', rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'X-Note: a\u0000b'], body), 400],
      ['a control character in the content type', rawRequest('POST /auth/dev/token HTTP/1.1', ['Content-Type: application/json\u0001'], body), 400],
      ['a method HTTP does not define', rawRequest('BREW /auth/dev/token HTTP/1.1', [json], body), 400],
      ['CONNECT', rawRequest('CONNECT 127.0.0.1:1 HTTP/1.1'), 400],
      ['GET of the token endpoint', rawRequest('GET /auth/dev/token HTTP/1.1'), 404],
      ['PUT of the token endpoint', rawRequest('PUT /auth/dev/token HTTP/1.1', [json], body), 404],
      ['DELETE of the roles', rawRequest('DELETE /auth/dev/roles HTTP/1.1'), 404],
      ['POST of the roles', rawRequest('POST /auth/dev/roles HTTP/1.1', [json], body), 404],
      ['an encoded NUL after the path', rawRequest('POST /auth/dev/token%00 HTTP/1.1', [json], body), 404],
      ['a raw NUL in the path', rawRequest('POST /auth/dev/token\u0000 HTTP/1.1', [json], body), 400],
      ['a dot segment', rawRequest('POST /auth/dev/../dev/token HTTP/1.1', [json], body), 404],
      ['an encoded dot segment', rawRequest('POST /auth/%2e%2e/auth/dev/token HTTP/1.1', [json], body), 404],
      ['a doubled slash', rawRequest('POST /auth/dev//token HTTP/1.1', [json], body), 404],
      ['another case', rawRequest('POST /AUTH/DEV/TOKEN HTTP/1.1', [json], body), 404],
      ['malformed percent-encoding', rawRequest('POST /auth/dev/token%zz HTTP/1.1', [json], body), 400],
      ['a 10 KB path', rawRequest(`POST /auth/dev/${'t'.repeat(10_000)} HTTP/1.1`, [json], body), 404],
      ['a 20 KB path', rawRequest(`POST /auth/dev/${'t'.repeat(20_000)} HTTP/1.1`, [json], body), 431],
      ['a declared 50 MB body, expecting 100-continue', rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'Expect: 100-continue', 'Content-Length: 52428800']), 400],
      ['an expectation HTTP does not define', rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'Expect: everything'], body), 417],
      ['gzip the endpoint cannot read', rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'Content-Encoding: gzip'], Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])), 400],
    ];
    for (const [label, request, status] of cases) {
      const answer = await sendRaw(originOf(hub), request);
      expectRefusedWithReason(label, answer, status);
      expect(answer.body.toString('latin1')).not.toMatch(/eyJ/);
    }
    expect((await tokenRecords(hub)).length).toBe(before);
    await expectSignInWorks();
  });

  it('answers a flood of 300 bad sign-ins at once, every one refused with its reason, with no token and no record, then signs in', async () => {
    const before = (await tokenRecords(hub)).length;
    const recordsBefore = (await requestRecords(hub)).length;
    const samples = fc.sample(hostileTokenRequest, { seed: HOSTILE_SEED, numRuns: 200 });
    const declaredHuge = Array.from({ length: 100 }, () =>
      // Headers that promise a body ten thousand times the limit, which never comes: refused on the header alone.
      sendRaw(originOf(hub), rawRequest('POST /auth/dev/token HTTP/1.1', ['Content-Type: application/json', `Content-Length: ${DEV_TOKEN_BODY_LIMIT * 10_000}`])),
    );
    const answers: RawAnswer[] = await Promise.all([
      ...samples.map(async (body) => {
        const answer = await postToken(hub, body);
        return { status: answer.status, headers: {}, body: Buffer.from(answer.text), closed: false };
      }),
      ...declaredHuge,
    ]);
    expect(answers).toHaveLength(300);
    const statuses = new Map<number, number>();
    for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 400: 300 });
    answers.forEach((answer, index) => expectRefusedWithReason(`flood request ${index}`, answer, 400));
    expect(answers.filter((answer) => answer.body.includes('eyJ'))).toHaveLength(0);
    expect((await requestRecords(hub)).length).toBe(recordsBefore);
    expect((await tokenRecords(hub)).length).toBe(before);
    await expectHubHealthy(hub);
    await expectSignInWorks();
  });
});

import { expectHubHealthy, listAuditRecords } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';
import { expectRefusedWithReason, rawRequest, reasonOf, sendRaw } from './rawHttp';

/** HTTP_REQUEST_TIMEOUT_MS for this hub: shorter than the 30 s default, so that the stalled requests are answered soon. */
const REQUEST_TIMEOUT_MS = 5000;

/**
 * The HTTP edge every route of the gateway shares: requests Node's parser rejects, requests
 * that never finish arriving, repeated single-value headers and CONNECT. Each is answered with
 * a 4xx and a reason (never a 500, never silence), and the hub keeps serving meanwhile.
 */

const target = STORAGE_TARGETS[0]!;
const json = 'Content-Type: application/json';

describe('hostile HTTP at the hub\'s edge', () => {
  let hub: TestHub;
  let origin: string;
  let authorization: string;
  beforeAll(async () => {
    hub = await startTestHub(target, { env: { GATEWAY_REFUSAL_RECORDS_PER_WINDOW: '100000', HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
    origin = new URL(hub.gatewayUrl).origin;
    authorization = `Authorization: Bearer ${await hub.token()}`;
  });
  afterAll(() => hub?.close());

  it('answers each request Node\'s parser refuses with 400 or 431 and the reason, whatever the route', async () => {
    const body = '{"query":"{ __typename }"}';
    const cases: [string, Buffer, number][] = [
      ['an undefined method', rawRequest('FROB /graphql HTTP/1.1', [json], body), 400],
      ['a lower-case method', rawRequest('get /health HTTP/1.1'), 400],
      ['a NUL in the target', rawRequest('GET /health\u0000 HTTP/1.1'), 400],
      ['a space in the target', rawRequest('GET /he alth HTTP/1.1'), 400],
      ['a tab in the target', rawRequest('GET /health\t HTTP/1.1'), 400],
      ['a target that is no path', rawRequest('GET health HTTP/1.1'), 400],
      ['a version that does not exist', rawRequest('GET /health HTTP/7.3'), 400],
      ['a NUL in a header value', rawRequest('POST /graphql HTTP/1.1', [json, authorization, 'X-Purpose: TEST\u0000-0001'], body), 400],
      ['an escape sequence in a header value', rawRequest('GET /health HTTP/1.1', ['User-Agent: \u001b]0;owned\u0007']), 400],
      ['a space in a header name', rawRequest('GET /health HTTP/1.1', ['X Bad: 1']), 400],
      ['a header without a colon', rawRequest('GET /health HTTP/1.1', ['JustAName']), 400],
      ['a folded header line', rawRequest('GET /health HTTP/1.1', ['X-A: 1', ' folded']), 400],
      ['Content-Length and Transfer-Encoding', rawRequest('POST /graphql HTTP/1.1', [json, `Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'], body), 400],
      ['two different Content-Lengths', rawRequest('POST /graphql HTTP/1.1', [json, 'Content-Length: 2', `Content-Length: ${body.length}`], body), 400],
      ['a negative Content-Length', rawRequest('POST /graphql HTTP/1.1', [json, 'Content-Length: -1'], ''), 400],
      ['a Content-Length that is not a number', rawRequest('POST /graphql HTTP/1.1', [json, 'Content-Length: 0x10'], ''), 400],
      ['a chunk size that is not hexadecimal', rawRequest('POST /graphql HTTP/1.1', [json, 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'), 400],
      ['a Transfer-Encoding that is not chunked', rawRequest('POST /graphql HTTP/1.1', [json, 'Transfer-Encoding: gzip'], body), 400],
      ['bare LF line ends', Buffer.from('GET /health HTTP/1.1\nHost: x\n\n'), 400],
      ['64 KiB of headers', rawRequest('GET /health HTTP/1.1', [`X-Big: ${'b'.repeat(65_536)}`]), 431],
      ['3,000 headers', rawRequest('GET /health HTTP/1.1', Array.from({ length: 3000 }, (_, index) => `X-${index}: v`)), 431],
      ['a 30 KiB query string', rawRequest(`GET /health?${'q=1&'.repeat(7500)} HTTP/1.1`), 431],
      ['CONNECT', rawRequest('CONNECT 169.254.169.254:80 HTTP/1.1'), 400],
    ];
    for (const [label, request, status] of cases) {
      const answer = await sendRaw(origin, request);
      expectRefusedWithReason(label, answer, status);
      // The connection is closed after such an answer: what follows on it cannot be trusted.
      expect({ label, closed: answer.closed || answer.headers.connection === 'close' }).toEqual({ label, closed: true });
    }
    await expectHubHealthy(hub);
  });

  it('refuses a repeated Authorization, Content-Type, Content-Length or Host on /graphql in GraphQL\'s shape, and audits the refusal', async () => {
    const body = '{"query":"{ __typename }"}';
    const purpose = 'X-Purpose: TEST-0001';
    const kinds = async () => (await listAuditRecords(hub)).filter((record) => record.kind === 'request-refused').length;
    const before = await kinds();
    const cases: [string, Buffer][] = [
      ['Authorization', rawRequest('POST /graphql HTTP/1.1', [json, authorization, 'Authorization: Bearer forged', purpose], body)],
      ['Authorization in another case', rawRequest('POST /graphql HTTP/1.1', [json, authorization, `AUTHORIZATION: ${authorization.slice('Authorization: '.length)}`, purpose], body)],
      ['Content-Type', rawRequest('POST /graphql HTTP/1.1', [json, 'Content-Type: text/plain', authorization, purpose], body)],
      ['Content-Length, the same twice', rawRequest('POST /graphql HTTP/1.1', [json, `Content-Length: ${body.length}`, `Content-Length: ${body.length}`, authorization, purpose], body)],
      ['Host', rawRequest('POST /graphql HTTP/1.1', [json, 'Host: internal.example', authorization, purpose], body)],
    ];
    for (const [label, request] of cases) {
      const answer = await sendRaw(origin, request);
      expectRefusedWithReason(label, answer, 400);
      const parsed = JSON.parse(answer.body.toString()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      expect({ label, data: parsed.data, code: parsed.errors?.[0]?.extensions?.code }).toEqual({ label, data: undefined, code: 'BAD_REQUEST' });
    }
    // Node itself refuses two Content-Lengths (the parser), the hub the rest: those four reach the gateway's refusal audit.
    await eventually(async () => (await kinds()) - before >= 4, 10_000, 'four request-refused records');
    const once = await sendRaw(origin, rawRequest('POST /graphql HTTP/1.1', [json, authorization, purpose, 'Connection: close'], body));
    expect({ status: once.status, body: JSON.parse(once.body.toString()) }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('refuses hostile WebSocket upgrades with a reason and stays up: a target that is no URL, NUL in it, a huge one, another protocol, a flood', async () => {
    const upgrade = (target: string, protocol = 'websocket') =>
      rawRequest(`GET ${target} HTTP/1.1`, ['Connection: Upgrade', `Upgrade: ${protocol}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==']);
    const cases: [string, Buffer][] = [
      ['no URL', upgrade('http://[::1')],
      ['NUL in the target', upgrade('/graphql%00/x')],
      // Past Node's 16 KiB of head: 431 before any upgrade handler runs (a long but smaller one is a valid upgrade).
      ['a 20 KB target', upgrade(`/graphql?${'a'.repeat(20_000)}`)],
      ['h2c', upgrade('/graphql', 'h2c')],
      ['another path', upgrade('/elsewhere')],
    ];
    for (const [label, request] of cases) expectRefusedWithReason(label, await sendRaw(origin, request));
    const flood = await Promise.all(Array.from({ length: 200 }, () => sendRaw(origin, upgrade('http://[::1'))));
    expect(new Set(flood.map((answer) => answer.status))).toEqual(new Set([400]));
    await expectHubHealthy(hub);
  });

  it(`answers requests that stop arriving with 408 and the reason within the request timeout (${REQUEST_TIMEOUT_MS / 1000} s), serving others meanwhile`, async () => {
    const stalled = [
      // Headers that never end.
      ...Array.from({ length: 40 }, () => Buffer.from('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n')),
      // Bodies that stop halfway, on each kind of route that reads one.
      ...Array.from({ length: 40 }, () => rawRequest('POST /graphql HTTP/1.1', [json, authorization, 'Content-Length: 4096'], '{"query":"{ __typ')),
      ...Array.from({ length: 40 }, () => rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'Content-Length: 100'], '{"role":"oper')),
      ...Array.from({ length: 40 }, () => rawRequest('POST /auth/dev/token HTTP/1.1', [json, 'Transfer-Encoding: chunked'], '10\r\n{"role":"operat')),
      ...Array.from({ length: 40 }, () => rawRequest('POST /console/config.json HTTP/1.1', [json, 'Content-Length: 1000000'], '[[[[')),
    ];
    const signIns = async () =>
      (await listAuditRecords(hub)).filter((record) => record.kind === 'logon' && (record.details as { issuedBy?: unknown } | null)?.issuedBy === 'POST /auth/dev/token').length;
    const signInsBefore = await signIns();
    const answers = stalled.map((request) => sendRaw(origin, request, REQUEST_TIMEOUT_MS * 3));
    // While 200 requests hang, the hub answers others at once.
    await expectHubHealthy(hub);
    const signIn = await fetch(`${origin}/auth/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"auditor"}' });
    expect(signIn.status).toBe(200);
    const settled = await Promise.all(answers);
    const statuses = new Map<number, number>();
    for (const answer of settled) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 408: stalled.length });
    for (const answer of settled) {
      expect(answer.closed || answer.headers.connection === 'close').toBe(true);
      expect(reasonOf(answer)).toMatch(/not received in full within \d+ s/);
    }
    // The half-sent sign-ins handed out nothing: only the honest one is recorded.
    expect((await signIns()) - signInsBefore).toBe(1);
    await expectHubHealthy(hub);
  }, REQUEST_TIMEOUT_MS * 4);
});

import { type Socket, createServer } from 'node:net';
import { expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type RawAnswer, expectRefusedWithReason, rawRequest, sendRaw } from './rawHttp';

/**
 * `/metrics` (behind METRICS_TOKEN), `/ready` and `/health` of a running hub against hostile
 * Authorization headers, odd methods and query strings, and floods: refusals are 4xx with a
 * reason, and a flood of `/ready` (which needs no token) does not multiply into a flood of the
 * subgraphs.
 */

const target = STORAGE_TARGETS[0]!;
const METRICS_TOKEN = 'scrape-7f3a9c1e5b2d4f60';
/** Long enough that a flood of 300 requests arrives within one round of checks. */
const READY_CHECK_TIMEOUT_MS = 8000;

describe('hostile requests to /metrics, /ready and /health', () => {
  let hub: TestHub;
  let origin: string;
  beforeAll(async () => {
    hub = await startTestHub(target, { env: { METRICS_TOKEN, READY_CHECK_TIMEOUT_MS: String(READY_CHECK_TIMEOUT_MS) } });
    origin = new URL(hub.gatewayUrl).origin;
  });
  afterAll(() => hub?.close());

  const scrape = (authorization: readonly string[], extra: readonly string[] = []) =>
    sendRaw(origin, rawRequest('GET /metrics HTTP/1.1', ['Connection: close', ...authorization.map((value) => `Authorization: ${value}`), ...extra]));
  const expectScraped = (answer: RawAnswer) => {
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toMatch(/^# HELP /m);
  };

  it('refuses every Authorization that is not exactly the token, with a reason, and serves the token right after', async () => {
    const sameLength = `Bearer ${'x'.repeat(METRICS_TOKEN.length)}`;
    const cases: [string, readonly string[], number][] = [
      ['none', [], 401],
      ['empty', [''], 401],
      ['the scheme alone', ['Bearer'], 401],
      ['a wrong token of the same length', [sameLength], 401],
      ['the token twice', [`Bearer ${METRICS_TOKEN}${METRICS_TOKEN}`], 401],
      ['the token as Basic', [`Basic ${Buffer.from(`metrics:${METRICS_TOKEN}`).toString('base64')}`], 401],
      ['the token without a scheme', [METRICS_TOKEN], 401],
      ['the token cut short', [`Bearer ${METRICS_TOKEN.slice(0, -1)}`], 401],
      ['the token with a latin-1 byte', [`Bearer ${METRICS_TOKEN}\u00ff`], 401],
      ['the token with UTF-8 of a bidi override', [`Bearer ${Buffer.from(`${METRICS_TOKEN}\u202e`, 'utf8').toString('latin1')}`], 401],
      ['8 KiB of token', [`Bearer ${'a'.repeat(8192)}`], 401],
      ['20 KiB of token', [`Bearer ${'a'.repeat(20_480)}`], 431],
      ['a NUL in the token', [`Bearer ${METRICS_TOKEN}\u0000`], 400],
      ['a control character in the token', [`Bearer \u001b[2J${METRICS_TOKEN}`], 400],
      ['the token, then another Authorization', [`Bearer ${METRICS_TOKEN}`, 'Bearer wrong'], 400],
      ['another Authorization, then the token', ['Bearer wrong', `Bearer ${METRICS_TOKEN}`], 400],
      ['the token sent twice', [`Bearer ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}`], 400],
    ];
    for (const [label, authorization, status] of cases) {
      const answer = await scrape(authorization);
      expectRefusedWithReason(label, answer, status);
      expect(answer.body.toString()).not.toMatch(/# HELP|rtcc_/);
    }
    // The token in the query string is no token.
    expectRefusedWithReason('the token in the query', await sendRaw(origin, rawRequest(`GET /metrics?token=${METRICS_TOKEN}&authorization=Bearer%20${METRICS_TOKEN} HTTP/1.1`, ['Connection: close'])), 401);
    expectScraped(await scrape([`Bearer ${METRICS_TOKEN}`]));
    expectScraped(await scrape([`Bearer ${METRICS_TOKEN}`], ['X-Forwarded-For: 10.0.0.1']));
  });

  it('answers odd methods, odd paths and junk query strings on /metrics, /ready and /health with a reason or the plain answer', async () => {
    const refused: [string, Buffer][] = [
      ['POST /metrics', rawRequest('POST /metrics HTTP/1.1', ['Connection: close', 'Content-Type: application/json', `Authorization: Bearer ${METRICS_TOKEN}`], '{}')],
      ['DELETE /ready', rawRequest('DELETE /ready HTTP/1.1', ['Connection: close'])],
      ['PUT /health', rawRequest('PUT /health HTTP/1.1', ['Connection: close', 'Content-Type: application/json'], '[[[[[[[[')],
      ['POST /health with deep JSON', rawRequest('POST /health HTTP/1.1', ['Connection: close', 'Content-Type: application/json'], `${'['.repeat(100_000)}`)],
      ['an undefined method', rawRequest('MELT /health HTTP/1.1', ['Connection: close'])],
      ['/ready%00', rawRequest('GET /ready%00 HTTP/1.1', ['Connection: close'])],
      ['/metrics/..', rawRequest('GET /metrics/.. HTTP/1.1', ['Connection: close'])],
      ['/health/../metrics', rawRequest('GET /health/../metrics HTTP/1.1', ['Connection: close'])],
      ['/%2e%2e/metrics', rawRequest('GET /%2e%2e/metrics HTTP/1.1', ['Connection: close'])],
      ['/ready%zz', rawRequest('GET /ready%zz HTTP/1.1', ['Connection: close'])],
      [`/ready/${'r'.repeat(12_000)}`, rawRequest(`GET /ready/${'r'.repeat(12_000)} HTTP/1.1`, ['Connection: close'])],
    ];
    for (const [label, request] of refused) {
      const answer = await sendRaw(origin, request);
      expectRefusedWithReason(label, answer);
      expect(answer.body.toString()).not.toMatch(/# HELP|rtcc_/);
    }
    const junk = '?%00=%ff&__proto__[x]=1&constructor[prototype][y]=2&verbose=1&' + 'a=1&'.repeat(1000);
    const ready = await sendRaw(origin, rawRequest(`GET /ready${junk} HTTP/1.1`, ['Connection: close']));
    expect({ status: ready.status, body: JSON.parse(ready.body.toString()) }).toEqual({ status: 200, body: { status: 'ready' } });
    const health = await sendRaw(origin, rawRequest(`GET /health${junk} HTTP/1.1`, ['Connection: close', 'Content-Type: application/json', 'Content-Length: 5'], '[[[[['));
    expect({ status: health.status, body: JSON.parse(health.body.toString()) }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers a flood of 300 scrapes with wrong tokens, every one 401, then the right token', async () => {
    const answers = await Promise.all(Array.from({ length: 300 }, (_, index) => scrape([`Bearer wrong-${index}-${'w'.repeat(index)}`])));
    expect(answers.map((answer) => answer.status).filter((status) => status !== 401)).toEqual([]);
    answers.forEach((answer, index) => expectRefusedWithReason(`scrape ${index}`, answer, 401));
    expectScraped(await scrape([`Bearer ${METRICS_TOKEN}`]));
  });

  it('answers a flood of 300 /ready at once, while a subgraph hangs, with one readiness request to it, not one each', async () => {
    // The cad subgraph's port taken over by a server that accepts and never answers: each round of checks waits out READY_CHECK_TIMEOUT_MS.
    const port = Number(new URL(hub.subgraphs.cad.server.url).port);
    await hub.stopSubgraph('cad');
    const held: Socket[] = [];
    const hung = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => hung.listen(port, '127.0.0.1', resolve));
    try {
      const answers = await Promise.all(Array.from({ length: 300 }, () => sendRaw(origin, rawRequest('GET /ready HTTP/1.1', ['Connection: close']), 60_000)));
      expect(answers.map((answer) => answer.status).filter((status) => status !== 503)).toEqual([]);
      for (const answer of answers) {
        expect(JSON.parse(answer.body.toString())).toEqual({ status: 'not-ready', notReady: [{ name: 'subgraph cad', reason: `no answer within ${READY_CHECK_TIMEOUT_MS} ms` }] });
      }
      // Asked once per request, the hung subgraph held 300 connections; shared, one per round (the flood arrives within one or two).
      expect(held.length).toBeLessThanOrEqual(2);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
      await hub.startSubgraph('cad');
    }
    // The answer is not kept past its round: with cad back, the next /ready is ready.
    const ready = await sendRaw(origin, rawRequest('GET /ready HTTP/1.1', ['Connection: close']));
    expect({ status: ready.status, body: JSON.parse(ready.body.toString()) }).toEqual({ status: 200, body: { status: 'ready' } });
    await expectHubHealthy(hub);
  }, 120_000);

  it('answers a flood of 300 /health at once', async () => {
    const answers = await Promise.all(Array.from({ length: 300 }, () => sendRaw(origin, rawRequest('GET /health HTTP/1.1', ['Connection: close']))));
    expect(answers.filter((answer) => answer.status !== 200 || answer.body.toString() !== '{"status":"ok"}')).toEqual([]);
  });
});

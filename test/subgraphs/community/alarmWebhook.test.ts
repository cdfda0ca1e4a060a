import type { FastifyRequest } from 'fastify';
import { clientAddressOf } from '../../../subgraphs/community/clientAddressOf';
import { signAlarm } from '../../../subgraphs/community/createAlarmWebhook';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { type Body, type OpenCommunity, accessOf, enrol, openCommunity, operatorCaller, ownerCaller } from './openCommunity';

const ROTATE = 'mutation { rotateAlarmSecret { url secret } }';

describe.each(STORAGE_TARGETS)('the alarm webhook ($name)', (target) => {
  let community: OpenCommunity;
  let origin: string;
  let cameraId: string;
  let secret: string;
  let url: string;

  beforeAll(async () => {
    community = await openCommunity(target);
    origin = await community.listen();
    ({ cameraId } = await enrol(community, 'owner-1', { terms: { mode: 'ALARM', alarmMinutes: 10 } }));
    await enrol(community, 'owner-2', { terms: { mode: 'ALARM' } });
    const rotated = (await community.run(ROTATE, {}, ownerCaller('owner-1'))).data?.rotateAlarmSecret as { url: string; secret: string };
    ({ secret, url } = rotated);
    await community.run(ROTATE, {}, ownerCaller('owner-2'));
  });
  afterAll(async () => {
    await community.close();
  });

  const seconds = () => String(Math.floor(community.now().getTime() / 1000));
  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const response = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string }; ok?: boolean; activeUntil?: string | null } };
  };
  const signed = (body: string, key = secret, timestamp = seconds()) => ({ 'x-rtcc-timestamp': timestamp, 'x-rtcc-signature': signAlarm(key, timestamp, body) });
  const liveNow = async () => ((await accessOf(community, cameraId, operatorCaller())).data?._entities as { access: { liveNow: boolean } }[])[0]?.access.liveNow;

  test.each<[string, () => [string, string, Record<string, string>], number]>([
    ['no signature', () => [url, '{"active":true}', { 'x-rtcc-timestamp': seconds() }], 401],
    ['no timestamp', () => [url, '{"active":true}', { 'x-rtcc-signature': signAlarm(secret, seconds(), '{"active":true}') }], 401],
    ['a wrong secret', () => [url, '{"active":true}', signed('{"active":true}', 'not-the-secret')], 401],
    ['another owner\'s secret', () => [url.replace('owner-1', 'owner-2'), '{"active":true}', signed('{"active":true}')], 401],
    ['an unknown owner', () => ['/community/alarm/nobody', '{"active":true}', signed('{"active":true}')], 401],
    ['a timestamp 301 s old', () => [url, '{"active":true}', signed('{"active":true}', secret, String(Number(seconds()) - 301))], 401],
    ['a timestamp 301 s ahead', () => [url, '{"active":true}', signed('{"active":true}', secret, String(Number(seconds()) + 301))], 401],
    ['a signature over another body', () => [url, '{"active":true}', signed('{"active":false}')], 401],
    ['a body that is no JSON', () => [url, 'open sesame', signed('open sesame')], 400],
    ['a body with another key', () => [url, '{"active":true,"minutes":9999}', signed('{"active":true,"minutes":9999}')], 400],
    ['active as text', () => [url, '{"active":"yes"}', signed('{"active":"yes"}')], 400],
    ['a body over 1 KiB', () => [url, `{"active":true,"pad":"${'x'.repeat(2000)}"}`, signed(`{"active":true,"pad":"${'x'.repeat(2000)}"}`)], 413],
    ['a malformed owner id', () => ['/community/alarm/%00owner', '{"active":true}', signed('{"active":true}')], 400],
  ])('%s opens nothing (and is audited when the route reads it)', async (_, request, status) => {
    // Each case in a window of its own: a window's first refusal per address is recorded at once.
    community.setNow(new Date(community.now().getTime() + 61_000));
    const [path, body, headers] = request();
    const before = community.audits.length;
    const answer = await post(path, body, headers);
    expect(answer.status).toBe(status);
    if (status !== 413) {
      expect(answer.body.error?.code).toEqual(expect.any(String));
      expect(community.audits.slice(before)).toEqual([expect.objectContaining({ kind: 'alarm', outcome: 'denied' })]);
    }
    expect(await liveNow()).toBe(false);
  });

  test('refusals from one address in one window: the first recorded at once, the rest as one record with their count when the next window starts', async () => {
    community.setNow(new Date(community.now().getTime() + 61_000));
    const before = community.audits.length;
    for (let index = 0; index < 5; index += 1) expect((await post(url, '{"active":true}', signed('{"active":true}', 'not-the-secret'))).status).toBe(401);
    expect(community.audits.slice(before)).toEqual([expect.objectContaining({ kind: 'alarm', outcome: 'denied', reason: 'bad-signature', details: expect.objectContaining({ ownerId: 'owner-1', count: 1, status: 401, clientAddress: '127.0.0.1' }) })]);
    community.setNow(new Date(community.now().getTime() + 61_000));
    expect((await post('/community/alarm/nobody', '{"active":true}', signed('{"active":true}'))).status).toBe(401);
    expect(community.audits.slice(before).map((record) => [record.reason, (record.details as { count: number }).count])).toEqual([
      ['bad-signature', 1],
      ['bad-signature', 4],
      ['unknown-owner', 1],
    ]);
    expect(await liveNow()).toBe(false);
  });

  test.each([
    ['an address', '203.0.113.5', '203.0.113.5'],
    ['an IPv6 address', '2001:db8::7', '2001:db8::7'],
    ['no address', 'somewhere\telse', '127.0.0.1'],
    ['a list of addresses', '203.0.113.5, 198.51.100.2', '127.0.0.1'],
  ])('a loopback peer (the hub\'s relay) naming %s in x-rtcc-client-address: the refusal is counted under %s', async (_, header, counted) => {
    community.setNow(new Date(community.now().getTime() + 61_000));
    const before = community.audits.length;
    const answer = await post(url, '{"active":true}', { ...signed('{"active":true}', 'not-the-secret'), 'x-rtcc-client-address': header });
    expect(answer.status).toBe(401);
    expect(community.audits.slice(before).map((record) => (record.details as { clientAddress: string }).clientAddress)).toEqual([expect.stringMatching(new RegExp(`^(::ffff:)?${counted.replace(/[.:]/g, '\\$&')}$`))]);
  });

  test('a signed alarm opens the owner\'s ALARM cameras for their minutes, is audited first, and cannot be replayed', async () => {
    const changes = await community.subscribe('subscription { cameraAccessChanged { cameraId reason access { liveNow liveUntil } } }');
    const body = '{"active":true}';
    const headers = signed(body);
    const answer = await post(url, body, headers);
    // Open as long as the owner's ALARM camera shares (its 10 minutes), not the hub's default alarm minutes.
    expect(answer).toEqual({ status: 200, body: { ok: true, active: true, activeUntil: new Date(community.now().getTime() + 10 * 60_000).toISOString() } });
    expect(community.audits.at(-1)).toMatchObject({ kind: 'alarm', outcome: 'ok', subject: 'owner-1', details: { ownerId: 'owner-1', active: true } });
    expect(await liveNow()).toBe(true);
    const change = (await changes.next()).value as Body;
    expect(change.data?.cameraAccessChanged).toEqual({ cameraId, reason: 'ALARM', access: { liveNow: true, liveUntil: new Date(community.now().getTime() + 10 * 60_000).toISOString() } });
    // The other owner's camera stays closed.
    expect((await post(url, body, headers)).body.error?.message).toContain('already');

    // The sweep closes it when the minutes are up, and says so.
    community.setNow(new Date(community.now().getTime() + 10 * 60_000));
    await community.subgraph.sweep();
    expect(((await changes.next()).value as Body).data?.cameraAccessChanged).toMatchObject({ cameraId, reason: 'ALARM', access: { liveNow: false } });
    expect(await liveNow()).toBe(false);
    await changes.return?.();
  });

  test('{"active": false} closes an open alarm early', async () => {
    await post(url, '{"active":true}', signed('{"active":true}'));
    expect(await liveNow()).toBe(true);
    community.setNow(new Date(community.now().getTime() + 1000));
    const closed = await post(url, '{"active":false}', signed('{"active":false}'));
    expect(closed.body).toMatchObject({ ok: true, active: false, activeUntil: null });
    expect(await liveNow()).toBe(false);
  });

  test('no record, no alarm: with the audit trail down nothing opens', async () => {
    community.setNow(new Date(community.now().getTime() + 1000));
    community.failAudit = true;
    try {
      const answer = await post(url, '{"active":true}', signed('{"active":true}'));
      expect(answer.status).toBe(503);
    } finally {
      community.failAudit = false;
    }
    expect(await liveNow()).toBe(false);
  });
});

describe('the client address of a public route', () => {
  const request = (ip: string, header?: string | string[]) => ({ ip, headers: header === undefined ? {} : { 'x-rtcc-client-address': header } }) as unknown as FastifyRequest;
  test('is the relay\'s header only when the peer is loopback, and only when it is one IP address', () => {
    expect(clientAddressOf(request('127.0.0.1', '203.0.113.5'))).toBe('203.0.113.5');
    expect(clientAddressOf(request('::1', ' 2001:db8::1 '))).toBe('2001:db8::1');
    expect(clientAddressOf(request('::ffff:127.0.0.1', '203.0.113.5'))).toBe('203.0.113.5');
    // Anyone else naming an address is counted under their own.
    expect(clientAddressOf(request('198.51.100.9', '203.0.113.5'))).toBe('198.51.100.9');
    expect(clientAddressOf(request('127.0.0.1', ['203.0.113.5', '203.0.113.6']))).toBe('127.0.0.1');
    expect(clientAddressOf(request('127.0.0.1', '203.0.113.5\u0000'))).toBe('127.0.0.1');
    expect(clientAddressOf(request('127.0.0.1'))).toBe('127.0.0.1');
  });
});

import { signAlarm } from '../../subgraphs/community/createAlarmWebhook';
import { expectAuditChainIntact } from '../support/hostileInput';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type TestHub, startTestHub } from '../support/startTestHub';

/**
 * Community Connect's public doors (signed links, the alarm webhook, clip upload and download)
 * through the running hub and its relay, with what an attacker sends: NUL and control characters,
 * huge tokens and bodies, deep JSON, future and past timestamps. Each is refused with a reason,
 * the hub stays up, and a good request still works after.
 */
describe.each(STORAGE_TARGETS.slice(0, 1))('hostile requests to Community Connect\'s public routes ($name)', (target) => {
  let hub: TestHub;
  let origin: string;
  let ownerId: string;
  let secret: string;

  beforeAll(async () => {
    hub = await startTestHub(target);
    origin = new URL(hub.gatewayUrl).origin;
    ownerId = 'owner-hostile';
    const token = await hub.token({ subject: ownerId, roles: ['camera-owner'], cameraOwner: ownerId });
    const rotated = await hub.post<{ rotateAlarmSecret: { secret: string } }>('mutation { rotateAlarmSecret { secret } }', {}, { authorization: `Bearer ${token}` });
    expect(rotated.body.errors).toBeUndefined();
    secret = rotated.body.data!.rotateAlarmSecret.secret;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const alarm = (body: string, headers: Record<string, string>, path = `/community/alarm/${ownerId}`) =>
    fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signed = (body: string, at = Math.floor(Date.now() / 1000)) => ({ 'x-rtcc-timestamp': String(at), 'x-rtcc-signature': signAlarm(secret, String(at), body) });

  it.each([
    ['a NUL in the token', '/community/media/abc%00def.ghi'],
    ['control characters in the token', '/community/media/%1b%5b31m.x'],
    ['a 6 KiB token', `/community/media/${'A'.repeat(6 * 1024)}.${'B'.repeat(43)}`],
    ['odd Unicode in the token', '/community/media/%E2%80%AE%F0%9F%92%A9.%EF%BF%BF'],
    ['no token at all', '/community/media/'],
    ['a download token that is an upload\'s shape', '/community/download/e30.AAAA'],
  ])('refuses a media or download link with %s, with a reason', async (_, path) => {
    const answer = await fetch(`${origin}${path}`);
    expect([400, 403, 404, 414]).toContain(answer.status);
    expect(answer.status).not.toBe(500);
    const text = await answer.text();
    expect(text).not.toContain('\u0000');
  });

  it.each([
    ['deeply nested JSON', `${'{"a":'.repeat(5000)}true${'}'.repeat(5000)}`],
    ['a body of 64 KiB', `{"active":true,"pad":"${'x'.repeat(64 * 1024)}"}`],
    ['truncated JSON', '{"active":tr'],
  ])('opens nothing for an alarm with %s, even correctly signed', async (_, body) => {
    const answer = await alarm(body, signed(body));
    expect([400, 413]).toContain(answer.status);
  });

  it.each([
    ['an hour in the future', 3600],
    ['a day in the past', -86_400],
    ['year 3000', Math.floor(Date.UTC(3000, 0, 1) / 1000) - Math.floor(Date.now() / 1000)],
  ])('opens nothing for an alarm signed with a timestamp %s', async (_, offset) => {
    const body = '{"active":true}';
    const answer = await alarm(body, signed(body, Math.floor(Date.now() / 1000) + offset));
    expect(answer.status).toBe(401);
  });

  it('refuses an owner id with a NUL or control characters in the path', async () => {
    const body = '{"active":true}';
    for (const path of ['/community/alarm/owner%00hostile', '/community/alarm/owner%0d%0ahostile']) {
      expect((await alarm(body, signed(body), path)).status).toBe(400);
    }
  });

  it('stays up through all of it: a good alarm opens, and the audit chain is intact', async () => {
    const body = '{"active":true}';
    const answer = await alarm(body, signed(body));
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { ok: boolean }).ok).toBe(true);
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    await expectAuditChainIntact(hub);
  });
});

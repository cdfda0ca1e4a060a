import { STORAGE_TARGETS } from '../../../support/storageTargets';
import type { NotificationPort } from '../../../../notifications/notificationPort';
import { ANSWER, type OpenDesk, REQUEST_FOOTAGE, camera, httpCall, openFootageDesk, owner, police, shareEmbedded, windowBefore } from './openFootageDesk';

const actionsOf = (open: OpenDesk) => open.audit.map((r) => (r.details as { action: string }).action);

describe.each(STORAGE_TARGETS)('footage notifications, outbox and erasure ($name)', (target) => {
  const embedded = shareEmbedded(target);
  let open: OpenDesk;
  const withDesk = async (options: Parameters<typeof openFootageDesk>[1] = {}) => {
    open = await openFootageDesk(target, { ...options, ...(embedded.current && { embedded: embedded.current }) });
    open.cameras.set('community:reg-1', camera(1, 'own-1'));
    open.cameras.set('community:reg-2', camera(2, 'own-2'));
    open.contacts.set('own-1', { ownerId: 'own-1', displayName: 'Jane Q. Resident', email: 'jane@example.org', phone: '+1-555-0101', notifyBy: 'EMAIL' });
    open.contacts.set('own-2', { ownerId: 'own-2', displayName: 'No Channel', email: null, phone: null, notifyBy: 'NONE' });
    return open;
  };
  afterEach(() => open.close());
  const ask = (cameraIds: string[]) => open.run(REQUEST_FOOTAGE, { input: { cameraIds, ...windowBefore(open.now(), 20), message: 'Hit and run' } }, police());

  it('keeps the request OPEN when the notifier refuses, records the failure, and retries on a later sweep', async () => {
    let refusing = true;
    const attempts: string[] = [];
    await withDesk({
      notifier: (outbox): NotificationPort => ({
        send: async (message) => {
          attempts.push(message.topic);
          if (refusing) throw new Error('421 relay busy for jane@example.org');
          return outbox.send(message);
        },
        eraseOwner: (id) => outbox.eraseOwner(id),
      }),
    });
    const body = await ask(['community:reg-1']);
    expect(body.errors).toBeUndefined();
    const [made] = body.data?.requestFootage as { id: string; status: string }[];
    expect(made?.status).toBe('OPEN');
    const failed = open.audit.find((r) => (r.details as { action: string }).action === 'notification-failed');
    expect(failed).toMatchObject({ kind: 'notification', outcome: 'error', details: { requestId: made?.id, ownerId: 'own-1', channel: 'EMAIL', attempt: 1 } });
    // The transport's message quoted the address: the trail keeps only the failure's kind.
    expect(JSON.stringify(open.audit)).not.toContain('jane@example.org');

    // Backoff: a sweep right away does not hammer the relay.
    await open.desk.sweep();
    await open.desk.settle();
    expect(attempts).toHaveLength(1);
    open.advance(10_000);
    await open.desk.sweep();
    await open.desk.settle();
    expect(attempts).toHaveLength(2);
    refusing = false;
    open.advance(20_000);
    await open.desk.sweep();
    await open.desk.settle();
    expect(attempts).toHaveLength(3);
    expect((await open.outbox.list()).map((m) => m.topic)).toEqual([`footage-request:${made?.id}`]);
    const [row] = await open.rows('footage_requests');
    expect(row).toMatchObject({ status: 'OPEN', notify_attempts: 3 });
    expect(row?.notified_at).not.toBeNull();
    // Sent once: later sweeps leave it.
    open.advance(3_600_000);
    await open.desk.sweep();
    await open.desk.settle();
    expect(attempts).toHaveLength(3);
    expect(actionsOf(open).filter((a) => a === 'notification-sent')).toHaveLength(3);
    expect(actionsOf(open).filter((a) => a === 'notification-failed')).toHaveLength(2);
  });

  it('never sends twice while a slow send is under way (the sweep leaves a leased notification alone)', async () => {
    let release: () => void = () => undefined;
    const attempts: string[] = [];
    await withDesk({
      notifier: (outbox): NotificationPort => ({
        send: async (message) => {
          attempts.push(message.topic);
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return outbox.send(message);
        },
        eraseOwner: (id) => outbox.eraseOwner(id),
      }),
    });
    const asked = ask(['community:reg-1']);
    // Wait until the mutation's send is under way, then sweep as the timer would, later on the clock.
    while (attempts.length === 0) await new Promise((resolve) => setImmediate(resolve));
    open.advance(20_000);
    await open.desk.sweep();
    await open.desk.settle();
    expect(attempts).toHaveLength(1);
    release();
    expect((await asked).errors).toBeUndefined();
    open.advance(120_000);
    await open.desk.sweep();
    await open.desk.settle();
    expect(attempts).toHaveLength(1);
    expect(await open.outbox.list()).toHaveLength(1);
  });

  it('does not hold the sweep while a retried send hangs (the access sweep that calls it must go on)', async () => {
    let mode: 'refuse' | 'hang' = 'refuse';
    let release: () => void = () => undefined;
    const attempts: string[] = [];
    await withDesk({
      notifier: (outbox): NotificationPort => ({
        send: async (message) => {
          attempts.push(message.topic);
          if (mode === 'refuse') throw new Error('relay down');
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return outbox.send(message);
        },
        eraseOwner: (id) => outbox.eraseOwner(id),
      }),
    });
    await ask(['community:reg-1']);
    mode = 'hang';
    open.advance(10_000);
    await open.desk.sweep();
    // The sweep is done though the retry it started is still sending.
    while (attempts.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(await open.outbox.list()).toHaveLength(0);
    release();
    await open.desk.settle();
    expect(await open.outbox.list()).toHaveLength(1);
  });

  it('sends nothing when the notification cannot be audited, and sends it on a later sweep', async () => {
    await withDesk();
    open.auditFailsFor = (record) => record.kind === 'notification';
    const body = await ask(['community:reg-1']);
    expect(body.errors).toBeUndefined();
    expect(await open.outbox.list()).toHaveLength(0);
    open.auditFailsFor = null;
    open.advance(10_000);
    await open.desk.sweep();
    await open.desk.settle();
    expect(await open.outbox.list()).toHaveLength(1);
    expect(actionsOf(open)).toEqual(['footage-requested', 'notification-sent']);
  });

  it('records an owner without a channel as notified-by-nothing, and does not retry', async () => {
    await withDesk();
    await ask(['community:reg-2']);
    expect(actionsOf(open)).toContain('notification-skipped');
    expect(await open.outbox.list()).toHaveLength(0);
    await open.desk.sweep();
    await open.desk.settle();
    expect(actionsOf(open).filter((a) => a === 'notification-skipped')).toHaveLength(1);
  });

  it('serves the outbox to loopback callers only, as JSON and as a page', async () => {
    await withDesk();
    await ask(['community:reg-1']);
    const json = await httpCall(`${open.origin}/community/outbox.json`);
    expect(json.status).toBe(200);
    expect(json.json<{ messages: { to: string; topic: string }[] }>().messages).toEqual([expect.objectContaining({ to: 'jane@example.org', topic: expect.stringMatching(/^footage-request:fr-/) })]);
    const page = await httpCall(`${open.origin}/community/outbox`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.toString()).toContain('jane@example.org');
    const relayedHeaders: Record<string, string>[] = [
      { 'x-rtcc-client-address': '203.0.113.9' },
      { 'x-rtcc-client-address': '::ffff:10.0.0.1' },
      { 'x-forwarded-for': '203.0.113.9' },
      { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' },
      { 'x-rtcc-client-address': '127.0.0.1', 'x-forwarded-for': '198.51.100.7' },
    ];
    for (const headers of relayedHeaders) {
      const relayed = await httpCall(`${open.origin}/community/outbox.json`, { headers });
      expect(relayed.status).toBe(403);
      expect(relayed.body.toString()).not.toContain('jane@example.org');
    }
    expect((await httpCall(`${open.origin}/community/outbox`, { headers: { 'x-rtcc-client-address': '::1', 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200);
  });

  it('has no outbox when another notifier is configured', async () => {
    await withDesk({ notifier: () => ({ send: async () => ({ id: 'x' }), eraseOwner: async () => 0 }) });
    expect((await httpCall(`${open.origin}/community/outbox.json`)).status).toBe(404);
  });

  it("erasing an owner expires their waiting requests, forgets their notes and outbox messages, and keeps delivered clips' rows", async () => {
    await withDesk();
    const body = await ask(['community:reg-1']);
    const [made] = body.data?.requestFootage as { id: string }[];
    await open.run(ANSWER, { id: made?.id, approve: false, note: 'Jane here, call me at 555-0101' }, owner('own-1'));
    const second = ((await ask(['community:reg-1'])).data?.requestFootage as { id: string }[])[0];
    await open.desk.eraseOwner('own-1');
    const rows = await open.rows('footage_requests');
    expect(rows.find((r) => r.id === second?.id)?.status).toBe('EXPIRED');
    expect(rows.find((r) => r.id === made?.id)?.status).toBe('DENIED');
    const expired = open.audit.filter((r) => (r.details as { action: string }).action === 'footage-expired');
    expect(expired).toEqual([expect.objectContaining({ reason: 'the owner erased their registration', recordIds: [`FootageRequest:${second?.id}`] })]);
    const everything = JSON.stringify([rows, await open.rows('notification_outbox'), open.audit]);
    for (const personal of ['Jane', 'jane@example.org', '555-0101']) expect(everything).not.toContain(personal);
    // The owner id stays: it names no one.
    expect(rows.every((r) => r.owner_id === 'own-1')).toBe(true);
  });
});

import { createEmbeddedPostgres, createDatabase } from '../../storage/createDatabase';
import {
  NotificationRefusedError,
  type OwnerNotification,
  createChannelNotifier,
  createEmailNotifier,
  createLogNotifier,
  createOffNotifier,
  createOutboxNotifier,
  createSmsNotifier,
  outboxMigration,
  renderOutboxPage,
} from '../../notifications';
import { uniqueSchemaPrefix } from '../support/storageTargets';

const email: OwnerNotification = { ownerId: 'own-1', channel: 'EMAIL', to: 'jane@example.org', subject: 'A footage request', text: 'Line one\nLine two', topic: 'footage-request:fr-1' };
const sms: OwnerNotification = { ...email, channel: 'SMS', to: '+1 555 0101' };

describe('email notifier', () => {
  it('hands the transport one plain message from the agency address', async () => {
    const sent: unknown[] = [];
    const notifier = createEmailNotifier({ transport: { send: async (m) => (sent.push(m), { id: 'smtp-1' }) }, from: 'connect@pd.example.gov' });
    await expect(notifier.send(email)).resolves.toEqual({ id: 'smtp-1' });
    expect(sent).toEqual([{ from: 'connect@pd.example.gov', to: 'jane@example.org', subject: 'A footage request', text: 'Line one\nLine two' }]);
  });

  it.each([
    ['a header break in the subject', { subject: 'Hi\r\nBcc: everyone@example.org' }],
    ['a NUL in the text', { text: 'a\u0000b' }],
    ['two recipients', { to: 'jane@example.org, eve@example.org' }],
    ['a display name', { to: 'Jane <jane@example.org>' }],
    ['a header break in the address', { to: 'jane@example.org\r\nBcc: eve@example.org' }],
    ['an SMS message', { channel: 'SMS' as const }],
    ['a subject of 201 characters', { subject: 'x'.repeat(201) }],
  ])('refuses %s without calling the transport', async (_name, change) => {
    let called = false;
    const notifier = createEmailNotifier({ transport: { send: async () => ((called = true), { id: 'x' }) }, from: 'connect@pd.example.gov' });
    await expect(notifier.send({ ...email, ...change })).rejects.toBeInstanceOf(NotificationRefusedError);
    expect(called).toBe(false);
  });

  it('passes a refusing transport on (the desk records it and retries)', async () => {
    const notifier = createEmailNotifier({ transport: { send: async () => Promise.reject(new Error('550 mailbox unavailable')) }, from: 'connect@pd.example.gov' });
    await expect(notifier.send(email)).rejects.toThrow('550');
  });
});

describe('SMS notifier', () => {
  it('sends subject and text, cut to the length allowed', async () => {
    const sent: { to: string; text: string }[] = [];
    const notifier = createSmsNotifier({ transport: { send: async (m) => (sent.push(m), { id: 'sms-1' }) }, maxLength: 20 });
    await notifier.send({ ...sms, text: 'x'.repeat(100) });
    expect(sent[0]?.to).toBe('+1 555 0101');
    expect(sent[0]?.text).toHaveLength(20);
    expect(sent[0]?.text.endsWith('…')).toBe(true);
  });

  it.each([['letters', 'call-me'], ['an email address', 'jane@example.org'], ['a header break', '+15550101\r\n']])('refuses a number that is %s', async (_name, to) => {
    const notifier = createSmsNotifier({ transport: { send: async () => ({ id: 'x' }) } });
    await expect(notifier.send({ ...sms, to })).rejects.toBeInstanceOf(NotificationRefusedError);
  });
});

describe('log and off notifiers', () => {
  it('logs ids, channel and topic, never the address or text', async () => {
    const lines: [Record<string, unknown>, string][] = [];
    const notifier = createLogNotifier({ info: (details, message) => lines.push([details, message]) }, () => 'log-1');
    await expect(notifier.send(email)).resolves.toEqual({ id: 'log-1' });
    expect(lines).toHaveLength(1);
    const text = JSON.stringify(lines);
    expect(text).toContain('own-1');
    expect(text).toContain('footage-request:fr-1');
    expect(text).not.toContain('jane@example.org');
    expect(text).not.toContain('Line one');
  });

  it('off sends nothing and keeps nothing', async () => {
    const off = createOffNotifier();
    await expect(off.send(email)).resolves.toEqual({ id: 'off' });
    await expect(off.eraseOwner('own-1')).resolves.toBe(0);
  });

  it('routes by channel, and refuses a channel without a port', async () => {
    const seen: string[] = [];
    const port = (name: string) => ({ send: async () => (seen.push(name), { id: name }), eraseOwner: async () => 1 });
    const both = createChannelNotifier({ EMAIL: port('email'), SMS: port('sms') });
    await both.send(email);
    await both.send(sms);
    expect(seen).toEqual(['email', 'sms']);
    await expect(both.eraseOwner('own-1')).resolves.toBe(2);
    await expect(createChannelNotifier({ EMAIL: port('email') }).send(sms)).rejects.toThrow(/SMS/);
  });
});

describe('outbox notifier', () => {
  it('keeps messages newest first, and forgets an erased owner', async () => {
    const embedded = await createEmbeddedPostgres();
    const db = await createDatabase({ embedded, schema: `${uniqueSchemaPrefix()}community`, migrations: [outboxMigration] });
    try {
      let clock = new Date('2026-11-23T18:00:00.000Z');
      let n = 0;
      const outbox = createOutboxNotifier(db, { now: () => clock, newId: () => `msg-${++n}` });
      await outbox.send(email);
      clock = new Date(clock.getTime() + 1000);
      await outbox.send({ ...sms, ownerId: 'own-2' });
      expect((await outbox.list()).map((m) => [m.id, m.ownerId, m.channel, m.to])).toEqual([
        ['msg-2', 'own-2', 'SMS', '+1 555 0101'],
        ['msg-1', 'own-1', 'EMAIL', 'jane@example.org'],
      ]);
      await expect(outbox.send({ ...email, subject: 'x\r\ny' })).rejects.toBeInstanceOf(NotificationRefusedError);
      await expect(outbox.eraseOwner('own-1')).resolves.toBe(1);
      const left = await db.table('notification_outbox').select();
      expect(JSON.stringify(left)).not.toContain('jane@example.org');
      expect(left).toHaveLength(1);
    } finally {
      await db.close();
      await embedded.close();
    }
  });

  it('renders an accessible page with every value escaped', () => {
    const page = renderOutboxPage([{ ...email, id: 'msg-1', subject: '<script>alert(1)</script>', text: '"quoted" & <b>', queuedAt: new Date('2026-11-23T18:00:00.000Z') }]);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<caption>');
    expect(page).toContain('<th scope="col">Subject</th>');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;quoted&quot; &amp; &lt;b&gt;');
  });
});

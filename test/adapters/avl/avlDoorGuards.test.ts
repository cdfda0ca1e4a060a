import { createSocket } from 'node:dgram';
import { type AvlAdapter, createAvlAdapter, createLogLimiter, createRefusalReporter, createSourceAllowList, translateAvlPayload } from '../../../adapters/avl';
import { parseSourceAllowList } from '../../../config/parseSourceAllowList';
import type { DomainEvent, EventSink, Rejection } from '../../../contract';
import { createNmeaFixAssembler } from '../../../adapters/nmea';
import { createTaipFixAssembler } from '../../../adapters/taip';
import { readHubConfig } from '../../../config/hubConfig';
import { nmea, rmcAt } from './avlFixtures';

const NOW = new Date('2026-12-03T12:00:00Z');
const now = () => NOW;
const MESA = { latUnits: 33 * 6_000_000 + 2_491_200, lonUnits: -(111 * 6_000_000 + 4_989_000) };

function sendDatagram(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.send(Buffer.from(payload, 'latin1'), port, '127.0.0.1', (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** A sink that fails on the records `fails` picks, as a store refusing a value would. */
function createFailingSink(fails: (item: DomainEvent | Rejection) => boolean) {
  const events: DomainEvent[] = [];
  const rejections: Rejection[] = [];
  const sink: EventSink = {
    async emit(event) {
      if (fails(event)) throw new Error('store refused the event');
      events.push(event);
    },
    async reject(rejection) {
      if (fails(rejection)) throw new Error('store refused the dead letter');
      rejections.push(rejection);
    },
  };
  return { sink, events, rejections };
}

const until = async (predicate: () => boolean) => {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('AVL adapter: each record on its own', () => {
  let adapter: AvlAdapter;
  afterEach(() => adapter?.stop());

  it('delivers the records after one the sink fails on, counts the failure and logs it at a bounded rate', async () => {
    const lines: { details: Record<string, unknown>; message: string }[] = [];
    const logger = { warn: (details: Record<string, unknown>, message: string) => void lines.push({ details, message }) };
    adapter = createAvlAdapter({ unitFor: (id) => (id.startsWith('m') ? `unit-${id}` : undefined), now, udpPort: 0, logger });
    // The sink fails on every rejection of a line with "bad" in it.
    const { sink, events, rejections } = createFailingSink((item) => 'raw' in item && item.raw.includes('bad'));
    await adapter.start(sink);
    const payload = [`m1,${rmcAt(NOW, MESA)}`, 'bad-1', 'bad-2', `ghost,${rmcAt(NOW, MESA)}`, 'noise', `m2,${rmcAt(NOW, MESA)}`].join('\r\n');
    for (let i = 0; i < 40; i += 1) await sendDatagram(adapter.addresses().udpPort!, payload);
    await until(() => adapter.status().accepted + adapter.status().rejected + adapter.status().deliveryFailures >= 40 * 6);

    expect(adapter.status()).toMatchObject({ accepted: 80, rejected: 80, deliveryFailures: 80 });
    expect(new Set(events.map((event) => event.eventId)).size).toBe(2);
    expect(rejections.filter((rejection) => rejection.reason === 'unknown-device')).toHaveLength(40);
    // 80 failures, a few log lines.
    const failures = lines.filter((line) => line.details.kind === 'delivery-failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(5);
  });

  it('keeps a spoofed future RMC out of the assembler, so the device\'s lone GGA is still dated by its real RMC', () => {
    const options = { source: 'avl', nmea: createNmeaFixAssembler(), taip: createTaipFixAssembler({ now }), unitFor: () => 'unit-1', now };
    const real = translateAvlPayload(`m1,${rmcAt(new Date(NOW.getTime() - 10_000), MESA)}`, 'udp:x', options);
    expect(real.fixes).toHaveLength(1);
    const spoofed = translateAvlPayload(`m1,${rmcAt(new Date('2079-01-01T11:59:50Z'), MESA)}`, 'udp:x', options);
    expect(spoofed.rejections.map((rejection) => rejection.reason)).toEqual(['fix-in-future']);
    const gga = translateAvlPayload(`m1,${nmea('GPGGA,115955.00,3324.91200,N,11149.89000,W,1,08,0.9,380.0,M,-26.0,M,,')}`, 'udp:x', options);
    expect(gga.rejections).toEqual([]);
    expect(gga.fixes.map((fix) => fix.fixAt)).toEqual(['2026-12-03T11:59:55.000Z']);
  });

  it('refuses fixes older than the retention and names the control character it found', () => {
    const options = { source: 'avl', nmea: createNmeaFixAssembler(), taip: createTaipFixAssembler({ now }), unitFor: () => 'unit-1', now, maxFixAgeMs: 86_400_000 };
    const { fixes, rejections } = translateAvlPayload(
      [`m1,${rmcAt(new Date('2026-12-01T12:00:00Z'), MESA)}`, `m1,${rmcAt(NOW, MESA)}\u0007`, `m2,${rmcAt(NOW, MESA)}`].join('\r'),
      'udp:x',
      options,
    );
    expect(rejections.map((rejection) => rejection.reason)).toEqual(['fix-too-old', 'control-character']);
    expect(rejections[0]?.detail).toMatch(/^fix at 2026-12-01T12:00:00\.000Z is more than 86400000 ms before the receive clock/);
    // The bell comes right after the line's last character.
    expect(rejections[1]?.detail).toBe(`control character 0x07 at character ${`m1,${rmcAt(NOW, MESA)}`.length + 1}`);
    expect(fixes.map((fix) => fix.deviceId)).toEqual(['m2']);
  });
});

describe('AVL refusals at the door', () => {
  it('are reported at once for a new address, then as one count per address and interval', () => {
    let clock = NOW.getTime();
    const reports: unknown[] = [];
    const reporter = createRefusalReporter({ report: (refusal) => reports.push(refusal), now: () => new Date(clock), intervalMs: 60_000, maxAddresses: 2 });
    for (let i = 0; i < 5; i += 1) reporter.refused('192.0.2.1', 'udp');
    reporter.refused('192.0.2.2', 'udp');
    // Beyond the tracked addresses, senders are counted together.
    for (let i = 0; i < 3; i += 1) reporter.refused(`198.51.100.${i}`, 'udp');
    expect(reports).toEqual([
      { address: '192.0.2.1', transport: 'udp', count: 1, reason: 'source-not-allowed' },
      { address: '192.0.2.2', transport: 'udp', count: 1, reason: 'source-not-allowed' },
      { address: 'other', transport: 'udp', count: 1, reason: 'source-not-allowed' },
    ]);
    reporter.flush();
    expect(reports).toHaveLength(3);
    clock += 60_000;
    reporter.flush();
    expect(reports.slice(3)).toEqual([
      { address: '192.0.2.1', transport: 'udp', count: 4, reason: 'source-not-allowed' },
      { address: 'other', transport: 'udp', count: 2, reason: 'source-not-allowed' },
    ]);
    reporter.refused('192.0.2.1', 'udp');
    reporter.stop();
    expect(reports.slice(5)).toEqual([{ address: '192.0.2.1', transport: 'udp', count: 1, reason: 'source-not-allowed' }]);
  });

  it('come from addresses outside the allow-list; IPv4-mapped IPv6 senders are judged as IPv4', () => {
    const list = createSourceAllowList(parseSourceAllowList('10.20.0.0/16, 192.0.2.7, ::1, 2001:db8::/32'));
    expect(['10.20.3.4', '::ffff:10.20.3.4', '192.0.2.7', '::1', '2001:db8::42'].map((address) => list.allows(address))).toEqual([true, true, true, true, true]);
    expect(['10.21.0.1', '192.0.2.8', '127.0.0.1', '2001:db9::1', 'nonsense', undefined].map((address) => list.allows(address))).toEqual([false, false, false, false, false, false]);
    expect(createSourceAllowList().allows('127.8.9.10')).toBe(true);
  });

  it('is a setting the hub refuses to start with when it is not a list of ranges', () => {
    expect(() => readHubConfig({ AVL_ALLOWED_SOURCES: '10.0.0.0/33' })).toThrow(/AVL_ALLOWED_SOURCES="10.0.0.0\/33" "10.0.0.0\/33" has a prefix length outside 0-32/);
    expect(() => readHubConfig({ AVL_ALLOWED_SOURCES: 'anyone' })).toThrow(/AVL_ALLOWED_SOURCES/);
    expect(readHubConfig({}).avlAllowedSources).toEqual(['127.0.0.0/8', '::1/128']);
  });
});

describe('AVL log limiter', () => {
  it('writes a few lines of each kind per interval and says how many it left out', () => {
    let clock = 0;
    const lines: Record<string, unknown>[] = [];
    const log = createLogLimiter({ logger: { warn: (details) => void lines.push(details) }, now: () => new Date(clock), maxPerInterval: 2, intervalMs: 1000 });
    for (let i = 0; i < 10; i += 1) log.warn('a', { i }, 'a');
    log.warn('b', {}, 'b');
    clock = 1000;
    log.warn('a', { i: 10 }, 'a');
    expect(lines).toEqual([{ kind: 'a', i: 0 }, { kind: 'a', i: 1 }, { kind: 'b' }, { kind: 'a', i: 10, suppressed: 8 }]);
  });
});

describe('AVL adapter: bounded work', () => {
  let adapter: AvlAdapter;
  afterEach(() => adapter?.stop());

  it('drops and counts datagrams while too much input waits, and translates the rest', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events: DomainEvent[] = [];
    // A sink stuck on its first event, as a store that stalls would be.
    const sink: EventSink = {
      async emit(event) {
        await gate;
        events.push(event);
      },
      async reject() {},
    };
    adapter = createAvlAdapter({ unitFor: () => 'unit-1', now, udpPort: 0, maxQueuedBytes: 1000 });
    await adapter.start(sink);
    const lines = Array.from({ length: 20 }, (_, i) => `m${i},${rmcAt(NOW, MESA)}`);
    for (const line of lines) await sendDatagram(adapter.addresses().udpPort!, line);
    await until(() => adapter.status().dropped > 0 && adapter.status().lastMessageAt !== null);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { dropped } = adapter.status();
    release();
    await until(() => adapter.status().accepted + dropped >= lines.length);
    expect(adapter.status()).toMatchObject({ accepted: lines.length - dropped, dropped });
    expect(dropped).toBeGreaterThan(0);
  });

  it('replays a too-many-lines dead letter: the next lines are translated, the rest kept again', async () => {
    const devices: Record<string, string> = { m1: 'unit-1' };
    adapter = createAvlAdapter({ unitFor: (id) => devices[id], now, udpPort: 0, maxLinesPerPayload: 4 });
    const { sink, events, rejections } = createFailingSink(() => false);
    await adapter.start(sink);
    const fixes = Array.from({ length: 10 }, (_, i) => rmcAt(new Date(NOW.getTime() - i * 1000), MESA));
    await sendDatagram(adapter.addresses().udpPort!, fixes.join('\r\n'));
    await until(() => events.length + rejections.length >= 5);
    // Sent without a modem id: the sender's address names the device, and the kept lines carry it.
    // The last fix of the payload waits for its GGA until the payload ends, after the cap was met.
    expect(rejections.map((rejection) => rejection.reason)).toEqual(['unknown-device', 'unknown-device', 'unknown-device', 'too-many-lines', 'unknown-device']);
    // Each fix's dead letter holds its own line, not every line the device sent before it.
    const single = rejections.filter((rejection) => rejection.reason === 'unknown-device');
    expect(single.map((rejection) => rejection.raw.replace(/^udp:127\.0\.0\.1:\d+,/, ''))).toEqual(fixes.slice(0, 4));
    const rest = rejections[3]!.raw;
    const sender = /^(udp:127\.0\.0\.1:\d+),/.exec(rest)![1]!;
    expect(rest.split('\r\n')).toEqual(fixes.slice(4).map((fix) => `${sender},${fix}`));
    devices[sender] = 'unit-1';
    await adapter.replay(rest);
    expect(events.map((event) => event.type === 'position.fix' && event.fixAt)).toEqual(
      Array.from({ length: 4 }, (_, i) => new Date(NOW.getTime() - (4 + i) * 1000).toISOString()),
    );
    expect(rejections.slice(5).map((rejection) => [rejection.reason, rejection.raw.split('\r\n').length])).toEqual([['too-many-lines', 2]]);
  });
});

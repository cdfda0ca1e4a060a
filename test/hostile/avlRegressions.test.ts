import { connect } from 'node:net';
import type { AvlAdapter } from '../../adapters/avl';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { loadConfiguredAdapters } from '../../hub/loadConfiguredAdapters';
import { readHubConfig } from '../../config/hubConfig';
import { degreesOf, nmea, rmcAt, rpvAt } from '../adapters/avl/avlFixtures';
import { expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type AvlHub, handled, listDeadLetters, sendDatagram, startAvlHub, unitPositions, waitFor } from './avlSupport';

/** Issue #10, items 2, 3, 7 and the AVL allow-list: each reproduction, through a running hub. */

const MESA = { latUnits: 33 * 6_000_000 + 24_91200, lonUnits: -(111 * 6_000_000 + 49_89000) };
const SPOOFED_PLACE = { latUnits: 40 * 6_000_000, lonUnits: -(100 * 6_000_000) };

/** Now, to the whole second (NMEA times below have whole seconds). */
const wholeSecondNow = () => new Date(Math.floor(Date.now() / 1000) * 1000);

describe.each(STORAGE_TARGETS)('AVL ingest regressions ($name)', (target) => {
  let avl: AvlHub;
  let hub: TestHub;
  let adapter: AvlAdapter;

  beforeAll(async () => {
    avl = await startAvlHub(target);
    ({ hub, adapter } = avl);
    const at = new Date();
    for (const [device, unit] of [['spoof-1', 'unit-spoof'], ['nul-1', 'unit-nul-1'], ['nul-2', 'unit-nul-2'], ['flood-1', 'unit-flood']]) {
      await hub.devices.assign(device!, unit!, at);
    }
  });
  afterAll(() => hub?.close());

  const sendAndSettle = async (payload: string) => {
    const before = handled(adapter);
    await sendDatagram(adapter.addresses().udpPort!, payload);
    return before;
  };

  it('a $GPRMC dated 2079 is a dead letter, and the normal fix after it moves the unit (item 2)', async () => {
    const before = handled(adapter);
    const now = wholeSecondNow();
    const spoofed = rmcAt(new Date('2079-06-01T12:00:00Z'), SPOOFED_PLACE);
    await sendDatagram(adapter.addresses().udpPort!, `spoof-1,${spoofed}`);
    await sendDatagram(adapter.addresses().udpPort!, `spoof-1,${rmcAt(now, MESA)}`);
    await waitFor(() => handled(adapter) >= before + 2, () => JSON.stringify(adapter.status()));

    const position = (await unitPositions(hub)).get('unit-spoof');
    expect(position).toMatchObject({ fixAt: now.toISOString(), stale: false });
    expect(position?.lat).toBeCloseTo(degreesOf(MESA).lat, 9);
    expect(position?.lon).toBeCloseTo(degreesOf(MESA).lon, 9);
    const letters = (await listDeadLetters(hub)).filter((letter) => letter.raw.includes(spoofed));
    expect(letters.map((letter) => [letter.stage, letter.reason])).toEqual([['ADAPTER', 'fix-in-future']]);
    expect(letters[0]?.detail).toMatch(/2079-06-01T12:00:00\.000Z/);
  });

  it('a line with a NUL is a dead letter with a reason; the lines beside it are all kept (item 3)', async () => {
    const now = wholeSecondNow();
    const withNul = `nul-1,${nmea('GPRMC,120000.00,A,3324.91200,N,11149.89000,W,1.0,90.0,010126,,,A').replace('A,33', 'A\u0000,33')}`;
    const unknown = `nobody-9,${rmcAt(now, MESA)}`;
    const before = await sendAndSettle([`nul-1,${rmcAt(now, MESA)}`, withNul, unknown, rpvAt(now, 33.41, -111.83, 'nul-2')].join('\r\n'));
    await waitFor(() => handled(adapter) >= before + 4, () => JSON.stringify(adapter.status()));

    const positions = await unitPositions(hub);
    expect(positions.get('unit-nul-1')).toMatchObject({ fixAt: now.toISOString(), stale: false });
    expect(positions.get('unit-nul-2')).toMatchObject({ fixAt: now.toISOString(), stale: false, lat: 33.41, lon: -111.83 });
    const letters = await listDeadLetters(hub);
    const nul = letters.filter((letter) => letter.raw.startsWith('nul-1,') && letter.reason === 'control-character');
    expect(nul).toHaveLength(1);
    expect(nul[0]?.detail).toMatch(/NUL \(0x00\)/);
    expect(letters.filter((letter) => letter.raw === unknown).map((letter) => letter.reason)).toEqual(['unknown-device']);
    expect(adapter.status().deliveryFailures).toBe(0);
  });

  it('one 64 KB datagram of 16,000 lines costs 64 records and one dead letter holding the rest (item 7)', async () => {
    const now = wholeSecondNow();
    const junk = Array.from({ length: 16_000 }, (_, i) => `x${i % 10}`);
    const payload = [`flood-1,${rmcAt(now, MESA)}`, ...junk].join('\n');
    expect(payload.length).toBeLessThan(65_507); // fits one UDP datagram
    const lettersBefore = (await listDeadLetters(hub)).length;
    const before = await sendAndSettle(payload);
    await waitFor(() => handled(adapter) >= before + 65, () => JSON.stringify(adapter.status()));

    expect((await unitPositions(hub)).get('unit-flood')).toMatchObject({ fixAt: now.toISOString(), stale: false });
    const letters = (await listDeadLetters(hub)).slice(lettersBefore);
    expect(letters).toHaveLength(64);
    expect(letters.filter((letter) => letter.reason === 'no-start')).toHaveLength(63);
    const rest = letters.filter((letter) => letter.reason === 'too-many-lines');
    expect(rest).toHaveLength(1);
    // Nothing lost: the remainder holds every line after the 64th, in order.
    const restLines = rest[0]!.raw.split('\r\n');
    expect(restLines).toHaveLength(16_000 - 63);
    expect(restLines.map((line) => line.replace(/^udp:127\.0\.0\.1:\d+,/, ''))).toEqual(junk.slice(63));
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});

describe.each(STORAGE_TARGETS)('AVL source allow-list through the configured hub ($name)', (target) => {
  /** A hub whose AVL adapter is made by the hub's own wiring from these settings. */
  async function startConfigured(env: Record<string, string>): Promise<{ hub: TestHub; adapter: AvlAdapter }> {
    const config = readHubConfig({ AVL_UDP_PORT: '0', AVL_TCP_PORT: '0', EIDO_HTTP_PORT: 'off', ...env });
    let adapter: AvlAdapter | undefined;
    const buildAdapters = await loadConfiguredAdapters(config);
    const hub = await startTestHub(target, {
      adapters: (lookups) => {
        const adapters = buildAdapters({ lookups, now: () => new Date(), supplied: {} });
        adapter = adapters.find((candidate): candidate is AvlAdapter => candidate.name === 'avl');
        return adapters;
      },
    });
    await hub.devices.assign('allow-1', 'unit-allow', new Date());
    return { hub, adapter: adapter! };
  }

  const refusalRecords = async (hub: TestHub) =>
    (await (hub.subgraphs.audit.subgraph as AuditSubgraph).auditLog.list({ kinds: ['ingest-refused'] }, 100)).edges.map((edge) => edge.node);

  it('refuses datagrams and connections from an address not on AVL_ALLOWED_SOURCES and audits them once per transport, with a count', async () => {
    const { hub, adapter } = await startConfigured({ AVL_ALLOWED_SOURCES: '10.0.0.0/8,fd00::/8' });
    try {
      const fix = `allow-1,${rmcAt(wholeSecondNow(), MESA)}`;
      for (let i = 0; i < 5; i += 1) await sendDatagram(adapter.addresses().udpPort!, fix);
      for (let i = 0; i < 3; i += 1) {
        const socket = connect(adapter.addresses().tcpPort!, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(`${fix}\r\n`);
        // Closed by the hub at once, without a word.
        await new Promise((resolve) => socket.once('close', resolve));
      }
      await waitFor(() => adapter.status().refused >= 8, () => JSON.stringify(adapter.status()));
      await waitFor(async () => (await refusalRecords(hub)).length >= 2, () => 'no ingest-refused records');

      const records = await refusalRecords(hub);
      expect(records).toHaveLength(2);
      for (const record of records) expect(record).toMatchObject({ kind: 'ingest-refused', outcome: 'denied', reason: 'source-not-allowed' });
      expect(records.map((record) => record.details).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        { adapter: 'avl', transport: 'tcp', address: '127.0.0.1', count: 1 },
        { adapter: 'avl', transport: 'udp', address: '127.0.0.1', count: 1 },
      ]);
      expect(adapter.status()).toMatchObject({ accepted: 0, rejected: 0, refused: 8, connections: 0 });
      expect((await unitPositions(hub)).has('unit-allow')).toBe(false);
      expect(await listDeadLetters(hub)).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('hears loopback by default (npm start\'s simulated city)', async () => {
    const { hub, adapter } = await startConfigured({});
    try {
      const now = wholeSecondNow();
      await sendDatagram(adapter.addresses().udpPort!, `allow-1,${rmcAt(now, MESA)}`);
      await waitFor(() => adapter.status().accepted >= 1, () => JSON.stringify(adapter.status()));
      expect((await unitPositions(hub)).get('unit-allow')).toMatchObject({ fixAt: now.toISOString(), stale: false });
      expect(adapter.status().refused).toBe(0);
      expect(await refusalRecords(hub)).toEqual([]);
    } finally {
      await hub.close();
    }
  });
});

import { type Socket, connect } from 'node:net';
import fc from 'fast-check';
import type { AvlAdapter } from '../../adapters/avl';
import { rmcAt } from '../adapters/avl/avlFixtures';
import { HOSTILE_SEED, expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import type { TestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { FLEET, buildPayloads, compareWithLedger, createLedger, payloadsOf, rawWithoutSender } from './avlHostileInput';
import { type AvlHub, handled, listDeadLetters, startAvlHub, unitPositions, waitFor } from './avlSupport';

/**
 * AVL over TCP line streams: the same generated mix as over UDP, written on real sockets, each
 * run's last line without a newline before the stream ends; then the transport's own holes
 * (issue #10 item 8): connection caps, idle connections, the last line, a flood in one read. The
 * allow-list is tested for both transports in avlRegressions.test.ts.
 */

const MESA = { latUnits: 33 * 6_000_000 + 2_491_200, lonUnits: -(111 * 6_000_000 + 4_989_000) };
const wholeSecondNow = () => new Date(Math.floor(Date.now() / 1000) * 1000);

/** Connects to 127.0.0.1:port; resolves once connected. */
function openStream(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when the socket is closed, by either side. */
const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });

describe.each(STORAGE_TARGETS)('hostile AVL TCP streams ($name)', (target) => {
  let avl: AvlHub;
  let hub: TestHub;
  let adapter: AvlAdapter;
  const open = new Set<Socket>();
  const stream = async () => {
    const socket = await openStream(adapter.addresses().tcpPort!);
    socket.on('error', () => undefined);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };

  beforeAll(async () => {
    avl = await startAvlHub(target, { udpPort: null, tcpPort: 0, tcpMaxConnections: 20, tcpMaxConnectionsPerAddress: 20, tcpIdleTimeoutMs: 2_000 });
    ({ hub, adapter } = avl);
    for (const { deviceId, unitId } of FLEET) await hub.devices.assign(deviceId, unitId, new Date());
    await hub.devices.assign('tcp-1', 'unit-tcp-1', new Date());
  });
  afterEach(async () => {
    for (const socket of open) socket.destroy();
    await waitFor(() => adapter.status().connections === 0, () => JSON.stringify(adapter.status()));
  });
  afterAll(() => hub?.close());

  it('keeps every valid fix and dead-letters every bad line, whatever is mixed in', async () => {
    const ledger = createLedger();
    await fc.assert(
      fc.asyncProperty(payloadsOf(Date.now(), { maxFlood: 64 }), async (specs) => {
        const payloads = buildPayloads(specs, Date.now(), ledger, { tcpMaxLineBytes: 4096 });
        const socket = await stream();
        for (const [i, { text, handledAfter }] of payloads.entries()) {
          // The run's last line goes without a newline, and the stream ends: it still counts.
          const last = i === payloads.length - 1;
          if (last) socket.end(Buffer.from(text, 'utf8'));
          else socket.write(Buffer.from(`${text}\r\n`, 'utf8'));
          await waitFor(() => handled(adapter) >= handledAfter, () => `handled ${handled(adapter)} of ${handledAfter}: ${JSON.stringify(adapter.status())}`);
        }
        if (payloads.length === 0) socket.end();
        await closed(socket);
        expect(handled(adapter)).toBe(ledger.handled);
      }),
      { seed: HOSTILE_SEED, numRuns: 25, endOnFailure: true },
    );

    expect(adapter.status()).toMatchObject({ deliveryFailures: 0, refused: 0, overCapacity: 0 });
    const letters = (await listDeadLetters(hub)).filter((letter) => !letter.raw.includes('tcp-1'));
    expect(compareWithLedger(ledger, await unitPositions(hub), letters)).toEqual([]);
    expect(ledger.valid.length).toBeGreaterThan(20);
    expect([...ledger.expectedReasons.keys()].sort()).toEqual(['bad-checksum', 'control-character', 'fix-in-future', 'fix-too-old', 'line-too-long', 'unknown-device']);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });

  it('keeps the last line of a stream that ends without a newline', async () => {
    const now = wholeSecondNow();
    const socket = await stream();
    const before = handled(adapter);
    socket.end(`tcp-1,${rmcAt(now, MESA)}`);
    await closed(socket);
    await waitFor(() => handled(adapter) >= before + 1, () => JSON.stringify(adapter.status()));
    expect((await unitPositions(hub)).get('unit-tcp-1')).toMatchObject({ fixAt: now.toISOString(), stale: false });
  });

  it('keeps the start of a 1 MiB line as one dead letter, skips the rest of it, and takes the line after it', async () => {
    const now = wholeSecondNow();
    const lettersBefore = (await listDeadLetters(hub)).length;
    const before = handled(adapter);
    const socket = await stream();
    const huge = `tcp-1,${'\u0000A'.repeat(2 ** 19)}`;
    socket.end(`${huge}\r\ntcp-1,${rmcAt(now, MESA)}\r\n`);
    await closed(socket);
    await waitFor(() => handled(adapter) >= before + 2, () => JSON.stringify(adapter.status()));
    const letters = (await listDeadLetters(hub)).slice(lettersBefore);
    expect(letters.map((letter) => letter.reason)).toEqual(['line-too-long']);
    expect(rawWithoutSender(letters[0]!.raw)).toBe(huge.slice(0, 4096));
    expect((await unitPositions(hub)).get('unit-tcp-1')).toMatchObject({ fixAt: now.toISOString(), stale: false });
  });

  it('closes a connection that stays silent for AVL_TCP_IDLE_TIMEOUT_MS', async () => {
    const before = adapter.status().idleClosed;
    const silent = await stream();
    await closed(silent);
    expect(adapter.status().idleClosed).toBe(before + 1);
  });

  it('holds the connection cap under a flood of connections, and takes a good one once the flood is gone', async () => {
    const before = adapter.status().overCapacity;
    const flood = await Promise.all(Array.from({ length: 60 }, () => stream()));
    await waitFor(() => adapter.status().overCapacity >= before + 40, () => JSON.stringify(adapter.status()));
    await waitFor(() => flood.filter((socket) => !socket.destroyed).length <= 20, () => `${flood.filter((socket) => !socket.destroyed).length} still open`);
    expect(adapter.status()).toMatchObject({ connections: 20, overCapacity: before + 40 });
    for (const socket of flood) socket.destroy();
    await waitFor(() => adapter.status().connections === 0, () => JSON.stringify(adapter.status()));

    const now = wholeSecondNow();
    const good = await stream();
    const accepted = adapter.status().accepted;
    good.write(`tcp-1,${rmcAt(now, MESA)}\r\n`);
    await waitFor(() => adapter.status().accepted >= accepted + 1, () => JSON.stringify(adapter.status()));
    expect((await unitPositions(hub)).get('unit-tcp-1')).toMatchObject({ fixAt: now.toISOString(), stale: false });
    good.destroy();
  });

  it('turns 16,000 lines in one write into a few dead letters that together hold every line', async () => {
    const lettersBefore = (await listDeadLetters(hub)).length;
    const junk = Array.from({ length: 16_000 }, (_, i) => `tcp-junk-${i}`);
    const before = handled(adapter);
    const socket = await stream();
    socket.end(`${junk.join('\n')}\n`);
    await closed(socket);
    // However the reads split the stream, each read costs at most 64 lines and one remainder.
    await waitFor(
      async () => {
        const letters = (await listDeadLetters(hub)).slice(lettersBefore);
        return letters.flatMap((letter) => rawWithoutSender(letter.raw).split('\n')).length >= junk.length;
      },
      () => JSON.stringify(adapter.status()),
    );
    const letters = (await listDeadLetters(hub)).slice(lettersBefore);
    const reasons = new Set(letters.map((letter) => letter.reason));
    expect([...reasons].sort()).toEqual(['no-start', 'too-many-lines']);
    const remainders = letters.filter((letter) => letter.reason === 'too-many-lines').length;
    expect(remainders).toBeGreaterThan(0);
    expect(letters.length).toBeLessThanOrEqual((remainders + 1) * 65);
    expect(letters.length).toBeLessThan(junk.length / 10);
    expect(letters.flatMap((letter) => rawWithoutSender(letter.raw).split('\n')).sort()).toEqual([...junk].sort());
    expect(handled(adapter)).toBe(before + letters.length);
  });
});

import fc from 'fast-check';
import { HOSTILE_SEED, expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { FLEET, buildPayloads, compareWithLedger, createLedger, payloadsOf } from './avlHostileInput';
import { type AvlHub, handled, listDeadLetters, sendDatagram, startAvlHub, unitPositions, waitFor } from './avlSupport';

/**
 * AVL over UDP, as an attacker or a broken modem would send it: generated bad lines (control
 * characters and NUL, odd Unicode, huge and truncated lines, bad checksums, unknown devices,
 * fix times in the future and before retention), floods of lines in one datagram and resends,
 * mixed with valid NMEA 0183 and TAIP fixes. Afterwards the hub answers, shows every unit at its
 * latest valid fix, keeps every bad line as a dead letter with a reason, and its audit chain holds.
 */
describe.each(STORAGE_TARGETS)('hostile AVL datagrams ($name)', (target) => {
  let avl: AvlHub;

  beforeAll(async () => {
    avl = await startAvlHub(target);
    for (const { deviceId, unitId } of FLEET) await avl.hub.devices.assign(deviceId, unitId, new Date());
  });
  afterAll(() => avl?.hub.close());

  it('keeps every valid fix and dead-letters every bad line, whatever is mixed in', async () => {
    const { hub, adapter } = avl;
    const ledger = createLedger();
    const port = adapter.addresses().udpPort!;
    const nowMs = Date.now();

    await fc.assert(
      fc.asyncProperty(payloadsOf(nowMs), async (specs) => {
        const payloads = buildPayloads(specs, Date.now(), ledger);
        // Paced: each datagram once the one before it is handled, so that loopback loses none.
        for (const { text, handledAfter } of payloads) {
          await sendDatagram(port, Buffer.from(text, 'utf8'));
          await waitFor(() => handled(adapter) >= handledAfter, () => `handled ${handled(adapter)} of ${handledAfter}: ${JSON.stringify(adapter.status())}`);
        }
        await waitFor(() => handled(adapter) >= ledger.handled, () => `handled ${handled(adapter)} of ${ledger.handled}: ${JSON.stringify(adapter.status())}`);
        expect(handled(adapter)).toBe(ledger.handled);
      }),
      { seed: HOSTILE_SEED, numRuns: 30, endOnFailure: true },
    );

    expect(adapter.status()).toMatchObject({ deliveryFailures: 0, dropped: 0, refused: 0 });
    const problems = compareWithLedger(ledger, await unitPositions(hub), await listDeadLetters(hub));
    expect(problems).toEqual([]);
    // The generated mix reached every kind of bad input the suite names.
    expect(ledger.valid.length).toBeGreaterThan(20);
    expect([...ledger.expectedReasons.keys()].sort()).toEqual(['bad-checksum', 'control-character', 'fix-in-future', 'fix-too-old', 'too-many-lines', 'unknown-device']);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});

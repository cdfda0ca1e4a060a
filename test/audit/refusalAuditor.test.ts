import fc from 'fast-check';
import type { AuditRecordInput } from '../../audit/auditRecord';
import { OTHER_ADDRESSES, type RefusalAuditor, type RefusalAuditorOptions, createRefusalAuditor } from '../../audit';

interface Recorded {
  readonly records: AuditRecordInput[];
  readonly errors: unknown[];
  auditor: RefusalAuditor;
  advance(ms: number): void;
}

const START = Date.parse('2026-12-01T12:00:00.000Z');

function recorded(options: Partial<RefusalAuditorOptions> = {}): Recorded {
  let clock = START;
  const records: AuditRecordInput[] = [];
  const errors: unknown[] = [];
  const auditor = createRefusalAuditor({
    append: async (record) => {
      records.push(record);
    },
    kind: 'media-link',
    now: () => new Date(clock),
    onError: (error) => errors.push(error),
    ...options,
  });
  return {
    records,
    errors,
    auditor,
    advance: (ms) => {
      clock += ms;
    },
  };
}

const countsOf = (records: readonly AuditRecordInput[]) => records.map((record) => (record.details as { count: number }).count);

describe('the refusal summariser', () => {
  const open: RefusalAuditor[] = [];
  const make = (options: Partial<RefusalAuditorOptions> = {}) => {
    const made = recorded(options);
    open.push(made.auditor);
    return made;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((auditor) => auditor.close()));
  });

  test('records the first refusal of a window at once, with the kind, the fixed and the given details, and holds the rest until the next window', async () => {
    const { records, auditor, advance } = make({ kind: 'alarm', details: { route: 'alarm' } });
    await auditor.refused({ clientAddress: '203.0.113.7', status: 401, reason: 'bad-signature', subject: 'owner-1', recordIds: ['Owner:owner-1'], details: { ownerId: 'owner-1' } });
    expect(records).toEqual([
      {
        kind: 'alarm',
        subject: 'owner-1',
        outcome: 'denied',
        reason: 'bad-signature',
        recordIds: ['Owner:owner-1'],
        details: { route: 'alarm', ownerId: 'owner-1', clientAddress: '203.0.113.7', status: 401, count: 1, since: new Date(START).toISOString() },
      },
    ]);
    advance(10_000);
    for (let index = 0; index < 3; index += 1) await auditor.refused({ clientAddress: '203.0.113.7', status: 401, reason: 'unknown-owner', details: { ownerId: `owner-${index}` } });
    expect(records).toHaveLength(1);
    advance(50_000);
    await auditor.refused({ clientAddress: '203.0.113.7', status: 400, reason: 'bad-body' });
    expect(records.map((record) => [record.reason, countsOf([record])[0], (record.details as { since: string }).since])).toEqual([
      ['bad-signature', 1, new Date(START).toISOString()],
      // The held three, as the last of them: counted from the window's start.
      ['unknown-owner', 3, new Date(START).toISOString()],
      ['bad-body', 1, new Date(START + 60_000).toISOString()],
    ]);
    expect(records[1]?.details).toMatchObject({ ownerId: 'owner-2' });
    expect(records[1]?.subject).toBeNull();
  });

  test('counts each address on its own', async () => {
    const { records, auditor } = make();
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      await auditor.refused({ clientAddress: address, status: 403, reason: 'bad-signature' });
    }
    expect(records.map((record) => (record.details as { clientAddress: string }).clientAddress)).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    await auditor.close();
    expect(countsOf(records)).toEqual([1, 1, 1, 1, 1]);
    expect(records.slice(3).map((record) => (record.details as { clientAddress: string }).clientAddress).sort()).toEqual(['198.51.100.1', '198.51.100.2']);
  });

  test('one address\'s refusals of different groups are counted apart, so that a count names one door', async () => {
    const { records, auditor } = make({ kind: 'evidence' });
    for (const group of ['upload', 'download', 'upload', 'download', 'download']) {
      await auditor.refused({ clientAddress: '192.0.2.8', group, status: 403, reason: `${group} refused`, details: { action: group } });
    }
    await auditor.close();
    expect(records.map((record) => [(record.details as { action: string }).action, countsOf([record])[0]])).toEqual([
      ['upload', 1],
      ['download', 1],
      ['upload', 1],
      ['download', 2],
    ]);
  });

  test('flush() writes the counts of windows that ended, and only those', async () => {
    const { records, auditor, advance } = make({ windowMs: 1000 });
    await auditor.refused({ clientAddress: '192.0.2.1', status: 403, reason: 'expired' });
    await auditor.refused({ clientAddress: '192.0.2.1', status: 403, reason: 'expired' });
    advance(500);
    await auditor.refused({ clientAddress: '192.0.2.2', status: 403, reason: 'expired' });
    await auditor.refused({ clientAddress: '192.0.2.2', status: 403, reason: 'expired' });
    await auditor.flush();
    expect(countsOf(records)).toEqual([1, 1]);
    advance(500);
    await auditor.flush();
    expect(records.map((record) => [(record.details as { clientAddress: string }).clientAddress, countsOf([record])[0]])).toEqual([
      ['192.0.2.1', 1],
      ['192.0.2.2', 1],
      ['192.0.2.1', 1],
    ]);
    // The window of 192.0.2.1 ended: its next refusal opens a new one, recorded at once.
    await auditor.refused({ clientAddress: '192.0.2.1', status: 403, reason: 'expired' });
    expect(countsOf(records)).toEqual([1, 1, 1, 1]);
  });

  test('the timer writes a window\'s count once it ended, without a further refusal', async () => {
    const { records, auditor, advance } = make({ windowMs: 100 });
    await auditor.refused({ clientAddress: '192.0.2.9', status: 401, reason: 'no-signature' });
    await auditor.refused({ clientAddress: '192.0.2.9', status: 401, reason: 'no-signature' });
    await auditor.refused({ clientAddress: '192.0.2.9', status: 401, reason: 'no-signature' });
    advance(100);
    for (let attempt = 0; records.length < 2 && attempt < 200; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(countsOf(records)).toEqual([1, 2]);
  });

  test('close() writes the counts still held and waits for them', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const records: AuditRecordInput[] = [];
    const auditor = createRefusalAuditor({
      append: async (record) => {
        if (records.length > 0) await gate;
        records.push(record);
      },
      kind: 'evidence',
      now: () => new Date(START),
      onError: () => undefined,
    });
    await auditor.refused({ clientAddress: '192.0.2.5', status: 404, reason: 'no such clip' });
    await auditor.refused({ clientAddress: '192.0.2.5', status: 404, reason: 'no such clip' });
    let closed = false;
    const closing = auditor.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(countsOf(records)).toEqual([1, 1]);
    expect(records[1]).toMatchObject({ kind: 'evidence', outcome: 'denied', details: { count: 1 } });
  });

  test('tracks at most maxAddresses addresses: the rest share one tally, so a flood from many addresses stays bounded', async () => {
    const { records, auditor } = make({ maxAddresses: 2 });
    for (let index = 0; index < 50; index += 1) await auditor.refused({ clientAddress: `10.0.0.${index}`, status: 403, reason: 'tampered' });
    expect(records.map((record) => (record.details as { clientAddress: string }).clientAddress)).toEqual(['10.0.0.0', '10.0.0.1', OTHER_ADDRESSES]);
    await auditor.close();
    expect(countsOf(records).reduce((sum, count) => sum + count, 0)).toBe(50);
    expect(records).toHaveLength(4);
  });

  test('text from the request is kept printable and short; the summariser\'s own fields cannot be overridden by the given details', async () => {
    const { records, auditor } = make();
    await auditor.refused({
      clientAddress: '192.0.2.3',
      status: 401,
      reason: `bad\u0000${'x'.repeat(500)}`,
      subject: 'sub\u001b[31m',
      details: { claimedSender: 'cad\u0000\u001bnorth', count: 999, clientAddress: '1.2.3.4', since: 'never', size: 12 },
    });
    const [record] = records;
    expect(record?.reason).toHaveLength(200);
    expect(record?.reason?.startsWith('bad\ufffd')).toBe(true);
    expect(record?.subject).toBe('sub\ufffd[31m');
    expect(record?.details).toEqual({ claimedSender: 'cad\ufffd\ufffdnorth', count: 1, clientAddress: '192.0.2.3', since: new Date(START).toISOString(), size: 12, status: 401 });
  });

  test('a record that cannot be written is reported, and the refusal still resolves', async () => {
    const errors: unknown[] = [];
    const auditor = createRefusalAuditor({
      append: () => Promise.reject(new Error('audit down')),
      kind: 'alarm',
      now: () => new Date(START),
      onError: (error) => errors.push(error),
    });
    await expect(auditor.refused({ clientAddress: '192.0.2.4', status: 401, reason: 'bad-signature' })).resolves.toBeUndefined();
    await auditor.refused({ clientAddress: '192.0.2.4', status: 401, reason: 'bad-signature' });
    await auditor.close();
    expect(errors.map((error) => (error as Error).message)).toEqual(['audit down', 'audit down']);
  });

  test('property: whatever the addresses and times, the counts add up to the refusals, per address, and each window costs at most two records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 40_000 })), { minLength: 1, maxLength: 200 }), async (steps) => {
        const { records, auditor, advance } = recorded({ windowMs: 60_000 });
        const sent = new Map<string, number>();
        let elapsed = 0;
        for (const [which, wait] of steps) {
          advance(wait);
          elapsed += wait;
          const clientAddress = `192.0.2.${which}`;
          sent.set(clientAddress, (sent.get(clientAddress) ?? 0) + 1);
          await auditor.refused({ clientAddress, status: 403, reason: 'tampered' });
        }
        await auditor.close();
        const counted = new Map<string, number>();
        for (const record of records) {
          const { clientAddress, count } = record.details as { clientAddress: string; count: number };
          counted.set(clientAddress, (counted.get(clientAddress) ?? 0) + count);
        }
        expect(counted).toEqual(sent);
        // An address's windows do not overlap and each lasts 60 s: at most this many fit in the run.
        const windows = Math.floor(elapsed / 60_000) + 1;
        for (const address of sent.keys()) {
          expect(records.filter((record) => (record.details as { clientAddress: string }).clientAddress === address).length).toBeLessThanOrEqual(2 * windows);
        }
      }),
      { seed: 1313, numRuns: 100 },
    );
  });
});

import type { Adapter, AdapterStatus, EventSink, IncidentCreated } from '../../contract';
import { expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/**
 * The hub's event sink under floods and failures: dead letters per source per minute are capped
 * (counted beyond, summarised with samples, never unbounded, never silent), and a valid event
 * that the store refuses is kept as a STORE dead letter, replayable, instead of being lost.
 */

const CAP = 5;

/** A vendor that sends nothing but junk, one raw payload per call. */
function createJunkAdapter(): Adapter & { junk(raw: string): Promise<void> } {
  let sink: EventSink | null = null;
  return {
    name: 'junk-test',
    async start(target: EventSink) {
      sink = target;
    },
    async stop() {
      sink = null;
    },
    status: (): AdapterStatus => ({ name: 'junk-test', connected: sink !== null, lastMessageAt: null, accepted: 0, rejected: 0 }),
    async junk(raw: string) {
      await sink?.reject({ source: 'junk-test', reason: raw.startsWith('#') ? 'bad-hash' : 'bad-line', detail: `not a line: ${raw}`, raw, receivedAt: new Date().toISOString() });
    },
  };
}

interface Letter {
  id: string;
  stage: string;
  reason: string;
  detail: string;
  raw: string;
}

describe.each(STORAGE_TARGETS)('the ingest sink under floods and store failures ($name)', (target) => {
  let hub: TestHub;
  let clock = new Date('2026-11-23T22:00:00Z');
  const adapter = createJunkAdapter();

  beforeAll(async () => {
    hub = await startTestHub(target, { now: () => clock, adapters: [adapter], env: { DEAD_LETTERS_PER_SOURCE_PER_MINUTE: String(CAP) } });
  });
  afterAll(() => hub?.close());

  const letters = async (source: string): Promise<Letter[]> => {
    const body = await hub.query<{ deadLetters: { edges: { node: Letter }[] } }>(
      'query ($source: String) { deadLetters(filter: { source: $source }, first: 100) { edges { node { id stage reason detail raw } } } }',
      { source },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.deadLetters.edges.map((edge) => edge.node).reverse();
  };

  it('keeps DEAD_LETTERS_PER_SOURCE_PER_MINUTE dead letters a minute, counts the rest per reason, and writes one summary with samples', async () => {
    for (let i = 0; i < 12; i += 1) await adapter.junk(i % 4 === 0 ? `#junk-${i}` : `junk-${i}`);
    expect((await letters('junk-test')).map((letter) => letter.raw)).toEqual(['#junk-0', 'junk-1', 'junk-2', 'junk-3', '#junk-4']);
    const status = await hub.query<{ adapters: { name: string; rejected: number; deadLettersSuppressed: number; rejectedByReason: { reason: string; count: number }[] }[] }>(
      '{ adapters { name rejected deadLettersSuppressed rejectedByReason { reason count } } }',
    );
    expect(status.data?.adapters).toEqual([
      {
        name: 'junk-test',
        rejected: 12,
        deadLettersSuppressed: 7,
        rejectedByReason: expect.arrayContaining([
          { reason: 'bad-hash', count: 3 },
          { reason: 'bad-line', count: 9 },
        ]),
      },
    ]);

    // The next minute: the held-back minute is summarised, and letters are kept one by one again.
    clock = new Date(clock.getTime() + 61_000);
    await adapter.junk('junk-next-minute');
    const kept = await letters('junk-test');
    expect(kept.map((letter) => letter.reason)).toEqual(['bad-hash', 'bad-line', 'bad-line', 'bad-line', 'bad-hash', 'dead-letters-suppressed', 'bad-line']);
    const summary = kept[5]!;
    expect(summary.detail).toContain('7 rejections beyond 5 a minute');
    const held = JSON.parse(summary.raw) as { suppressed: number; byReason: Record<string, number>; samples: { reason: string; raw: string }[] };
    expect(held).toMatchObject({ suppressed: 7, byReason: { 'bad-line': 6, 'bad-hash': 1 } });
    expect(held.samples.map((sample) => sample.raw)).toEqual(['junk-5', 'junk-6', 'junk-7', '#junk-8', 'junk-9']);

    const replay = await hub.query('mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome } }', { id: summary.id });
    expect(replay.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await expectHubHealthy(hub);
  });

  it('keeps a valid event the store refuses as a STORE dead letter (store-failed) instead of losing it, and a replay stores it', async () => {
    const incident: IncidentCreated = {
      type: 'incident.created',
      eventId: 'store-fail-1',
      source: 'store-test',
      occurredAt: '2026-11-23T21:59:00Z',
      incidentId: 'inc-store-fail',
      number: 'MPD-STORE-1',
      typeCode: 'ROBBERY',
      typeText: 'Robbery',
      priority: 1,
      status: 'PENDING',
      location: { point: { lat: 33.4152, lon: -111.8315 } },
      reportedAt: '2026-11-23T21:58:00Z',
      narrative: null,
      callIds: [],
    };
    const cad = hub.subgraphs.cad.db;
    await cad.knex.schema.withSchema(cad.schema).renameTable('incidents', 'incidents_away');
    try {
      await expect(hub.sink.emit(incident)).resolves.toBeUndefined();
    } finally {
      await cad.knex.schema.withSchema(cad.schema).renameTable('incidents_away', 'incidents');
    }
    const [letter] = await letters('store-test');
    expect(letter).toMatchObject({ stage: 'STORE', reason: 'store-failed' });
    expect(letter!.detail).toContain('incident.created store-fail-1');
    expect(JSON.parse(letter!.raw)).toMatchObject({ incidentId: 'inc-store-fail', eventId: 'store-fail-1' });
    expect(hub.sink.stats().bySource['store-test']).toMatchObject({ accepted: 0, rejectedByReason: { 'store-failed': 1 } });

    const replay = await hub.query<{ replayDeadLetter: { outcome: string } }>('mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome } }', { id: letter!.id });
    expect(replay.data?.replayDeadLetter.outcome).toBe('REPLAYED');
    const stored = await hub.query<{ incident: { number: string } | null }>('{ incident(id: "inc-store-fail") { number } }');
    expect(stored.data?.incident).toEqual({ number: 'MPD-STORE-1' });
    await expectAuditChainIntact(hub);
  });
});

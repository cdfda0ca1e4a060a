import type { Adapter, AdapterStatus, EventSink } from '../../contract';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** A stand-in vendor adapter: raw lines "call <id> <lat> <lon>"; anything else is rejected. */
function createLineAdapter(): Adapter & { feed(raw: string): Promise<void>; replay(raw: string): Promise<void>; strict: boolean; replayed: string[] } {
  let sink: EventSink | null = null;
  let accepted = 0;
  let rejected = 0;
  const adapter = {
    name: 'line-test',
    strict: true,
    async start(target: EventSink) {
      sink = target;
    },
    async stop() {
      sink = null;
    },
    status: (): AdapterStatus => ({ name: 'line-test', connected: sink !== null, lastMessageAt: null, accepted, rejected }),
    async feed(raw: string) {
      const match = /^call (\S+) (-?[\d.]+) (-?[\d.]+)$/.exec(raw);
      if (!match || (adapter.strict && raw.includes('!'))) {
        rejected += 1;
        await sink?.reject({ source: 'line-test', reason: 'bad-line', detail: `not a call line: ${raw}`, raw, receivedAt: new Date().toISOString() });
        return;
      }
      accepted += 1;
      await sink?.emit({
        type: 'call.received',
        eventId: `line-${match[1]}`,
        source: 'line-test',
        occurredAt: new Date('2026-11-23T18:00:00Z').toISOString(),
        callId: match[1]!,
        state: 'RINGING',
        location: { point: { lat: Number(match[2]), lon: Number(match[3]) } },
        classOfService: null,
        callbackNumber: null,
      });
    },
    /** Raw payloads handed back by replays, as the adapter received them. */
    replayed: [] as string[],
    replay: (raw: string) => {
      adapter.replayed.push(raw);
      return adapter.feed(raw);
    },
  };
  return adapter;
}

interface DeadLettersPage {
  deadLetters: { edges: { node: { id: string; source: string; stage: string; reason: string; raw: string; replayCount: number } }[] };
}

describe.each(STORAGE_TARGETS)('dead letters and the ingest admin API ($name)', (target) => {
  let hub: TestHub;
  const adapter = createLineAdapter();

  beforeAll(async () => {
    hub = await startTestHub(target, { adapters: [adapter] });
  });
  afterAll(() => hub?.close());

  it('keeps every rejection with its raw payload and reason, counts it per adapter, and lets it be replayed after a fix', async () => {
    await adapter.feed('call c-1 33.41 -111.83');
    await adapter.feed('garbage!');
    await adapter.feed('call c-2! 33.42 -111.83'); // refused while the adapter is strict
    await adapter.feed('call c-3 133.41 -111.83'); // translated, but the contract refuses lat 133
    await adapter.feed('call c-4 33.43 -111.83');

    const listed = await hub.query<DeadLettersPage>('{ deadLetters { edges { node { id source stage reason raw replayCount } } } }');
    expect(listed.errors).toBeUndefined();
    const letters = listed.data!.deadLetters.edges.map((edge) => edge.node);
    expect(letters.map((letter) => [letter.stage, letter.reason])).toEqual([
      ['CONTRACT', 'out-of-range'],
      ['ADAPTER', 'bad-line'],
      ['ADAPTER', 'bad-line'],
    ]);
    expect(letters[2]?.raw).toBe('garbage!');

    const status = await hub.query<{ adapters: { name: string; connected: boolean; accepted: number; rejected: number; rejectedByReason: { reason: string; count: number }[] }[] }>(
      '{ adapters { name connected accepted rejected rejectedByReason { reason count } } }',
    );
    expect(status.data?.adapters).toEqual([
      {
        name: 'line-test',
        connected: true,
        accepted: 2,
        rejected: 3,
        rejectedByReason: [
          { reason: 'bad-line', count: 2 },
          { reason: 'out-of-range', count: 1 },
        ],
      },
    ]);

    // The vendor's "!" turns out to be legal: relax the adapter, replay the dead letter.
    adapter.strict = false;
    const c2 = letters.find((letter) => letter.raw.startsWith('call c-2'))!;
    const replay = await hub.query<{ replayDeadLetter: { outcome: string; deadLetter: { replayCount: number } } }>(
      'mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome deadLetter { replayCount } } }',
      { id: c2.id },
    );
    expect(replay.data?.replayDeadLetter).toEqual({ outcome: 'REPLAYED', deadLetter: { replayCount: 1 } });
    const calls = await hub.query<{ calls: { edges: { node: { id: string } }[] } }>('{ calls { edges { node { id } } } }');
    expect(calls.data?.calls.edges.map((edge) => edge.node.id).sort()).toEqual(['c-1', 'c-2!', 'c-4']);

    // Replaying the contract failure fails again and is kept again: nothing is lost.
    const c3 = letters.find((letter) => letter.stage === 'CONTRACT')!;
    await hub.query('mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome } }', { id: c3.id });
    const pending = await hub.query<DeadLettersPage>('{ deadLetters(filter: { pendingOnly: true, reason: "out-of-range" }) { edges { node { id raw } } } }');
    expect(pending.data?.deadLetters.edges).toHaveLength(1);
    expect(pending.data?.deadLetters.edges[0]?.node.id).not.toBe(c3.id);

    const missing = await hub.query('mutation { replayDeadLetter(id: "999999") { outcome } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps raw payloads with NUL and lone surrogates exactly, and a replay hands the adapter the original back', async () => {
    const raw = 'garbage\u0000 with a NUL, a lone \ud800 surrogate and a \udfff low one!';
    await adapter.feed(raw);
    const listed = await hub.query<DeadLettersPage>('{ deadLetters(first: 1) { edges { node { id source stage reason raw replayCount } } } }');
    expect(listed.errors).toBeUndefined();
    const [letter] = listed.data!.deadLetters.edges.map((edge) => edge.node);
    expect(letter).toMatchObject({ stage: 'ADAPTER', reason: 'bad-line', raw });
    await hub.query('mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome } }', { id: letter!.id });
    expect(adapter.replayed[adapter.replayed.length - 1]).toBe(raw);
  });
});

import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { type WebSocket, WebSocketServer } from 'ws';
import { type CallFeedAdapter, createCallFeedAdapter } from '../../adapters/live911-ws';
import {
  HOSTILE_SEED,
  ODD_UNICODE,
  deeplyNestedJson,
  expectAuditChainIntact,
  expectHubHealthy,
  hostileDepth,
  hostileTime,
  hugeString,
  stringWithControl,
  truncated,
  type DeadLetterNode,
  listDeadLetters,
  storedIds,
} from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * The 911 call feed as an attacker or a broken vendor feeds it: generated bad frames mixed with
 * good ones over a real WebSocket into a running hub. Every good call is stored, every bad frame
 * is a dead letter with a reason, the connection survives (or comes back), the chain verifies.
 */

/** What a frame should become: a stored call, a dead letter, or either (odd but not wrong input). */
type Expectation = 'stored' | 'dead' | 'either';

interface Frame {
  readonly data: string | Buffer;
  readonly expect: Expectation;
  /** The call the frame creates when stored. */
  readonly callId?: string;
  /** Text that a dead letter of this frame carries in its raw payload (absent when it cannot be told). */
  readonly marker?: string;
}

/** A hostile feed: a WebSocket server on port 0 that sends text or binary frames to its one client. */
interface HostileFeed {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  send(data: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

async function startHostileFeed(): Promise<HostileFeed> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const clients = new Set<WebSocket>();
  let accepted = 0;
  server.on('connection', (client) => {
    accepted += 1;
    clients.add(client);
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/feed`,
    connections: () => accepted,
    async send(data) {
      await eventually(async () => [...clients].some((client) => client.readyState === client.OPEN), 10_000, 'the hub connected to the feed');
      const open = [...clients].filter((client) => client.readyState === client.OPEN);
      await Promise.all(
        open.map((client) => new Promise<void>((resolve, reject) => client.send(data, { binary: Buffer.isBuffer(data) }, (error) => (error ? reject(error) : resolve())))),
      );
    },
    async close() {
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const nowIso = () => new Date().toISOString();

/** A valid `ringing` message for `callId`. */
function ringing(eventId: string, callId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId,
    type: 'ringing',
    callId,
    at: nowIso(),
    ani: '4805550123',
    classOfService: 'WPH2',
    location: { lat: 33.4152, lon: -111.8315, uncertaintyMeters: 30 },
    ...fields,
  };
}

/** Frames for one property run; every id carries `tag`, so that runs never collide. */
function framesArbitrary(tag: string): fc.Arbitrary<Frame[]> {
  let serial = 0;
  const next = () => `${tag}-${(serial += 1)}`;
  const good = fc.constant(null).map((): Frame => {
    const id = next();
    return { data: JSON.stringify(ringing(`e-${id}`, `c-${id}`)), expect: 'stored', callId: `c-${id}` };
  });
  const dead = (make: (id: string) => string | Buffer, marked = true): fc.Arbitrary<Frame> =>
    fc.constant(null).map((): Frame => {
      const id = next();
      // Quoted as in the JSON text, so that no marker is part of another (`e-r1-1` is in `e-r1-10`).
      return { data: make(id), expect: 'dead', ...(marked ? { marker: `"e-${id}"` } : {}) };
    });
  const controlled = (field: string) =>
    stringWithControl.chain((bad) =>
      dead((id) => JSON.stringify(ringing(`e-${id}`, `c-${id}`, { [field]: field === 'callId' ? `c-${id}${bad}` : bad }))),
    );
  const bad: fc.Arbitrary<Frame>[] = [
    controlled('callId'),
    controlled('eventId').map((frame) => ({ ...frame, marker: undefined }) as Frame),
    controlled('ani'),
    controlled('classOfService'),
    controlled('callerName'),
    stringWithControl.chain((text) => dead((id) => JSON.stringify(ringing(`e-${id}`, `c-${id}`, { location: { lat: 33.4, lon: -111.8, address: text } })))),
    hostileTime.chain((at) => dead((id) => JSON.stringify(ringing(`e-${id}`, `c-${id}`, { at })))),
    hostileDepth.chain((depth) => dead((id) => JSON.stringify(ringing(`e-${id}`, `c-${id}`)).replace(/}$/, `,"extra":${deeplyNestedJson(depth)}}`))),
    hostileDepth.chain((depth) => dead(() => deeplyNestedJson(depth, 'object'), false)),
    hugeString.chain((huge) => dead((id) => JSON.stringify(ringing(`e-${id}`, `c-${id}`, { callerName: huge })))),
    fc.constant(null).chain(() => {
      const id = next();
      const text = JSON.stringify(ringing(`e-${id}`, `c-${id}`));
      return truncated(text).map((cut): Frame => ({ data: cut, expect: 'dead' }));
    }),
    // Bytes that are not UTF-8, with and without a NUL.
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes): Frame => ({ data: Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(bytes)]), expect: 'dead' })),
    dead((id) => `${JSON.stringify(ringing(`e-${id}`, `c-${id}`))}\u0000`),
    dead(() => 'not json at all', false),
  ];
  const odd = fc.constantFrom(...ODD_UNICODE.filter((text) => !text.includes('\u0000'))).map((text): Frame => {
    const id = next();
    return { data: JSON.stringify(ringing(`e-${id}`, `c-${id}${text}`, { callerName: `Caller ${text}` })), expect: 'either', callId: `c-${id}${text}`, marker: `"e-${id}"` };
  });
  // A valid frame sent as a binary frame (UTF-8 JSON): still a call.
  const binary = good.map((frame): Frame => ({ ...frame, data: Buffer.from(frame.data as string, 'utf8') }));
  // The same message twice: one call.
  const duplicate = good.map((frame): Frame[] => [frame, frame]);
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: good.map((frame) => [frame]) }, ...bad.map((arbitrary) => arbitrary.map((frame) => [frame])), odd.map((frame) => [frame]), binary.map((frame) => [frame]), duplicate), {
      minLength: 4,
      maxLength: 14,
    })
    .map((groups) => groups.flat());
}

describe.each(STORAGE_TARGETS)('the 911 call feed under hostile input ($name)', (target) => {
  let feed: HostileFeed;
  let adapter: CallFeedAdapter;
  let hub: TestHub;

  beforeAll(async () => {
    feed = await startHostileFeed();
    adapter = createCallFeedAdapter({
      url: feed.url,
      now: () => new Date(),
      retryDelayMs: 20,
      maxRetryDelayMs: 200,
      // The hub's defaults (CALL_FEED_MAX_FUTURE_MS, CALL_FEED_MAX_AGE_MS).
      maxFutureMs: 5 * 60_000,
      maxAgeMs: 24 * 3_600_000,
    });
    hub = await startTestHub(target, { adapters: [adapter] });
  });
  afterAll(async () => {
    await hub?.close();
    await feed?.close();
  });

  /** Every dead letter of the feed so far, oldest first. */
  const deadLetters = (): Promise<DeadLetterNode[]> => listDeadLetters(hub, 'live911');

  /** The ids of the calls among `ids` that the hub stores, asked through the gateway. */
  const storedCalls = (ids: readonly string[]): Promise<Set<string>> => storedIds(hub, 'call', ids);

  /** Sends the frames, then a sentinel call, and waits until the sentinel is stored (frames are handled in order). */
  const sendAll = async (frames: readonly (string | Buffer)[], tag: string): Promise<void> => {
    for (const data of frames) await feed.send(data);
    const sentinel = `c-${tag}-sentinel`;
    await feed.send(JSON.stringify(ringing(`e-${tag}-sentinel`, sentinel)));
    await eventually(async () => (await storedCalls([sentinel])).has(sentinel), 20_000, `sentinel call ${sentinel} stored`);
  };

  it('stores every valid call and keeps every bad frame as a dead letter with a reason, on one connection', async () => {
    let run = 0;
    const seen = { stored: 0, dead: 0, either: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => framesArbitrary(`r${(run += 1)}`)),
        async (frames) => {
          const tag = `s${run}-${Math.random().toString(36).slice(2, 8)}`;
          const before = (await deadLetters()).length;
          await sendAll(
            frames.map((frame) => frame.data),
            tag,
          );
          const letters = (await deadLetters()).slice(before);
          for (const frame of frames) seen[frame.expect] += 1;
          const expectedDead = frames.filter((frame) => frame.expect === 'dead');
          const odd = frames.filter((frame) => frame.expect === 'either');
          const stored = await storedCalls(frames.flatMap((frame) => (frame.callId ? [frame.callId] : [])));

          for (const frame of frames) if (frame.expect === 'stored') expect(stored).toContain(frame.callId);
          for (const letter of letters) {
            expect(letter.reason).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(letter.detail).not.toBe('');
          }
          for (const frame of expectedDead) {
            if (frame.marker) expect(letters.some((letter) => letter.raw.includes(frame.marker!))).toBe(true);
          }
          // An odd frame is a call with exactly the id it was sent with, or a dead letter: never lost, never mangled.
          const oddDead = odd.filter((frame) => !stored.has(frame.callId!));
          for (const frame of oddDead) expect(letters.some((letter) => letter.raw.includes(frame.marker!))).toBe(true);
          expect(letters).toHaveLength(expectedDead.length + oddDead.length);
        },
      ),
      { seed: HOSTILE_SEED, numRuns: 12, endOnFailure: true },
    );
    // The runs did mix kinds (a generator change that stops making bad frames fails here).
    expect(seen.stored).toBeGreaterThan(20);
    expect(seen.dead).toBeGreaterThan(40);
    expect(adapter.status()).toMatchObject({ connected: true, sinkFailures: 0 });
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });

  it('reads at most 100 messages of a batch frame, keeps the rest as one replayable dead letter, and survives a frame too large to read', async () => {
    const before = (await deadLetters()).length;
    // 130 messages in one frame, every tenth with a control character in its call id.
    const batch = Array.from({ length: 130 }, (_, i) => ringing(`e-flood-${i}`, i % 10 === 3 ? `c-flood-${i}\u0007` : `c-flood-${i}`));
    const good = batch.filter((_, i) => i % 10 !== 3).map((message) => String(message.callId));
    await sendAll([JSON.stringify(batch)], 'flood');
    const stored = await storedCalls(good);
    expect(good.filter((id) => !stored.has(id))).toEqual(good.slice(90)); // the first 100 messages hold 90 good calls

    const letters = (await deadLetters()).slice(before);
    expect(letters.filter((letter) => letter.reason === 'bad-id')).toHaveLength(10);
    const overflow = letters.filter((letter) => letter.reason === 'too-many-messages');
    expect(overflow).toHaveLength(1);
    expect((JSON.parse(overflow[0]!.raw) as unknown[]).length).toBe(30);
    expect(letters).toHaveLength(11);

    // Replayed, the overflow is read like any frame: its good calls are stored, its bad ones dead letters.
    const replay = await hub.query<{ replayDeadLetter: { outcome: string } }>('mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome } }', { id: overflow[0]!.id });
    expect(replay.errors).toBeUndefined();
    await eventually(async () => (await storedCalls(good)).size === good.length, 20_000, 'the overflow replayed');
    expect((await deadLetters()).slice(before + 11).map((letter) => letter.reason)).toEqual(['bad-id', 'bad-id', 'bad-id']);

    // A frame over the 16 MiB the adapter reads: ws closes the connection; its loss is a dead letter and the feed comes back.
    const connections = feed.connections();
    await feed.send('x'.repeat(17 * 1024 * 1024)).catch(() => undefined);
    await eventually(async () => feed.connections() > connections, 20_000, 'the adapter reconnected');
    await sendAll([], 'after-oversize');
    const last = (await deadLetters()).slice(before + 14);
    expect(last.map((letter) => letter.reason)).toEqual(['frame-too-large']);
    expect(last[0]!.detail).toMatch(/16777216 bytes/);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});

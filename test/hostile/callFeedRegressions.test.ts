import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { createRecordingSink } from '../../adapters/conformance';
import type { EventSink } from '../../contract';
import { jsonNestingDepth, translateCallFeedFrame, translateCallFeedMessage } from '../../adapters/live911';
import { deeplyNestedJson } from '../support/hostileInput';
import { startFakeCallFeed } from '../adapters/live911/callFeedFixtures';
import { createCallFeedAdapter } from '../../adapters/live911-ws';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/** Regressions of the holes the call feed's hostile-input suite found, one by one. */

const message = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ eventId: 'e-1', type: 'ringing', callId: 'c-1', at: '2026-11-23T19:20:00Z', ani: '4805550123', classOfService: 'WPH2', ...fields });
const translate = (raw: string, receivedAt?: Date) =>
  translateCallFeedMessage(raw, { source: 'live911', ...(receivedAt ? { timeBounds: { receivedAt, maxAgeMs: 86_400_000 } } : {}) });

describe('call feed translation: what used to get through', () => {
  it.each([
    ['a control character in the call id', message({ callId: 'c\u0007-1' }), 'bad-id'],
    ['a NUL in the event id', message({ eventId: 'e\u0000' }), 'bad-id'],
    ['a lone surrogate in the call id (stored as U+FFFD, never found again)', message({ callId: 'c-\ud800' }), 'bad-id'],
    ['a zero-width joiner in the call id', message({ callId: 'c-\u200d1' }), 'bad-id'],
    ['a call id of 10,000 characters', message({ callId: 'c'.repeat(10_000) }), 'bad-id'],
    ['a bidi override in the caller name', message({ callerName: 'Bob \u202eevil' }), 'bad-caller-name'],
    ['a lone surrogate in the caller name', message({ callerName: 'Bob \udfff' }), 'bad-caller-name'],
    ['a control character in the callback number', message({ ani: '480\u0000555' }), 'bad-field'],
    ['a class of service of kilobytes', message({ classOfService: 'W'.repeat(5000) }), 'bad-field'],
    ['a control character in the location address', message({ location: { lat: 33.4, lon: -111.8, address: '1 Main\u0000St' } }), 'bad-location'],
    ['10,000 levels of nesting in an ignored field', message({}).replace(/}$/, `,"x":${deeplyNestedJson(10_000)}}`), 'too-deep'],
  ])('%s is refused', (_label, raw, reason) => {
    expect(translate(raw)).toMatchObject({ ok: false, reason });
  });

  it('bounds times to the receive clock when given one: 2079 and 1970 are refused, now is taken', () => {
    const receivedAt = new Date('2026-11-23T19:20:30Z');
    expect(translate(message({ at: '2079-06-01T00:00:00Z' }), receivedAt)).toMatchObject({ ok: false, reason: 'bad-timestamp' });
    expect(translate(message({ at: '1970-01-01T00:00:00Z' }), receivedAt)).toMatchObject({ ok: false, reason: 'bad-timestamp' });
    expect(translate(message({ at: '2026-11-23T19:24:00Z' }), receivedAt)).toMatchObject({ ok: true });
  });

  it('measures nesting outside strings only', () => {
    expect(jsonNestingDepth('{"a":"[[[[{{{{\\"[[["}')).toBe(1);
    expect(jsonNestingDepth(deeplyNestedJson(40, 'object'))).toBe(40);
    expect(jsonNestingDepth(deeplyNestedJson(10_000), 32)).toBe(33);
  });

  it('reads a batch frame up to its cap, each message on its own, and gives the rest back as one overflow', () => {
    const batch = Array.from({ length: 7 }, (_, i) => JSON.parse(message({ eventId: `e-${i}`, callId: i === 1 ? 'c\u0001' : `c-${i}` })) as unknown);
    const frame = translateCallFeedFrame(JSON.stringify(batch), { source: 'live911', maxMessagesPerFrame: 5 });
    expect(frame.messages.map((entry) => entry.translation.ok)).toEqual([true, false, true, true, true]);
    expect(JSON.parse(frame.overflow!.raw)).toEqual(batch.slice(5));
    expect(frame.overflow!.count).toBe(2);
    expect(translateCallFeedFrame('[]', { source: 'live911' }).messages[0]?.translation).toMatchObject({ ok: false, reason: 'not-an-object' });
  });
});

describe('call feed adapter: frames that used to be lost', () => {
  it('refuses a binary frame that is not UTF-8 (shown with U+FFFD, NUL kept), and still takes the next message', async () => {
    const feed = await startFakeCallFeed();
    const adapter = createCallFeedAdapter({ url: feed.url, now: () => new Date() });
    const sink = createRecordingSink();
    try {
      await adapter.start(sink);
      // The fixture hands ws whatever it is given: a Buffer goes out as a binary frame.
      await feed.send(Buffer.from([0x7b, 0xff, 0x00, 0x7d]) as unknown as string);
      await feed.send(message({ at: new Date().toISOString() }));
      await sink.until((s) => s.events.length === 1 && s.rejections.length === 1);
      expect(sink.rejections[0]).toMatchObject({ reason: 'not-utf8', raw: '{\ufffd\u0000}' });
    } finally {
      await adapter.stop();
      await feed.close();
    }
  });
});

describe('call feed adapter: a feed faster than the hub', () => {
  it('stops reading the socket while the queue is over its cap, and loses nothing once the sink catches up', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const recording = createRecordingSink();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A sink that takes nothing until released, as a stalled database would.
    const sink: EventSink = { emit: async (event) => gate.then(() => recording.emit(event)), reject: async (rejection) => gate.then(() => recording.reject(rejection)) };
    const adapter = createCallFeedAdapter({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, now: () => new Date(), maxQueuedChars: 10_000 });
    try {
      const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
      await adapter.start(sink);
      const client = await connected;
      const total = 4000;
      const sent = message({ callerName: 'x'.repeat(150), at: new Date().toISOString() });
      for (let i = 0; i < total; i += 1) client.send(sent.replace('"e-1"', `"e-${i}"`));
      await eventually(async () => adapter.status().pauses === 1, 10_000, 'reading paused');
      // Backpressure held: what the adapter read is its cap plus what ws had buffered, far from all of it.
      expect(adapter.status().queuedChars).toBeLessThan((total * sent.length) / 4);
      release();
      await recording.until((s) => s.events.length === total, 20_000);
      expect(adapter.status()).toMatchObject({ queuedChars: 0, connected: true, sinkFailures: 0 });
    } finally {
      release();
      await adapter.stop();
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe.each(STORAGE_TARGETS)('one call feed message dated 2079 ($name)', (target) => {
  let hub: TestHub;
  let feed: Awaited<ReturnType<typeof startFakeCallFeed>>;

  beforeAll(async () => {
    feed = await startFakeCallFeed();
    hub = await startTestHub(target, { adapters: [createCallFeedAdapter({ url: feed.url, now: () => new Date() })] });
  });
  afterAll(async () => {
    await hub?.close();
    await feed?.close();
  });

  it('is a dead letter and does not freeze its call: later updates still apply', async () => {
    const now = Date.now();
    const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
    await feed.send(message({ eventId: 'f-1', callId: 'frozen-1', at: at(0) }));
    await feed.send(message({ eventId: 'f-2', callId: 'frozen-1', type: 'ended', at: '2079-06-01T00:00:00Z' }));
    await feed.send(message({ eventId: 'f-3', callId: 'frozen-1', type: 'answered', at: at(1000) }));
    await eventually(
      async () => (await hub.query<{ call: { state: string } | null }>('{ call(id: "frozen-1") { state } }')).data?.call?.state === 'ACTIVE',
      20_000,
      'the call answered',
    );
    const letters = await hub.query<{ deadLetters: { edges: { node: { reason: string; raw: string } }[] } }>(
      '{ deadLetters(filter: { source: "live911" }) { edges { node { reason raw } } } }',
    );
    expect(letters.data?.deadLetters.edges.map((edge) => edge.node.reason)).toEqual(['bad-timestamp']);
    expect(letters.data?.deadLetters.edges[0]?.node.raw).toContain('2079-06-01');
  });
});

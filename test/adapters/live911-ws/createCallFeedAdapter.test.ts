import fc from 'fast-check';
import { createRecordingSink, defineAdapterConformanceSuite } from '../../../adapters/conformance';
import { translateCallFeedMessage } from '../../../adapters/live911';
import { type CallFeedAdapter, createCallFeedAdapter } from '../../../adapters/live911-ws';
import { mangledText, mutatedMessage } from '../live911/callFeedArbitraries';
import { type FakeCallFeed, callStory, circle, feedJson, pidf, startFakeCallFeed } from '../live911/callFeedFixtures';

// A real clock: the quiet-feed watchdog measures time with it.
const now = () => new Date();

defineAdapterConformanceSuite(
  'live911 call feed over WebSocket',
  async () => {
    const feed = await startFakeCallFeed();
    const adapter = createCallFeedAdapter({ url: feed.url, now, retryDelayMs: 50, maxRetryDelayMs: 400 });
    return {
      adapter,
      // Waits for the adapter's (re)connection, unless it has been stopped.
      send: (raw) => feed.send(raw, () => adapter.status().started),
      valid: callStory,
      invalid: [
        'not json at all',
        feedJson({ eventId: 'f-900', type: 'transferred' }),
        feedJson({ eventId: 'f-901', callId: undefined }),
        feedJson({ eventId: 'f-902', at: '23/11/2026 19:20' }),
        feedJson({ eventId: 'f-903', location: { pidfLo: '<presence><unclosed>' } }),
        feedJson({ eventId: 'f-904', type: 'location', location: { lat: 91, lon: -111.8 } }),
        // What an attacker sends: NUL and a bidi override, a date in 2079, 10,000 levels, 600 Ki characters.
        feedJson({ eventId: 'f-905', callId: 'psap-1\u0000' }),
        feedJson({ eventId: 'f-906', callerName: 'Bob \u202eevil' }),
        feedJson({ eventId: 'f-907', at: '2079-06-01T00:00:00.000Z' }),
        feedJson({ eventId: 'f-908' }).replace(/}$/, `,"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
        feedJson({ eventId: 'f-909', callerName: 'x'.repeat(600 * 1024) }),
      ],
      interrupt: () => feed.interrupt(),
      restore: () => feed.restore(),
      close: () => feed.close(),
    };
  },
  { reconnects: true },
);

describe('live911 call feed adapter', () => {
  let feed: FakeCallFeed;
  let adapter: CallFeedAdapter;

  beforeEach(async () => {
    feed = await startFakeCallFeed();
  });
  afterEach(async () => {
    await adapter?.stop();
    await feed.close();
  });

  it('sends the configured headers (the vendor API key) with the connection request', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now, headers: { 'x-api-key': 'k-123' } });
    await adapter.start(createRecordingSink());
    expect(feed.requestHeaders[0]?.['x-api-key']).toBe('k-123');
  });

  it('refines a ringing call from a PIDF-LO circle, end to end', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await feed.send(callStory[0]!);
    await feed.send(callStory[2]!);
    await sink.until((s) => s.events.length === 2);
    expect(sink.events[0]).toMatchObject({ type: 'call.received', state: 'RINGING', location: { uncertaintyMeters: 850 } });
    expect(sink.events[1]).toMatchObject({
      type: 'call.updated',
      eventId: 'f-102',
      location: { point: { lat: 33.41523, lon: -111.83151 }, uncertaintyMeters: 12 },
    });
    expect(sink.events[1]).not.toHaveProperty('state');
  });

  it('handles a burst strictly in order and counts what it took and refused', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const burst = Array.from({ length: 300 }, (_, i) =>
      i % 10 === 9 ? `garbage ${i}` : feedJson({ eventId: `f-${i}`, type: 'location', location: { lat: 33 + i / 1000, lon: -111.8 } }),
    );
    for (const raw of burst) void feed.send(raw);
    await sink.until((s) => s.events.length + s.rejections.length === 300);
    expect(sink.events.map((event) => event.eventId)).toEqual(burst.filter((raw) => raw.startsWith('{')).map((raw) => JSON.parse(raw).eventId));
    expect(sink.rejections.map((rejection) => rejection.raw)).toEqual(burst.filter((raw) => raw.startsWith('garbage')));
    expect(adapter.status()).toMatchObject({ connected: true, accepted: 270, rejected: 30, connections: 1 });
    expect(adapter.status().lastMessageAt).not.toBeNull();
  });

  it('keeps the connection and the good messages through hundreds of generated malformed ones', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const malformed = fc
      .sample(fc.oneof(mutatedMessage, mangledText), { seed: 20261123, numRuns: 1000 })
      .filter((raw) => !translateCallFeedMessage(raw, { source: 'live911' }).ok)
      .slice(0, 400);
    expect(malformed).toHaveLength(400);
    const good = (i: number) => feedJson({ eventId: `good-${i}`, type: 'answered' });
    for (const [i, raw] of malformed.entries()) {
      await feed.send(raw);
      if (i % 40 === 0) await feed.send(good(i));
    }
    await sink.until((s) => s.rejections.length === 400 && s.events.length === 10);
    expect(sink.rejections.map((rejection) => rejection.raw)).toEqual(malformed);
    expect(sink.rejections.every((rejection) => /^[a-z]+(-[a-z]+)*$/.test(rejection.reason) && rejection.detail !== '')).toBe(true);
    expect(sink.events.map((event) => event.eventId)).toEqual(Array.from({ length: 10 }, (_, i) => `good-${i * 40}`));
    expect(adapter.status()).toMatchObject({ connected: true, connections: 1, accepted: 10, rejected: 400 });
  });

  it('replays a dead letter through the same translation, and refuses to replay when stopped', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await adapter.replay(callStory[0]!);
    expect(sink.events.map((event) => event.eventId)).toEqual(['f-100']);
    await adapter.replay('{"eventId":');
    expect(sink.rejections.map((rejection) => rejection.reason)).toEqual(['malformed-json']);
    await adapter.stop();
    await expect(adapter.replay(callStory[0]!)).rejects.toThrow(/not started/);
  });

  it('starts while the feed is down, reports it, and connects once the feed is back', async () => {
    await feed.interrupt();
    adapter = createCallFeedAdapter({ url: feed.url, now, retryDelayMs: 20, maxRetryDelayMs: 100 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(adapter.status().connected).toBe(false);
    expect(adapter.status().lastError).toMatch(/live911 feed ws:\/\/127\.0\.0\.1:\d+\/feed: .*503/);
    await sink.until(() => feed.refusals() >= 4); // it keeps trying, with backoff
    await feed.restore();
    await sink.until(() => adapter.status().connected);
    await feed.send(callStory[0]!);
    await sink.until((s) => s.events.length === 1);
  });

  it('judges a feed that stops answering pings dead, drops it, and reconnects', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now, quietAfterMs: 400, retryDelayMs: 20, maxRetryDelayMs: 100 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    // Idle but healthy: pongs keep the connection alive through several quiet periods.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(adapter.status()).toMatchObject({ connected: true, connections: 1 });
    expect(feed.connections()).toBe(1);

    feed.answerPings = false;
    await sink.until(() => !adapter.status().connected);
    expect(adapter.status().lastError).toMatch(/nothing received for \d+ ms/);
    feed.answerPings = true;
    await sink.until(() => adapter.status().connected && feed.connections() >= 2);
    await feed.send(callStory[0]!);
    await sink.until((s) => s.events.length === 1);
  });

  it('stops for good: no reconnection attempts and no timers left behind', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now, quietAfterMs: 200, retryDelayMs: 10, maxRetryDelayMs: 20 });
    await adapter.start(createRecordingSink());
    await adapter.stop();
    await feed.interrupt();
    await feed.restore();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(feed.connections()).toBe(1);
    expect(feed.refusals()).toBe(0);
    expect(adapter.status().connected).toBe(false);
  });

  it('counts a message the sink failed to take, keeps going, and passes a replay failure to its caller', async () => {
    adapter = createCallFeedAdapter({ url: `${feed.url}?apiKey=secret`, now });
    const sink = createRecordingSink();
    let failNext = true;
    const flakySink = {
      ...sink,
      emit: async (event: Parameters<typeof sink.emit>[0]) => {
        if (failNext) {
          failNext = false;
          throw new Error('bus unavailable');
        }
        await sink.emit(event);
      },
    };
    await adapter.start(flakySink);
    await feed.send(callStory[0]!);
    await feed.send(callStory[1]!);
    await sink.until((s) => s.events.length === 1);
    expect(sink.events[0]?.eventId).toBe('f-101');
    expect(adapter.status()).toMatchObject({ accepted: 1, sinkFailures: 1, connected: true });
    failNext = true;
    await expect(adapter.replay(callStory[0]!)).rejects.toThrow('bus unavailable');
    await feed.interrupt();
    await sink.until(() => !adapter.status().connected);
    expect(adapter.status().lastError).not.toContain('secret');
  });

  it('refuses a feed URL that is not ws:// or wss://', () => {
    expect(() => createCallFeedAdapter({ url: 'http://vendor.example/feed', now })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => createCallFeedAdapter({ url: 'not a url', now })).toThrow(/not a URL/);
  });

  it('takes a PIDF-LO of any size the translator accepts without dropping the connection', async () => {
    adapter = createCallFeedAdapter({ url: feed.url, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const padding = `<!--${'x'.repeat(200_000)}-->`;
    await feed.send(feedJson({ eventId: 'f-big', location: { pidfLo: pidf(circle('33.4 -111.8', '40') + padding) } }));
    await sink.until((s) => s.events.length === 1);
    expect(adapter.status()).toMatchObject({ connected: true, connections: 1 });
  });
});

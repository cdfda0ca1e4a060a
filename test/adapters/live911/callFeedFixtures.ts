import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { circle, pidf, point } from '../eido/pidfFixtures';

export { circle, pidf, point };

/** A civic-only PIDF-LO location-info (RFC 5139), no geometry. */
export const civicOnly = pidf(
  '<ca:civicAddress><ca:country>US</ca:country><ca:A1>AZ</ca:A1><ca:A3>Mesa</ca:A3>' +
    '<ca:HNO>20</ca:HNO><ca:RD>Main</ca:RD><ca:STS>St</ca:STS></ca:civicAddress>',
);

/** A feed message with sensible defaults; `undefined` fields are left out. */
export function feedMessage(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: 'f-1',
    type: 'ringing',
    callId: 'psap-1-20261123-0042',
    at: '2026-11-23T19:20:00.000Z',
    ani: '4805550123',
    classOfService: 'WPH2',
    ...fields,
  };
}

export const feedJson = (fields: Record<string, unknown> = {}): string => JSON.stringify(feedMessage(fields));

/** Two calls as a feed would tell them, one second apart. */
export const callStory: readonly string[] = [
  feedJson({ eventId: 'f-100', type: 'ringing', at: '2026-11-23T19:20:00.000Z', location: { pidfLo: pidf(circle('33.4152 -111.8315', '850')) } }),
  feedJson({ eventId: 'f-101', type: 'answered', at: '2026-11-23T19:20:01.000Z' }),
  feedJson({ eventId: 'f-102', type: 'location', at: '2026-11-23T19:20:02.000Z', location: { pidfLo: pidf(circle('33.41523 -111.83151', '12')) } }),
  feedJson({ eventId: 'f-103', type: 'ringing', callId: 'psap-1-20261123-0043', at: '2026-11-23T19:20:03.000Z', ani: '4805550199', classOfService: 'VOIP' }),
  feedJson({ eventId: 'f-104', type: 'held', at: '2026-11-23T19:20:04.000Z' }),
  feedJson({ eventId: 'f-105', type: 'location', callId: 'psap-1-20261123-0043', at: '2026-11-23T19:20:05.000Z', location: { lat: 33.42, lon: -111.82, uncertaintyMeters: 30, address: '20 Main St, Mesa, AZ' } }),
  feedJson({ eventId: 'f-106', type: 'abandoned', callId: 'psap-1-20261123-0043', at: '2026-11-23T19:20:06.000Z' }),
  feedJson({ eventId: 'f-107', type: 'ended', at: '2026-11-23T19:20:07.000Z' }),
];

/** A stand-in for the vendor: a real WebSocket server on port 0 that pushes feed messages. */
export interface FakeCallFeed {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Connection requests refused while interrupted. */
  refusals(): number;
  /** Headers of every connection request, in order. */
  readonly requestHeaders: IncomingHttpHeaders[];
  /** Whether it answers the client's pings (it never answers on its own: `autoPong` is off). */
  answerPings: boolean;
  /**
   * Pushes `raw` to every connected client, first waiting for one to connect for as long as
   * `expectClient` holds (default: always, up to 10 s).
   */
  send(raw: string, expectClient?: () => boolean): Promise<void>;
  /** Drops every connection and refuses new ones (HTTP 503) until {@link restore}. */
  interrupt(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeCallFeed(): Promise<FakeCallFeed> {
  let accepting = true;
  let closed = false;
  let accepted = 0;
  let refused = 0;
  const requestHeaders: IncomingHttpHeaders[] = [];
  const clients = new Set<WebSocket>();
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    autoPong: false,
    verifyClient: (info, decide) => {
      requestHeaders.push(info.req.headers);
      if (!accepting) refused += 1;
      decide(accepting, 503, 'feed interrupted');
    },
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  const feed: FakeCallFeed = {
    url: `ws://127.0.0.1:${port}/feed`,
    connections: () => accepted,
    refusals: () => refused,
    requestHeaders,
    answerPings: true,
    async send(raw, expectClient = () => true) {
      const deadline = Date.now() + 10_000;
      const open = () => [...clients].filter((client) => client.readyState === client.OPEN);
      while (open().length === 0) {
        if (closed || !expectClient() || Date.now() > deadline) throw new Error('no client connected to the fake call feed');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(
        open().map((client) => new Promise<void>((resolve, reject) => client.send(raw, (error) => (error ? reject(error) : resolve())))),
      );
    },
    async interrupt() {
      accepting = false;
      for (const client of clients) client.terminate();
    },
    async restore() {
      accepting = true;
    },
    async close() {
      closed = true;
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  server.on('connection', (client) => {
    accepted += 1;
    clients.add(client);
    client.on('ping', (data) => {
      if (feed.answerPings) client.pong(data);
    });
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
  });
  return feed;
}

import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { readHubConfig } from '../../config/hubConfig';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import type { Hub } from '../../hub/createHub';
import { CITY_FREE_PORTS, TEST_PURPOSE } from './consoleHub';
import type { GraphQLBody } from './startTestHub';

/** A clock a test moves: the real time plus an offset the test sets (small, so that tokens stay valid). */
export interface TestClock {
  readonly now: () => Date;
  /** Moves the clock `ms` further (negative: back). */
  advance(ms: number): void;
  /** The offset from the real time, ms. */
  readonly offsetMs: number;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms) {
      offsetMs += ms;
    },
    get offsetMs() {
      return offsetMs;
    },
  };
}

/**
 * The hub as `npm start` runs it (a small simulated city), on free ports, with its database and
 * issuer key in memory, rate limits off, and the test's clock.
 */
export async function startCommunityHub(clock: TestClock, env: Readonly<Record<string, string>> = {}): Promise<ConfiguredHub> {
  const config = readHubConfig({
    ...CITY_FREE_PORTS,
    AUTH_DEV_KEY_FILE: 'memory',
    PGLITE_DATA_DIR: 'memory',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  return createConfiguredHub({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), now: clock.now });
}

/** CRC-32 (ISO 3309) of PNG chunks. */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG of `width` × `height` pixels of one colour, encoded here. */
function solidPng(width: number, height: number, [red, green, blue]: readonly [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [red, green, blue]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** A 32 × 24 green PNG: the owner's camera's still. */
export const STILL_PNG = solidPng(32, 24, [51, 160, 44]);

/** The owner's camera: `/still.png` (a PNG) and `/stream.mjpg` (the PNG again and again as multipart/x-mixed-replace) on 127.0.0.1. */
export interface OwnerCameraServer {
  readonly origin: string;
  /** Requests it served, by path: the hub's relay fetches it. */
  readonly served: string[];
  close(): Promise<void>;
}

export async function startOwnerCamera(): Promise<OwnerCameraServer> {
  const served: string[] = [];
  const streams = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    served.push(request.url ?? '');
    if (request.url?.startsWith('/still.png')) {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': STILL_PNG.length });
      response.end(STILL_PNG);
      return;
    }
    if (request.url?.startsWith('/stream.mjpg')) {
      response.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame', 'cache-control': 'no-cache' });
      const frame = () => response.write(Buffer.concat([Buffer.from(`--frame\r\ncontent-type: image/png\r\ncontent-length: ${STILL_PNG.length}\r\n\r\n`), STILL_PNG, Buffer.from('\r\n')]));
      frame();
      const timer = setInterval(frame, 200);
      streams.add(timer);
      const stop = () => {
        clearInterval(timer);
        streams.delete(timer);
      };
      response.on('close', stop);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of streams) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Posts a GraphQL document to the hub as a caller with `roles` (and the tests' purpose). */
export async function queryAs<T>(
  hub: Pick<Hub, 'gatewayUrl' | 'issueToken'>,
  roles: readonly string[],
  query: string,
  variables: Record<string, unknown> = {},
  subject = `test-${roles.join('-')}`,
): Promise<GraphQLBody<T>> {
  if (!hub.issueToken) throw new Error('the hub is not its own issuer');
  const token = await hub.issueToken({ subject, roles: [...roles] });
  const response = await fetch(hub.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

/** What the owner pages expose for tests (console/app/connect/main.ts ConnectProbe, restated without the DOM). */
export interface ConnectProbe {
  readonly ready: boolean;
  readonly ownerId: string | null;
  readonly loads: number;
  refresh(): Promise<void>;
}
declare const window: { __connect?: ConnectProbe };

/** Opens `/connect/` and signs up as a new camera owner through the page's development sign-in; resolves once the page is ready. */
export async function signUpOwner(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/connect/`);
  await page.click('#connect-sign-in-submit');
  await page.waitForFunction(() => window.__connect?.ready === true, undefined, { timeout: 30_000 });
}

/** Reloads the owner's data on the page and waits until it has been drawn. */
export async function refreshOwnerPage(page: Page): Promise<void> {
  await page.evaluate(() => window.__connect!.refresh());
}

/** A `datetime-local` value in the page's own time zone for an instant. */
export const localDateTimeIn = (page: Page, iso: string): Promise<string> =>
  page.evaluate((instant) => {
    const date = new Date(instant);
    const pad = (value: number) => String(value).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }, iso);

/** Every row of every table of every subgraph's schema that holds one of `needles` (as text, case-insensitive): where personal data remains. */
export async function findInEveryTable(hub: Hub, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const lowered = needles.map((needle) => needle.toLowerCase());
  const seen = new Set<string>();
  for (const subgraph of Object.values(hub.subgraphs)) {
    const { knex, schema } = subgraph.db;
    if (seen.has(schema)) continue;
    seen.add(schema);
    const tables = (await knex('information_schema.tables').where({ table_schema: schema, table_type: 'BASE TABLE' }).select('table_name')) as { table_name: string }[];
    for (const { table_name: table } of tables) {
      const rows = (await knex.withSchema(schema).table(table).select('*')) as Record<string, unknown>[];
      for (const row of rows) {
        const text = JSON.stringify(row, (_key, value: unknown) => {
          if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
          // A Buffer reaches the replacer as its toJSON: { type: 'Buffer', data: [...] }.
          const buffer = value as { type?: unknown; data?: unknown } | null;
          if (buffer && typeof buffer === 'object' && buffer.type === 'Buffer' && Array.isArray(buffer.data)) return Buffer.from(buffer.data as number[]).toString('latin1');
          return value;
        }).toLowerCase();
        for (const [index, needle] of lowered.entries()) if (text.includes(needle)) found.push(`${schema}.${table} holds ${needles[index]}`);
      }
    }
  }
  return found;
}

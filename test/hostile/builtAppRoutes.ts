import { expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type RawAnswer, expectRefusedWithReason, openStalledDownloads, rawRequest, sendRaw } from './rawHttp';

/**
 * What the hostile suites of the hub's built web apps (the operator console, the GraphQL
 * explorer) share: a hub serving the build, the asset paths an attacker tries on any of them,
 * and the checks that nothing else leaves the hub and that stalled downloads share one copy.
 */

/** A running hub serving a built app, and a raw `GET` (Connection: close) over a socket of its own. */
export interface BuiltAppHub {
  readonly hub: TestHub;
  readonly origin: string;
  get(path: string, headers?: readonly string[]): Promise<RawAnswer>;
}

/**
 * Builds the app and starts a hub before the suite's tests, and closes it after them. The
 * handle's `hub` and `origin` are there from the first test on.
 */
export function useBuiltAppHub(build: () => Promise<unknown>): BuiltAppHub {
  let hub: TestHub | undefined;
  let origin = '';
  beforeAll(async () => {
    await build();
    hub = await startTestHub(STORAGE_TARGETS[0]!);
    origin = new URL(hub.gatewayUrl).origin;
  }, 180_000);
  afterAll(() => hub?.close());
  return {
    get hub() {
      if (!hub) throw new Error('the hub is started in beforeAll; use it inside a test');
      return hub;
    },
    get origin() {
      return origin;
    },
    get: (path, headers = []) => sendRaw(origin, rawRequest(`GET ${path} HTTP/1.1`, ['Connection: close', ...headers])),
  };
}

/**
 * Paths under an app's `root` (e.g. `/graphiql`) that must not serve a file, made from one of its
 * real asset names: traversal in plain, encoded, double-encoded, backslash and overlong UTF-8
 * spellings; NUL, newline and bidi override around the name; another case; a trailing slash;
 * invalid percent-encoding; a 200-character name and a path 2,000 folders deep.
 */
export function hostileAssetPaths(root: string, asset: string): string[] {
  const dot = asset.indexOf('.');
  const [stem, extension] = [asset.slice(0, dot), asset.slice(dot)];
  const assets = `${root}/assets`;
  return [
    `${assets}/../../package.json`,
    `${assets}/..%2F..%2Fpackage.json`,
    `${assets}/%2e%2e%2f%2e%2e%2fpackage.json`,
    `${assets}/..%5C..%5Cpackage.json`,
    `${assets}/%C0%AE%C0%AE%2Fpackage.json`,
    `${assets}/%252e%252e%252fpackage.json`,
    `${assets}/${asset}%00`,
    `${assets}/${asset}%00.map`,
    `${assets}/%00${extension}`,
    `${assets}/${asset}%0a`,
    `${assets}/${stem}%0a${extension}`,
    `${assets}/${stem}%E2%80%AE${extension}`,
    `${assets}/${asset.toUpperCase()}`,
    `${assets}/${asset}/`,
    `${assets}/%ff${extension}`,
    `${assets}/${'a'.repeat(200)}${extension}`,
    `${root}/${'deep/'.repeat(2000)}${asset}`,
    `${assets}/`,
  ];
}

/** Each path is refused with a reason, no answer carries any of `foreignMarkers`, and the hub is healthy after. */
export async function expectRefusedWithoutLeaking(app: BuiltAppHub, paths: readonly string[], foreignMarkers: readonly string[]): Promise<void> {
  for (const path of paths) {
    const answer = await app.get(path);
    expectRefusedWithReason(path, answer);
    const text = answer.body.toString('latin1');
    expect({ path, leaked: foreignMarkers.filter((marker) => text.includes(marker)) }).toEqual({ path, leaked: [] });
  }
  await expectHubHealthy(app.hub);
}

/**
 * Sends `request` (a download of an asset `size` bytes on disk) once, then from 150 sockets that
 * stall after their first bytes: the hub's memory grows by the sockets' first chunks and at most
 * a few copies of the asset, not a copy per download, and every download then ends whole.
 *
 * @returns the first, whole answer
 */
export async function expectStalledDownloadsShareOneCopy(origin: string, request: Buffer, size: number): Promise<RawAnswer> {
  // One download first, so that what stays in memory afterwards is the cached copy, not the flood's.
  const first = await sendRaw(origin, request);
  expect(first.status).toBe(200);
  const downloads = 150;
  const before = process.memoryUsage().arrayBuffers;
  const stalled = await openStalledDownloads(origin, request, downloads);
  const grown = process.memoryUsage().arrayBuffers - before;
  // Read per request, each download would hold its own copy (150 × the asset).
  expect(grown).toBeLessThan(3 * size + downloads * 256 * 1024);
  const received = await stalled.drain();
  expect(received.filter((bytes) => bytes < first.body.length)).toEqual([]);
  return first;
}

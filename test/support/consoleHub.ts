import { createServer } from 'node:net';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { readHubConfig } from '../../config/hubConfig';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import type { Hub } from '../../hub/createHub';
import { CITY_FREE_PORTS, DEFAULT_TEST_CALLER, type GraphQLBody } from './startTestHub';

export { CITY_FREE_PORTS } from './startTestHub';

/** The case number the console tests state as their purpose. */
export const TEST_PURPOSE = DEFAULT_TEST_CALLER.purpose;

/** The console's map layers, as its probe names them. */
export type ConsoleLayer = 'calls' | 'incidents' | 'units' | 'cameras';

/** What the page exposes for tests (console/app/main.ts ConsoleProbe; the page's types need the DOM, so they are restated here). */
export interface ConsoleProbe {
  readonly ready: boolean;
  readonly connection: string;
  readonly stateQueries: number;
  layerCounts(): Record<ConsoleLayer, number>;
  ids(kind: ConsoleLayer): string[];
}
declare const window: { __console?: ConsoleProbe };

/**
 * Starts the hub as `npm start` runs it, simulated city included, on free ports; its database
 * and development issuer key live in memory, and rate limits are off, unless `env` says
 * otherwise. The console is served from its last build (buildConsole).
 */
export async function startConsoleHub(env: Readonly<Record<string, string>> = {}): Promise<ConfiguredHub> {
  const config = readHubConfig({
    ...CITY_FREE_PORTS,
    AUTH_DEV_KEY_FILE: 'memory',
    PGLITE_DATA_DIR: 'memory',
    // Tests send many operations as one caller; rate limits have their own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  return createConfiguredHub({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
}

/**
 * A port that was free a moment ago on `host` (the kernel's pick for port 0, released again), for
 * a server that must come back on the same port after a restart. Another process may take it
 * in between; on one test machine that is unlikely enough.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Posts a GraphQL operation to the hub's gateway as a supervisor with the tests' purpose: what the API answers, to compare a page with. */
export async function queryAsSupervisor<T>(hub: Pick<Hub, 'gatewayUrl' | 'issueToken'>, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLBody<T>> {
  if (!hub.issueToken) throw new Error('the hub is not its own issuer: no supervisor token for the test');
  const token = await hub.issueToken({ subject: DEFAULT_TEST_CALLER.subject, roles: [...DEFAULT_TEST_CALLER.roles] });
  const response = await fetch(hub.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

export interface ConsoleSignIn {
  /** The hub's origin, e.g. `http://127.0.0.1:4000`. */
  readonly origin: string;
  readonly role: string;
  /** The case number to state; null for a role that is not asked (a partner). */
  readonly purpose: string | null;
  /**
   * Fields added to the body the sign-in dialog posts to `/auth/dev/token` (the dialog picks only
   * a role), e.g. an officer's `geofence`: the token still comes from the hub's own endpoint.
   */
  readonly tokenRequest?: Readonly<Record<string, unknown>>;
}

/** Opens the console on `page` and signs in through its own dialogs (role, then purpose); resolves once its first state is drawn and its feed started. */
export async function signInToConsole(page: Page, options: ConsoleSignIn): Promise<Page> {
  const { origin, role, purpose, tokenRequest } = options;
  if (tokenRequest) {
    await page.route('**/auth/dev/token', (route) => {
      const asked = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      return route.continue({ postData: JSON.stringify({ ...asked, ...tokenRequest }) });
    });
  }
  await page.goto(`${origin}/`);
  await page.selectOption('#sign-in-role', role);
  await page.click('#sign-in-submit');
  if (purpose) {
    await page.fill('#purpose-number', purpose);
    await page.click('#purpose-submit');
  }
  await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });
  return page;
}

/** Features drawn per layer, as the console last handed them to the map. */
export const layerCounts = (page: Page): Promise<Record<ConsoleLayer, number>> => page.evaluate(() => window.__console!.layerCounts());

/** The ids the console holds on one layer. */
export const layerIds = (page: Page, kind: ConsoleLayer): Promise<string[]> => page.evaluate((which) => window.__console!.ids(which), kind);

/** What the console reads from the probe: its connection state and how often it loaded the current state. */
export const consoleStatus = (page: Page): Promise<{ connection: string; stateQueries: number }> =>
  page.evaluate(() => ({ connection: window.__console!.connection, stateQueries: window.__console!.stateQueries }));

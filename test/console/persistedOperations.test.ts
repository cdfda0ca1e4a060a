import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type BrowserContext, chromium } from 'playwright-core';
import { buildConsole } from '../../console/buildConsole';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { readHubConfig } from '../../config/hubConfig';
import { destinationPoint } from '../../geo/geodesy';
import { CONSOLE_OPERATIONS } from '../../console/app/api/consoleOperations';
import { eventually } from '../support/subscribeThroughGateway';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/console skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
const describeWithChromium = hasChromium ? describe : describe.skip;

declare const window: { __console?: { ready: boolean; layerCounts(): Record<string, number>; ids(kind: string): string[] } };

/**
 * The console's documents as a production allow-list: a hub started with the console's own
 * manifest as PERSISTED_OPERATIONS_FILE refuses every other document, and the console still
 * loads, goes live and docks cameras.
 */
describeWithChromium('the console against a hub that runs only its persisted operations', () => {
  let running: ConfiguredHub;
  let context: BrowserContext;
  let userDataDir: string;
  let buildDir: string;

  beforeAll(async () => {
    buildDir = mkdtempSync(join(tmpdir(), 'rtcc-console-manifest-'));
    // The page itself is served from the default build folder; the manifest is the same documents.
    await buildConsole();
    const { manifestFile } = await buildConsole(buildDir);
    running = await createConfiguredHub({
      config: readHubConfig({
        ...Object.fromEntries(['PORT', 'CALLS_PORT', 'CAD_PORT', 'AVL_PORT', 'CAMERAS_PORT', 'INGEST_PORT', 'AUDIT_PORT', 'AVL_UDP_PORT', 'EIDO_HTTP_PORT'].map((name) => [name, '0'])),
        PERSISTED_OPERATIONS_FILE: manifestFile,
        SIM_SEED: '2',
        SIM_UNITS: '6',
        SIM_CAMERAS: '60',
        SIM_ONVIF_CAMERAS: '1',
        AUTH_DEV_KEY_FILE: 'memory',
        PGLITE_DATA_DIR: 'memory',
        RATE_LIMIT_PER_MINUTE: '0',
      }),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    userDataDir = mkdtempSync(join(tmpdir(), 'rtcc-console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await running?.close();
    for (const dir of [userDataDir, buildDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a document outside the list, and the console works on its own documents', async () => {
    const token = await running.hub.issueToken!({ subject: 'test-operator', roles: ['operator'] });
    const foreign = await fetch(running.hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ incidents(first: 1) { edges { node { id } } } }' }),
    });
    const refused = (await foreign.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(refused.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');

    // The city is ready once the console's own first query (allowed) sees units and cameras.
    const state = async () => {
      const response = await fetch(running.hub.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'TEST-0001' },
        body: JSON.stringify({ operationName: 'ConsoleState', query: CONSOLE_OPERATIONS.ConsoleState }),
      });
      return (await response.json()) as { data?: { units: { edges: unknown[] }; cameras: { edges: unknown[] } } | null; errors?: unknown[] };
    };
    await eventually(async () => {
      const answer = await state();
      return (answer.data?.units.edges.length ?? 0) > 0 && (answer.data?.cameras.edges.length ?? 0) === 60;
    }, 60_000, 'units and every camera, through the allow-list');

    const page = await context.newPage();
    const refusals: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/graphql') && response.status() >= 400) refusals.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(new URL('/', running.hub.gatewayUrl).href);
    await page.selectOption('#sign-in-role', 'operator');
    await page.click('#sign-in-submit');
    await page.fill('#purpose-number', 'TEST-0001');
    await page.click('#purpose-submit');
    await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });
    const counts = await page.evaluate(() => window.__console!.layerCounts());
    expect(counts.cameras).toBeGreaterThan(0);
    expect(counts.units).toBeGreaterThan(0);

    // Live through the allow-list: a call emitted now reaches the page over graphql-ws, and its panel docks cameras.
    const device = running.city!.onvif!.devices()[0]!;
    const callId = `persisted-${Date.now()}`;
    await running.hub.sink.emit({
      type: 'call.received',
      eventId: `${callId}-received`,
      source: 'console-test',
      occurredAt: new Date().toISOString(),
      callId,
      state: 'RINGING',
      location: { point: destinationPoint(device.config.location, 180, 20), uncertaintyMeters: 15, address: null },
      classOfService: 'WPH2',
      callbackNumber: '4805550142',
    });
    await page.waitForSelector(`[data-call-id="${callId}"]`, { timeout: 15_000 });
    await page.click(`[data-call-id="${callId}"]`);
    await page.waitForSelector(`#panel[data-id="${callId}"] .docked-cameras`, { timeout: 15_000 });
    expect(await page.textContent('#panel')).not.toContain('withheld or unavailable');
    expect(await page.$$eval('#panel .camera-tile', (tiles) => tiles.length)).toBeGreaterThan(0);
    expect(refusals).toEqual([]);
  }, 120_000);
});

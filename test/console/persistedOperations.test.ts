import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole } from '../../console/buildConsole';
import type { HeadlessChromium } from '../../console/launchHeadlessChromium';
import type { ConfiguredHub } from '../../hub/createConfiguredHub';
import { destinationPoint } from '../../geo/geodesy';
import { CONSOLE_OPERATIONS } from '../../console/app/api/consoleOperations';
import { describeWithChromium, startChromium } from '../support/browser';
import { ringingCall } from '../support/cityFixture';
import { TEST_PURPOSE, layerCounts, signInToConsole, startConsoleHub } from '../support/consoleHub';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * The console's documents as a production allow-list: a hub started with the console's own
 * manifest as PERSISTED_OPERATIONS_FILE refuses every other document, and the console still
 * loads, goes live and docks cameras.
 */
describeWithChromium('the console against a hub that runs only its persisted operations', () => {
  let running: ConfiguredHub;
  let chromium: HeadlessChromium;
  let buildDir: string;

  beforeAll(async () => {
    buildDir = mkdtempSync(join(tmpdir(), 'rtcc-console-manifest-'));
    // The page itself is served from the default build folder; the manifest is the same documents.
    await buildConsole();
    const { manifestFile } = await buildConsole(buildDir);
    running = await startConsoleHub({
      PERSISTED_OPERATIONS_FILE: manifestFile,
      SIM_SEED: '2',
      SIM_UNITS: '6',
      SIM_CAMERAS: '60',
      SIM_ONVIF_CAMERAS: '1',
      // The simulated owners enrol through documents of their own, which the console's allow-list does not hold.
      SIM_COMMUNITY: 'false',
    });
    chromium = await startChromium();
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await running?.close();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
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
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': TEST_PURPOSE },
        body: JSON.stringify({ operationName: 'ConsoleState', query: CONSOLE_OPERATIONS.ConsoleState }),
      });
      return (await response.json()) as { data?: { units: { edges: unknown[] }; cameras: { edges: unknown[] } } | null; errors?: unknown[] };
    };
    // Every city camera: its CSV file's and its ONVIF device's.
    const cameras = readFileSync(running.city!.cameraCsvFiles[0]!, 'utf8').trim().split('\n').length - 1 + 1;
    await eventually(async () => {
      const answer = await state();
      return (answer.data?.units.edges.length ?? 0) > 0 && (answer.data?.cameras.edges.length ?? 0) === cameras;
    }, 60_000, 'units and every camera, through the allow-list');

    const page = await chromium.context.newPage();
    const refusals: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/graphql') && response.status() >= 400) refusals.push(`${response.status()} ${response.url()}`);
    });
    await signInToConsole(page, { origin: new URL(running.hub.gatewayUrl).origin, role: 'operator', purpose: TEST_PURPOSE });
    const counts = await layerCounts(page);
    expect(counts.cameras).toBeGreaterThan(0);
    expect(counts.units).toBeGreaterThan(0);

    // Live through the allow-list: a call emitted now reaches the page over graphql-ws, and its panel docks cameras.
    const device = running.city!.onvif!.devices()[0]!;
    const callId = `persisted-${Date.now()}`;
    await running.hub.sink.emit(ringingCall(callId, { point: destinationPoint(device.config.location, 180, 20), callbackNumber: '4805550142' }));
    await page.waitForSelector(`[data-call-id="${callId}"]`, { timeout: 15_000 });
    await page.click(`[data-call-id="${callId}"]`);
    await page.waitForSelector(`#panel[data-id="${callId}"] .docked-cameras`, { timeout: 15_000 });
    expect(await page.textContent('#panel')).not.toContain('withheld or unavailable');
    expect(await page.$$eval('#panel .camera-tile', (tiles) => tiles.length)).toBeGreaterThan(0);
    expect(refusals).toEqual([]);
  }, 120_000);
});

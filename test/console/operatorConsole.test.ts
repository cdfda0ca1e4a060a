import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { buildConsole } from '../../console/buildConsole';
import { destinationPoint } from '../../geo/geodesy';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { readHubConfig } from '../../config/hubConfig';
import type { SimulatedOnvifDevices } from '../../simulator/devices';
import type { GraphQLBody } from '../support/startTestHub';
import { eventually } from '../support/subscribeThroughGateway';
import { type TcpProxy, startTcpProxy } from './startTcpProxy';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '..', '.rtcc', 'screenshots');
const PURPOSE = 'TEST-0001';
const CAMERAS = 150;
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/console skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
const describeWithChromium = hasChromium ? describe : describe.skip;

/** What the page exposes for tests (console/app/main.ts ConsoleProbe). */
interface Probe {
  ready: boolean;
  connection: string;
  stateQueries: number;
  layerCounts(): Record<'calls' | 'incidents' | 'units' | 'cameras', number>;
  ids(kind: 'calls' | 'incidents' | 'units' | 'cameras'): string[];
}
declare const window: { __console?: Probe };

/**
 * The operator console in Debian's headless Chromium against a whole hub as `npm start` runs
 * it (simulated city in protocol mode, ONVIF PTZ cameras among the rest), reached through a TCP
 * relay that the test cuts to look like a gateway restart.
 */
describeWithChromium('the operator console in a browser', () => {
  let running: ConfiguredHub;
  let onvif: SimulatedOnvifDevices;
  let proxy: TcpProxy;
  let context: BrowserContext;
  let userDataDir: string;
  let operator: Page;
  let origin: string;

  beforeAll(async () => {
    await buildConsole();
    const config = readHubConfig({
      ...Object.fromEntries(['PORT', 'CALLS_PORT', 'CAD_PORT', 'AVL_PORT', 'CAMERAS_PORT', 'INGEST_PORT', 'AUDIT_PORT', 'AVL_UDP_PORT', 'EIDO_HTTP_PORT'].map((name) => [name, '0'])),
      SIM_MODE: 'protocols',
      SIM_SEED: '1',
      SIM_UNITS: '12',
      SIM_CAMERAS: String(CAMERAS),
      SIM_ONVIF_CAMERAS: '3',
      // A new call every few seconds, so that one arrives well inside the 30 s the issue allows.
      SIM_CALLS_PER_MINUTE: '12',
      ONVIF_POLL_INTERVAL_MS: '500',
      AUTH_DEV_KEY_FILE: 'memory',
      PGLITE_DATA_DIR: 'memory',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    running = await createConfiguredHub({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    onvif = running.city!.onvif!;
    proxy = await startTcpProxy(Number(new URL(running.hub.gatewayUrl).port));
    origin = `http://127.0.0.1:${proxy.port}`;
    userDataDir = mkdtempSync(join(tmpdir(), 'rtcc-console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await proxy?.close();
    await running?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const api = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLBody<T>> => {
    const token = await running.hub.issueToken!({ subject: 'test-supervisor', roles: ['supervisor'] });
    const response = await fetch(running.hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLBody<T>;
  };
  /** Every camera the API lists, page by page. */
  const cameraIds = async () => {
    const found: string[] = [];
    let after: string | null = null;
    do {
      const page: GraphQLBody<{ cameras: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await api(
        'query ($after: String) { cameras(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      found.push(...(page.data?.cameras.edges ?? []).map(({ node }) => node.id));
      after = page.data?.cameras.pageInfo.hasNextPage ? page.data.cameras.pageInfo.endCursor : null;
    } while (after);
    return found;
  };
  const counts = (page: Page) => page.evaluate(() => window.__console!.layerCounts());
  const ids = (page: Page, kind: 'calls' | 'incidents' | 'units' | 'cameras') => page.evaluate((which) => window.__console!.ids(which), kind);

  /** Opens the console and signs in through its own dialogs (POST /auth/dev/token, then the purpose). */
  const signIn = async (role: string, purpose: string | null) => {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.selectOption('#sign-in-role', role);
    await page.click('#sign-in-submit');
    if (purpose) {
      await page.fill('#purpose-number', purpose);
      await page.click('#purpose-submit');
    }
    await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });
    return page;
  };

  it('signs an operator in and draws calls, units and cameras from the first query', async () => {
    // Wait for the city to have at least one active call, and every camera imported.
    await eventually(async () => {
      const state = await api<{ calls: { edges: unknown[] } }>('{ calls(filter: { state: [RINGING, ACTIVE, ON_HOLD] }, first: 5) { edges { node { id } } } }');
      return (state.data?.calls.edges.length ?? 0) > 0 && (await cameraIds()).length === CAMERAS;
    }, 60_000, 'an active call and the camera directory');
    operator = await signIn('operator', PURPOSE);
    const drawn = await counts(operator);
    expect(drawn.calls).toBeGreaterThan(0);
    expect(drawn.units).toBeGreaterThan(0);
    expect((await ids(operator, 'cameras')).sort()).toEqual((await cameraIds()).sort());
    expect(drawn.cameras).toBe(CAMERAS);
    // What the map's sources hold, as MapLibre has them.
    const onMap = await operator.evaluate(() => {
      const map = document.querySelector('#map canvas');
      return map !== null;
    });
    expect(onMap).toBe(true);
    await operator.waitForTimeout(1500);
    await operator.screenshot({ path: join(SCREENSHOTS, 'console-operator.png') });
  }, 120_000);

  it('shows a new simulated 911 call with no reload', async () => {
    const before = new Set(await ids(operator, 'calls'));
    const queries = await operator.evaluate(() => window.__console!.stateQueries);
    await operator.waitForFunction((known) => window.__console!.ids('calls').some((id) => !known.includes(id)), [...before], { timeout: 30_000 });
    expect(await operator.evaluate(() => window.__console!.stateQueries)).toBe(queries);
  }, 40_000);

  it('docks the cameras nearbyCameras(orderBy: VIEW_FIRST) names for a selected call, lists its nearby units, and points a PTZ camera', async () => {
    // A call 15 m from an ONVIF camera, so that this PTZ camera is among the docked ones.
    const device = onvif.devices()[0]!;
    const at = destinationPoint(device.config.location, 90, 15);
    const callId = `console-test-${Date.now()}`;
    await running.hub.sink.emit({
      type: 'call.received',
      eventId: `${callId}-received`,
      source: 'console-test',
      occurredAt: new Date().toISOString(),
      callId,
      state: 'RINGING',
      location: { point: at, uncertaintyMeters: 25, address: null },
      classOfService: 'WPH2',
      callbackNumber: '4805550199',
      callerName: 'Pat Testcaller',
    });
    await operator.waitForSelector(`[data-call-id="${callId}"]`, { timeout: 15_000 });
    await operator.click(`[data-call-id="${callId}"]`);
    await operator.waitForSelector(`#panel[data-id="${callId}"] .camera-tile`, { timeout: 15_000 });
    const expected = await api<{ call: { nearbyCameras: { camera: { id: string } }[]; nearbyUnits: { unit: { id: string } }[] } }>(
      'query ($id: ID!) { call(id: $id) { nearbyCameras(limit: 4, radiusMeters: 300, orderBy: VIEW_FIRST) { camera { id } } nearbyUnits(limit: 5) { unit { id } } } }',
      { id: callId },
    );
    expect(expected.errors).toBeUndefined();
    const docked = await operator.$$eval('#panel .camera-tile', (tiles) => tiles.map((tile) => (tile as HTMLElement).dataset.cameraId));
    expect(docked).toEqual(expected.data!.call.nearbyCameras.map(({ camera }) => camera.id));
    expect(docked).toContain(device.config.cameraId);
    const units = await operator.$$eval('#panel .nearby-units [data-unit-id]', (items) => items.map((item) => (item as HTMLElement).dataset.unitId));
    expect(units).toEqual(expected.data!.call.nearbyUnits.map(({ unit }) => unit.id));
    // The operator sees the caller (stated purpose): the partner test below looks for these.
    await operator.waitForSelector('#panel >> text=Pat Testcaller');

    await operator.click(`.camera-tile[data-camera-id="${device.config.cameraId}"] .point-camera`);
    await operator.waitForSelector(`.camera-tile[data-camera-id="${device.config.cameraId}"] .point-status >> text=Pointed`, { timeout: 15_000 });
    const moved = onvif.devices().find((candidate) => candidate.cameraId === device.cameraId)!;
    expect(moved.commands.map((command) => command.operation)).toContain('AbsoluteMove');

    // A selected incident docks what the API docks for it too.
    const incidentId = await operator.$eval('[data-incident-id]', (button) => (button as HTMLElement).dataset.incidentId!);
    await operator.click(`[data-incident-id="${incidentId}"]`);
    await operator.waitForSelector(`#panel[data-id="${incidentId}"] .docked-cameras`, { state: 'attached', timeout: 15_000 });
    const forIncident = await api<{ incident: { nearbyCameras: { camera: { id: string } }[] } }>(
      'query ($id: ID!) { incident(id: $id) { nearbyCameras(limit: 4, radiusMeters: 300, orderBy: VIEW_FIRST) { camera { id } } } }',
      { id: incidentId },
    );
    const dockedForIncident = await operator.$$eval('#panel .camera-tile', (tiles) => tiles.map((tile) => (tile as HTMLElement).dataset.cameraId));
    expect(dockedForIncident).toEqual(forIncident.data!.incident.nearbyCameras.map(({ camera }) => camera.id));

    // Back to the call for the picture in the README.
    await operator.click(`[data-call-id="${callId}"]`);
    await operator.waitForSelector(`#panel[data-id="${callId}"] .camera-tile`, { timeout: 15_000 });
    await operator.$eval('#panel', (panel) => panel.scrollIntoView());
    await operator.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.camera-tile img')].every((image) => image.complete), undefined, { timeout: 10_000 });
    await operator.screenshot({ path: join(SCREENSHOTS, 'console-call-panel.png') });
  }, 60_000);

  it('shows a city partner no camera layer and no caller identity', async () => {
    const partner = await signIn('partner', null);
    const drawn = await counts(partner);
    expect(drawn.cameras).toBe(0);
    expect(drawn.calls).toBe(0);
    expect(await partner.evaluate(() => document.querySelector('input[name="layer-cameras"]') !== null)).toBe(false);
    // Every caller the API knows of (as a supervisor): none of their names or numbers in the page.
    const callers = await api<{ calls: { edges: { node: { callbackNumber: string | null; callerName: string | null } }[] } }>(
      '{ calls(first: 100) { edges { node { callbackNumber callerName } } } }',
    );
    const identities = (callers.data?.calls.edges ?? []).flatMap(({ node }) => [node.callbackNumber, node.callerName]).filter((value): value is string => !!value);
    expect(identities).toContain('Pat Testcaller');
    // Incidents get opened too: their panel must not leak a caller either.
    const firstIncident = await partner.$('[data-incident-id]');
    if (firstIncident) {
      await firstIncident.click();
      await partner.waitForSelector('#panel dl');
    }
    const page = await partner.content();
    for (const identity of identities) expect(page).not.toContain(identity);
    await partner.screenshot({ path: join(SCREENSHOTS, 'console-partner.png') });
    await partner.close();
  }, 90_000);

  it('says it is offline while the gateway is gone, and recovers by itself', async () => {
    const queriesBefore = await operator.evaluate(() => window.__console!.stateQueries);
    await proxy.cut();
    await operator.waitForFunction(() => window.__console!.connection !== 'online', undefined, { timeout: 30_000 });
    expect(await operator.isVisible('#offline-banner')).toBe(true);
    await proxy.restore();
    await operator.waitForFunction(() => window.__console!.connection === 'online', undefined, { timeout: 30_000 });
    expect(await operator.isVisible('#offline-banner')).toBe(false);
    // Back, it reloads the current state once (events may have been missed) ...
    await operator.waitForFunction((before) => window.__console!.stateQueries > before, queriesBefore, { timeout: 15_000 });
    // ... and is live again: a call emitted after that reaches the map over the new connection. The
    // re-sent subscriptions take a moment to reach the subgraphs, so a call goes out every few seconds until one arrives.
    const device = onvif.devices()[1]!;
    const emitted: string[] = [];
    await eventually(async () => {
      const callId = `console-after-restart-${emitted.length}`;
      emitted.push(callId);
      await running.hub.sink.emit({
        type: 'call.received',
        eventId: `${callId}-received`,
        source: 'console-test',
        occurredAt: new Date().toISOString(),
        callId,
        state: 'RINGING',
        location: { point: destinationPoint(device.config.location, 0, 30 + emitted.length), uncertaintyMeters: 10, address: null },
        classOfService: 'VOIP',
        callbackNumber: '4805550123',
      });
      return operator
        .waitForFunction((sent) => window.__console!.ids('calls').some((id) => sent.includes(id)), emitted, { timeout: 3000 })
        .then(() => true, () => false);
    }, 30_000, 'a call emitted after the reconnection on the map');
  }, 90_000);

  it('has no critical axe-core violations and can be worked from the keyboard', async () => {
    await operator.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const results = await operator.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations.map(({ id, impact, nodes }) => ({ id, impact, nodes: nodes.length }));
    });
    expect(results.filter((violation) => violation.impact === 'critical')).toEqual([]);
    // Tab reaches a call in the list, Enter opens it, Escape closes the panel.
    await operator.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses += 1) {
      await operator.keyboard.press('Tab');
      reached = await operator.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.callId !== undefined);
    }
    expect(reached).toBe(true);
    const focusedCall = await operator.evaluate(() => (document.activeElement as HTMLElement).dataset.callId);
    await operator.keyboard.press('Enter');
    await operator.waitForSelector(`#panel[data-id="${focusedCall}"]`);
    await operator.keyboard.press('Escape');
    expect(await operator.isHidden('#panel')).toBe(true);
  }, 60_000);
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildConsole } from '../../console/buildConsole';
import type { HeadlessChromium } from '../../console/launchHeadlessChromium';
import type { IncidentCreated } from '../../contract';
import { type Area, areaContains, parseArea } from '../../geo/area';
import { type LatLon, destinationPoint } from '../../geo/geodesy';
import type { ConfiguredHub } from '../../hub/createConfiguredHub';
import { SCREENSHOTS, describeWithChromium, startChromium } from '../support/browser';
import { ringingCall } from '../support/cityFixture';
import {
  TEST_PURPOSE,
  type ConsoleProbe,
  consoleStatus,
  freePort,
  layerCounts,
  layerIds,
  queryAsSupervisor,
  signInToConsole,
  startConsoleHub,
} from '../support/consoleHub';
import type { GraphQLBody } from '../support/startTestHub';
import { eventually } from '../support/subscribeThroughGateway';

const CAMERAS = 150;
const ONVIF_CAMERAS = 3;
declare const window: { __console?: ConsoleProbe };

/** An incident reported now at `point`, as a CAD would send it. */
const incidentAt = (incidentId: string, point: LatLon): IncidentCreated => ({
  type: 'incident.created',
  eventId: `${incidentId}-created`,
  source: 'console-test',
  occurredAt: new Date().toISOString(),
  incidentId,
  number: incidentId.toUpperCase(),
  typeCode: 'TRAFFIC',
  typeText: 'Traffic collision',
  priority: 2,
  status: 'PENDING',
  location: { point, uncertaintyMeters: 10 },
  reportedAt: new Date().toISOString(),
  narrative: null,
  callIds: [],
});

/**
 * The operator console in Debian's headless Chromium against a whole hub as `npm start` runs
 * it (simulated city in protocol mode, ONVIF PTZ cameras among the rest). The hub keeps its
 * database and issuer key in a temporary directory and its gateway on a fixed port, so that it
 * can be stopped and started again under the open page, as a restarted `npm start` would be.
 */
describeWithChromium('the operator console in a browser', () => {
  let running: ConfiguredHub;
  let hubEnv: Record<string, string>;
  let keptDir: string;
  let chromium: HeadlessChromium;
  let context: BrowserContext;
  let operator: Page;
  let origin: string;
  /** Signed in by the officer test, with the geofence it was given. */
  let officer: Page | undefined;
  let fence: { area: Area; centre: LatLon; outside: LatLon } | undefined;

  beforeAll(async () => {
    await buildConsole();
    keptDir = mkdtempSync(join(tmpdir(), 'rtcc-console-hub-'));
    const port = await freePort();
    hubEnv = {
      PORT: String(port),
      // Kept across the restart: the data, and the key the console's token was signed with.
      PGLITE_DATA_DIR: join(keptDir, 'data'),
      AUTH_DEV_KEY_FILE: join(keptDir, 'dev-issuer-key.json'),
      SIM_MODE: 'protocols',
      SIM_SEED: '1',
      SIM_UNITS: '12',
      SIM_CAMERAS: String(CAMERAS),
      SIM_ONVIF_CAMERAS: String(ONVIF_CAMERAS),
      // A new call every few seconds, so that one arrives well inside the 30 s the issue allows.
      SIM_CALLS_PER_MINUTE: '12',
      ONVIF_POLL_INTERVAL_MS: '500',
    };
    running = await startConsoleHub(hubEnv);
    origin = `http://127.0.0.1:${port}`;
    chromium = await startChromium();
    context = chromium.context;
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await running?.close();
    if (keptDir) rmSync(keptDir, { recursive: true, force: true });
  });

  const api = <T>(query: string, variables: Record<string, unknown> = {}) => queryAsSupervisor<T>(running.hub, query, variables);
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
  const signIn = async (role: string, purpose: string | null, tokenRequest?: Record<string, unknown>) =>
    signInToConsole(await context.newPage(), { origin, role, purpose, ...(tokenRequest ? { tokenRequest } : {}) });
  const callPoint = async (id: string) =>
    (await api<{ call: { location: { point: LatLon } | null } | null }>('query ($id: ID!) { call(id: $id) { location { point { lat lon } } } }', { id })).data?.call?.location?.point;
  const incidentPoint = async (id: string) =>
    (await api<{ incident: { location: { point: LatLon } } | null }>('query ($id: ID!) { incident(id: $id) { location { point { lat lon } } } }', { id })).data?.incident?.location.point;
  /** Waits until the page holds every one of `wanted` on a layer. */
  const waitForIds = (page: Page, kind: 'calls' | 'incidents', wanted: readonly string[]) =>
    page.waitForFunction(([which, ids]) => ids.every((id) => window.__console!.ids(which).includes(id)), [kind, wanted] as const, { timeout: 30_000 });

  /** The cameras the directory should list: the city's (its CSV file and its ONVIF devices) and those the program approved. */
  const expectedCameras = async () => {
    const csvRows = readFileSync(running.city!.cameraCsvFiles[0]!, 'utf8').trim().split('\n').length - 1;
    const program = await api<{ communityProgram: { camerasByLevel: { count: number }[] } }>('{ communityProgram { camerasByLevel { count } } }');
    const community = program.data!.communityProgram.camerasByLevel.reduce((sum, { count }) => sum + count, 0);
    return csvRows + ONVIF_CAMERAS + community;
  };

  it('signs an operator in and draws calls, units and cameras from the first query', async () => {
    // Wait for the city to have at least one active call, and every camera imported.
    const cameras = await expectedCameras();
    expect(cameras).toBeLessThanOrEqual(CAMERAS);
    await eventually(async () => {
      const state = await api<{ calls: { edges: unknown[] } }>('{ calls(filter: { state: [RINGING, ACTIVE, ON_HOLD] }, first: 5) { edges { node { id } } } }');
      return (state.data?.calls.edges.length ?? 0) > 0 && (await cameraIds()).length === cameras;
    }, 60_000, 'an active call and the camera directory');
    operator = await signIn('operator', TEST_PURPOSE);
    const drawn = await layerCounts(operator);
    expect(drawn.calls).toBeGreaterThan(0);
    expect(drawn.units).toBeGreaterThan(0);
    expect((await layerIds(operator, 'cameras')).sort()).toEqual((await cameraIds()).sort());
    expect(drawn.cameras).toBe(cameras);
    expect(await operator.evaluate(() => document.querySelector('#map canvas') !== null)).toBe(true);
    await operator.waitForTimeout(1500);
    await operator.screenshot({ path: join(SCREENSHOTS, 'console-operator.png') });
  }, 120_000);

  it('shows a new simulated 911 call with no reload', async () => {
    const before = new Set(await layerIds(operator, 'calls'));
    const queries = (await consoleStatus(operator)).stateQueries;
    await operator.waitForFunction((known) => window.__console!.ids('calls').some((id) => !known.includes(id)), [...before], { timeout: 30_000 });
    expect((await consoleStatus(operator)).stateQueries).toBe(queries);
  }, 40_000);

  it('docks the cameras nearbyCameras(orderBy: VIEW_FIRST) names for a selected call, lists its nearby units, and points a PTZ camera', async () => {
    // A call 15 m from an ONVIF camera, so that this PTZ camera is among the docked ones.
    const onvif = running.city!.onvif!;
    const device = onvif.devices()[0]!;
    const callId = `console-test-${Date.now()}`;
    await running.hub.sink.emit({
      ...ringingCall(callId, { point: destinationPoint(device.config.location, 90, 15), callbackNumber: '4805550199' }),
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
  }, 120_000);

  it('shows a city partner no camera layer and no caller identity', async () => {
    const partner = await signIn('partner', null);
    const drawn = await layerCounts(partner);
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

  it('shows an officer only the calls and incidents inside its geofence', async () => {
    // A 1.5 km geofence at the middle of the city the console watches, and a corner outside it.
    const { bounds } = (await (await fetch(`${origin}/console/config.json`)).json()) as { bounds: [number, number, number, number] };
    const [west, south, east, north] = bounds;
    const centre = { lat: (south + north) / 2, lon: (west + east) / 2 };
    const geofence = { circle: { center: centre, radiusMeters: 1500 } };
    fence = { area: parseArea(geofence, 'geofence'), centre, outside: { lat: south + (north - south) * 0.9, lon: west + (east - west) * 0.9 } };
    const inside = destinationPoint(centre, 45, 300);
    expect([areaContains(fence.area, inside), areaContains(fence.area, fence.outside)]).toEqual([true, false]);
    const sent = { inside: [`officer-call-in-${Date.now()}`, `officer-inc-in-${Date.now()}`], outside: [`officer-call-out-${Date.now()}`, `officer-inc-out-${Date.now()}`] } as const;
    for (const [callId, incidentId, point] of [[...sent.inside, inside], [...sent.outside, fence.outside]] as const) {
      await running.hub.sink.emit(ringingCall(callId, { point }));
      await running.hub.sink.emit(incidentAt(incidentId, point));
    }
    // The operator, who has no geofence, has all four on the map.
    await waitForIds(operator, 'calls', [sent.inside[0], sent.outside[0]]);
    await waitForIds(operator, 'incidents', [sent.inside[1], sent.outside[1]]);

    // Signed in through the console's dialog; the hub's development issuer puts the geofence in the token.
    officer = await signIn('officer', TEST_PURPOSE, { geofence });
    const calls = await layerIds(officer, 'calls');
    const incidents = await layerIds(officer, 'incidents');
    expect(calls).toContain(sent.inside[0]);
    expect(incidents).toContain(sent.inside[1]);
    expect(calls).not.toContain(sent.outside[0]);
    expect(incidents).not.toContain(sent.outside[1]);
    // Every call and incident it holds lies inside the geofence, by the API's own locations (asked as a supervisor) ...
    const located = await Promise.all([...calls.map(callPoint), ...incidents.map(incidentPoint)]);
    expect(located.filter((point) => !point || !areaContains(fence!.area, point))).toEqual([]);
    // ... while the operator's map holds active incidents outside it, the simulated city's among them.
    const operatorIncidents = await Promise.all((await layerIds(operator, 'incidents')).map(incidentPoint));
    expect(operatorIncidents.filter((point) => point && !areaContains(fence!.area, point)).length).toBeGreaterThan(1);
    // Units are not confined by a geofence (an officer sees the fleet, auth/roles.ts): the operator's units.
    expect((await layerIds(officer, 'units')).sort()).toEqual((await layerIds(operator, 'units')).sort());
    await officer.screenshot({ path: join(SCREENSHOTS, 'console-officer.png') });
  }, 120_000);

  // Its streams go without an area: the gateway watches the officer's geofence for it
  // (gateway/authorization/confineToGeofence.ts), and refuses an area beyond it.
  it('brings an officer with a geofence the new calls inside it, live, and never one outside', async () => {
    if (!officer || !fence) throw new Error('the officer test above did not sign one in');
    const later = { outside: `officer-live-out-${Date.now()}`, inside: `officer-live-in-${Date.now()}` };
    // Rung outside first, then inside: once the inside one is on the officer's map, the outside one would have been too.
    await running.hub.sink.emit(ringingCall(later.outside, { point: fence.outside }));
    await running.hub.sink.emit(ringingCall(later.inside, { point: destinationPoint(fence.centre, 200, 250) }));
    try {
      await waitForIds(operator, 'calls', [later.outside, later.inside]);
      await waitForIds(officer, 'calls', [later.inside]);
      expect(await layerIds(officer, 'calls')).not.toContain(later.outside);
    } finally {
      await officer.close();
    }
  }, 90_000);

  it('says it is offline while the gateway is down, and recovers by itself once it is back on its port', async () => {
    const before = await consoleStatus(operator);
    expect(before.connection).toBe('online');
    await running.close();
    // Really gone: nothing listens on the gateway's port.
    await expect(fetch(`${origin}/health`)).rejects.toThrow();
    await operator.waitForFunction(() => window.__console!.connection !== 'online', undefined, { timeout: 30_000 });
    expect(await operator.isVisible('#offline-banner')).toBe(true);

    // A new hub on the same port, data directory and issuer key: the page's token is still good.
    running = await startConsoleHub(hubEnv);
    expect(new URL(running.hub.gatewayUrl).port).toBe(new URL(origin).port);
    await operator.waitForFunction(() => window.__console!.connection === 'online', undefined, { timeout: 60_000 });
    expect(await operator.isVisible('#offline-banner')).toBe(false);
    // Back, it reloads the current state (events may have been missed) ...
    await operator.waitForFunction((queries) => window.__console!.stateQueries > queries, before.stateQueries, { timeout: 30_000 });
    // ... and is live again: a call emitted after that reaches the map over the new connection. The
    // re-sent subscriptions take a moment to reach the subgraphs, so a call goes out every few seconds until one arrives.
    const device = running.city!.onvif!.devices()[1]!;
    const emitted: string[] = [];
    await eventually(async () => {
      const callId = `console-after-restart-${emitted.length}`;
      emitted.push(callId);
      await running.hub.sink.emit(ringingCall(callId, { point: destinationPoint(device.config.location, 0, 30 + emitted.length), callbackNumber: '4805550123' }));
      return operator
        .waitForFunction((sent) => window.__console!.ids('calls').some((id) => sent.includes(id)), emitted, { timeout: 3000 })
        .then(() => true, () => false);
    }, 60_000, 'a call emitted after the restart on the map');
    // The current state was loaded once for the one reconnection.
    expect((await consoleStatus(operator)).stateQueries).toBe(before.stateQueries + 1);
  }, 180_000);

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

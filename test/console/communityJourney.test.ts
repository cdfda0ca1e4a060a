import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildConsole } from '../../console/buildConsole';
import type { HeadlessChromium } from '../../console/launchHeadlessChromium';
import { destinationPoint } from '../../geo/geodesy';
import type { ConfiguredHub } from '../../hub/createConfiguredHub';
import { SCREENSHOTS, describeWithChromium, startChromium } from '../support/browser';
import { ringingCall } from '../support/cityFixture';
import {
  type OwnerCameraServer,
  type TestClock,
  createTestClock,
  findInEveryTable,
  localDateTimeIn,
  queryAs,
  refreshOwnerPage,
  signUpOwner,
  startCommunityHub,
  startOwnerCamera,
} from '../support/communityPages';
import { TEST_PURPOSE, signInToConsole } from '../support/consoleHub';
import { eventually } from '../support/subscribeThroughGateway';

/** The console's probe, as far as this test reads it (console/app/main.ts ConsoleProbe). */
interface ConsoleProbe {
  readonly ready: boolean;
  camera(id: string): { cameraClass: string; source: string; liveNow: boolean | null; canRequestFootage: boolean | null } | null;
}
declare const window: { __console?: ConsoleProbe };

const MINUTE = 60_000;
/** The owner's personal data: after erasure no table may hold any of it. */
const OWNER = { displayName: 'Quillfeather Bakery', contactName: 'Robin Quillfeather', phone: '+1 480 555 0177', email: 'robin.quillfeather@example.test' };
const AGENCY_TIME_ZONE = 'America/Chicago';

/** The weekday and HH:MM of an instant in the agency's time zone. */
function agencyLocal(instant: Date): { day: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: AGENCY_TIME_ZONE, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)!.value;
  return { day: part('weekday').toUpperCase(), time: `${part('hour')}:${part('minute')}` };
}

/**
 * Community Connect end to end in headless Chromium, against the whole hub with a test clock:
 * a resident signs up and registers a camera on /connect/, a supervisor approves it on the
 * console, an operator sees it (map, nearbyCameras, canRequestFootage), the owner integrates it
 * on a schedule and live access follows the clock, the owner withdraws (the operator's link is
 * refused and the tile goes within a second), a footage request is answered with a clip whose
 * SHA-256 the download matches, the audit trail holds each step, and erasure leaves no table
 * holding the owner's personal data.
 */
describeWithChromium('Community Connect, from a resident’s sign-up to erasure', () => {
  let running: ConfiguredHub;
  let clock: TestClock;
  let camera: OwnerCameraServer;
  let chromium: HeadlessChromium;
  let context: BrowserContext;
  let origin: string;
  let owner: Page;
  let supervisor: Page;
  let operator: Page;
  let registrationId: string;
  let cameraId: string;
  let cameraPoint: { lat: number; lon: number };
  let callId: string;
  let requestId: string;
  const clip = randomBytes(48 * 1024);
  const clipSha256 = createHash('sha256').update(clip).digest('hex');
  const startedAt = new Date(Date.now() - MINUTE).toISOString();

  beforeAll(async () => {
    await buildConsole();
    clock = createTestClock();
    camera = await startOwnerCamera();
    running = await startCommunityHub(clock, {
      SIM_SEED: '3',
      SIM_UNITS: '4',
      SIM_CAMERAS: '12',
      SIM_ONVIF_CAMERAS: '0',
      SIM_CALLS_PER_MINUTE: '0.1',
      // The simulated owners stay home: this test's owner is the only one.
      SIM_COMMUNITY: 'false',
      AGENCY_TIME_ZONE,
      CONSOLE_DOCKED_CAMERAS: '8',
      // The owner's camera is this test's server on 127.0.0.1.
      COMMUNITY_RELAY_PRIVATE_ADDRESSES: 'true',
      COMMUNITY_ACCESS_SWEEP_MS: '200',
      // Short-lived links, so that the console's tiles renew theirs during the test (15 s before expiry).
      COMMUNITY_LINK_TTL_SECONDS: '20',
    });
    origin = new URL(running.hub.gatewayUrl).origin;
    chromium = await startChromium();
    context = chromium.context;
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await running?.close();
    await camera?.close();
  });

  const asOperator = <T>(query: string, variables: Record<string, unknown> = {}) => queryAs<T>(running.hub, ['operator'], query, variables);
  type HeldCamera = NonNullable<ReturnType<ConsoleProbe['camera']>>;
  /** Waits until the console holds the community camera with these values. */
  const waitForCamera = (page: Page, expected: Partial<HeldCamera>, timeout = 20_000) =>
    page.waitForFunction(
      ([id, wanted]) => {
        const held = window.__console!.camera(id) as Record<string, unknown> | null;
        return held !== null && Object.entries(wanted).every(([key, value]) => held[key] === value);
      },
      [cameraId, expected as Record<string, unknown>] as const,
      { timeout },
    );
  /** Opens the call's panel on the operator's console and waits for the docked tiles. */
  const openCall = async () => {
    await operator.click(`[data-call-id="${callId}"]`);
    await operator.waitForSelector(`#panel[data-id="${callId}"] .docked-cameras`, { state: 'attached', timeout: 15_000 });
  };
  const liveTile = `.camera-tile[data-camera-id="COMMUNITY_ID"][data-live="true"]`;

  it('lets a resident sign up and register a camera on /connect/, on a phone, accessibly', async () => {
    owner = await context.newPage();
    await owner.setViewportSize({ width: 360, height: 780 });
    await signUpOwner(owner, origin);
    await owner.fill('#profile-display-name', OWNER.displayName);
    await owner.fill('#profile-contact-name', OWNER.contactName);
    await owner.fill('#profile-phone', OWNER.phone);
    await owner.fill('#profile-email', OWNER.email);
    await owner.click('#profile-save');
    await owner.waitForSelector('#register-form');

    const settings = (await (await fetch(`${origin}/console/config.json`)).json()) as { centre: { lat: number; lon: number } };
    cameraPoint = destinationPoint(settings.centre, 45, 120);
    // Placed on the map with a click, then typed exactly (the keyboard's way): the typed point wins.
    await owner.waitForSelector('#register-map[data-ready="true"]', { timeout: 30_000 });
    await owner.click('#register-map', { position: { x: 120, y: 90 } });
    expect(await owner.inputValue('#register-lat')).not.toBe('');
    await owner.fill('#register-lat', cameraPoint.lat.toFixed(6));
    await owner.fill('#register-lon', cameraPoint.lon.toFixed(6));
    await owner.fill('#register-heading-number', '90');
    await owner.fill('#register-fov', '100');
    await owner.fill('#register-range', '60');
    await owner.fill('#register-name', 'Quillfeather back door');
    await owner.fill('#register-address', '100 Test Street');
    await owner.selectOption('#register-level', 'REGISTERED');
    await owner.fill('#register-stream-url', `${camera.origin}/stream.mjpg`);
    await owner.fill('#register-snapshot-url', `${camera.origin}/still.png`);
    await owner.click('#register-submit');
    const item = await owner.waitForSelector('.owner-camera[data-status="PENDING"]', { timeout: 15_000 });
    registrationId = (await item.getAttribute('data-registration-id'))!;
    cameraId = (await item.getAttribute('data-camera-id'))!;
    expect(cameraId).toBe(`community:${registrationId}`);
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await owner.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const violations = await owner.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations.map(({ id, impact }) => ({ id, impact }));
    });
    expect(violations.filter((violation) => violation.impact === 'critical')).toEqual([]);
    await owner.screenshot({ path: join(SCREENSHOTS, 'connect-registered.png'), fullPage: true });
  }, 120_000);

  it('lets a supervisor approve it on the console, and an operator then sees it on the map and in nearbyCameras with canRequestFootage', async () => {
    supervisor = await signInToConsole(await context.newPage(), { origin, role: 'supervisor', purpose: TEST_PURPOSE });
    await supervisor.click('#community-toggle');
    await supervisor.waitForSelector(`.pending-registration[data-registration-id="${registrationId}"]`, { timeout: 15_000 });
    // Staff verify the owner by their contact: shown to them, never to operators.
    expect(await supervisor.textContent(`.pending-registration[data-registration-id="${registrationId}"]`)).toContain(OWNER.phone);
    await supervisor.click(`#approve-${registrationId}`);
    await supervisor.waitForSelector(`.pending-registration[data-registration-id="${registrationId}"]`, { state: 'detached', timeout: 15_000 });
    // The supervisor's own map gains it live (cameraAccessChanged: approved), with no reload.
    await waitForCamera(supervisor, { cameraClass: 'community-registered' });

    operator = await signInToConsole(await context.newPage(), { origin, role: 'operator', purpose: TEST_PURPOSE });
    await waitForCamera(operator, { cameraClass: 'community-registered', canRequestFootage: true });
    callId = `community-journey-${Date.now()}`;
    await running.hub.sink.emit(ringingCall(callId, { point: destinationPoint(cameraPoint, 90, 25) }));
    type Docked = { camera: { id: string; source: string; access: { level: string; canRequestFootage: boolean; liveNow: boolean } } };
    let nearby: Docked | undefined;
    await eventually(async () => {
      const answer = await asOperator<{ call: { nearbyCameras: Docked[] } | null }>(
        'query ($id: ID!) { call(id: $id) { nearbyCameras(limit: 8, radiusMeters: 300, orderBy: VIEW_FIRST) { camera { id source access { level canRequestFootage liveNow } } } } }',
        { id: callId },
      );
      nearby = answer.data?.call?.nearbyCameras.find((docked) => docked.camera.id === cameraId);
      return nearby !== undefined;
    }, 15_000, 'the community camera in nearbyCameras');
    expect(nearby!.camera).toEqual({ id: cameraId, source: 'COMMUNITY_REGISTERED', access: { level: 'REGISTERED', canRequestFootage: true, liveNow: false } });
    await operator.waitForSelector(`[data-call-id="${callId}"]`, { timeout: 15_000 });
    await openCall();
    const tile = await operator.waitForSelector(`.camera-tile[data-camera-id="${cameraId}"]`, { timeout: 15_000 });
    expect(await tile.getAttribute('data-source')).toBe('community-registered');
    expect(await tile.textContent()).toContain('registered — request footage');
    // No picture and no link of a registered camera, and never the owner's own address.
    expect(await operator.$(`.camera-tile[data-camera-id="${cameraId}"] img`)).toBeNull();
    expect(await operator.content()).not.toContain(camera.origin);
    for (const secret of Object.values(OWNER)) expect(await operator.content()).not.toContain(secret);
  }, 120_000);

  it('shares live video only inside the schedule the owner set, through signed links', async () => {
    // A window from 10 to 40 minutes from now, agency time; the clock moves into it and out again.
    const from = agencyLocal(new Date(clock.now().getTime() + 10 * MINUTE));
    const to = agencyLocal(new Date(clock.now().getTime() + 40 * MINUTE));
    await owner.click(`#change-terms-${registrationId}`);
    await owner.selectOption(`#terms-${registrationId}-edit-level`, 'INTEGRATED');
    await owner.selectOption(`#terms-${registrationId}-edit-mode`, 'SCHEDULE');
    await owner.selectOption(`#terms-${registrationId}-edit-day-1`, from.day);
    await owner.fill(`#terms-${registrationId}-edit-from-1`, from.time);
    await owner.fill(`#terms-${registrationId}-edit-to-1`, to.time);
    await owner.click(`#save-terms-${registrationId}`);
    await owner.waitForSelector(`.owner-camera[data-registration-id="${registrationId}"][data-level="INTEGRATED"]`, { timeout: 15_000 });

    // Before the window: integrated, not live, no links.
    await waitForCamera(operator, { cameraClass: 'community-not-live' });
    const before = await asOperator<{ camera: { access: { liveNow: boolean; streams: unknown[] | null; snapshotUrl: string | null } } | null }>(
      'query ($id: ID!) { camera(id: $id) { access { liveNow streams { url } snapshotUrl } } }',
      { id: cameraId },
    );
    expect(before.data?.camera?.access).toEqual({ liveNow: false, streams: [], snapshotUrl: null });

    // Inside the window: live, and the docked tile shows the hub's signed still.
    clock.advance(15 * MINUTE);
    await waitForCamera(operator, { liveNow: true });
    await openCall();
    const image = await operator.waitForSelector(`${liveTile.replace('COMMUNITY_ID', cameraId)} img`, { timeout: 15_000 });
    const link = new URL((await image.getAttribute('src'))!, origin);
    expect(link.pathname).toMatch(/^\/community\/media\//);
    const relayed = await fetch(link);
    expect(relayed.status).toBe(200);
    expect(relayed.headers.get('content-type')).toBe('image/png');
    expect(camera.served.length).toBeGreaterThan(0);
    // The tile asks for a fresh link before this one expires: another token, same camera.
    await operator.waitForFunction(
      ([selector, first]) => {
        const shown = document.querySelector<HTMLImageElement>(selector);
        return shown !== null && new URL(shown.src).pathname !== first;
      },
      [`${liveTile.replace('COMMUNITY_ID', cameraId)} img`, link.pathname] as const,
      { timeout: 20_000 },
    );

    // Past the window's end: not live; back inside for the withdrawal.
    clock.advance(30 * MINUTE);
    await waitForCamera(operator, { liveNow: false });
    clock.advance(-30 * MINUTE);
    await waitForCamera(operator, { liveNow: true });
  }, 120_000);

  it('refuses the operator’s signed link and removes the docked tile within a second once the owner withdraws', async () => {
    await openCall();
    const image = await operator.waitForSelector(`${liveTile.replace('COMMUNITY_ID', cameraId)} img`, { timeout: 15_000 });
    const link = new URL((await image.getAttribute('src'))!, origin);
    expect((await fetch(link)).status).toBe(200);

    await owner.click(`#withdraw-${registrationId}`);
    await owner.click('#withdraw-choice-keep');
    await owner.click('#withdraw-confirm');
    await owner.waitForSelector('#connect-status >> text=withdrawn', { timeout: 15_000 });
    await operator.waitForFunction((selector) => document.querySelector(selector) === null, liveTile.replace('COMMUNITY_ID', cameraId), { timeout: 1000 });

    const refused = await fetch(link);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error?: { code?: string } }).error?.code).toBeTruthy();
    await owner.waitForSelector(`.owner-camera[data-registration-id="${registrationId}"][data-status="WITHDRAWN"]`, { timeout: 15_000 });
  }, 60_000);

  it('carries a footage request from the operator to the owner and back as a clip whose SHA-256 the download matches', async () => {
    // Withdrawn but kept registered: footage may still be asked for, from its tile.
    const button = await operator.waitForSelector(`.camera-tile[data-camera-id="${cameraId}"] .request-footage`, { timeout: 15_000 });
    await button.click();
    const end = new Date(Date.now() - 5 * MINUTE).toISOString();
    const start = new Date(Date.now() - 35 * MINUTE).toISOString();
    await operator.fill('#footage-from', await localDateTimeIn(operator, start));
    await operator.fill('#footage-to', await localDateTimeIn(operator, end));
    await operator.fill('#footage-message', 'A break-in next door, around the back door.');
    await operator.click('#request-footage-submit');
    await operator.waitForSelector('#community-status >> text=Footage requested', { timeout: 15_000 });
    // The footage requests view, open from now on, follows the request live (footageRequestChanged).
    await operator.click('#footage-toggle');
    await operator.waitForSelector('#community .footage-request[data-status="OPEN"]', { timeout: 15_000 });

    await refreshOwnerPage(owner);
    const request = await owner.waitForSelector('.footage-request[data-status="OPEN"]', { timeout: 15_000 });
    requestId = (await request.getAttribute('data-request-id'))!;
    expect(await request.textContent()).toContain('A break-in next door');
    await owner.fill(`#answer-note-${requestId}`, 'Here it is.');
    await owner.click(`#approve-${requestId}`);
    await owner.waitForSelector(`#clip-${requestId}`, { timeout: 15_000 });
    await owner.setInputFiles(`#clip-${requestId}`, { name: 'back-door.mp4', mimeType: 'video/mp4', buffer: clip });
    await owner.click(`#upload-${requestId}`);
    await owner.waitForSelector('#connect-status >> text=SHA-256', { timeout: 30_000 });
    expect(await owner.textContent('#connect-status')).toContain(clipSha256);
    await owner.waitForSelector(`.footage-request[data-request-id="${requestId}"][data-status="FULFILLED"]`, { timeout: 15_000 });

    const download = await operator.waitForSelector(`.footage-request[data-request-id="${requestId}"][data-status="FULFILLED"] .clip-download`, { timeout: 15_000 });
    expect(await operator.textContent(`.footage-request[data-request-id="${requestId}"] .clip-sha256`)).toBe(clipSha256);
    const answer = await fetch(new URL((await download.getAttribute('href'))!, origin));
    expect(answer.status).toBe(200);
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(clipSha256);
    expect(answer.headers.get('x-content-sha256')).toBe(clipSha256);
    await operator.screenshot({ path: join(SCREENSHOTS, 'console-footage-requests.png') });
  }, 120_000);

  it('keeps each step in the audit trail, naming ids and never the owner’s personal data', async () => {
    type Audit = { kind: string; operationName: string | null; outcome: string; variables: unknown; details: unknown };
    const records: Audit[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof queryAs<{ auditRecords: { edges: { node: Audit }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>>> = await queryAs(
        running.hub,
        ['auditor'],
        'query ($after: String, $from: DateTime) { auditRecords(filter: { from: $from, kinds: [MUTATION, MEDIA_LINK, EVIDENCE] }, first: 100, after: $after) { edges { node { kind operationName outcome variables details } } pageInfo { hasNextPage endCursor } } }',
        { after, from: startedAt },
      );
      expect(page.errors).toBeUndefined();
      records.push(...page.data!.auditRecords.edges.map(({ node }) => node));
      after = page.data!.auditRecords.pageInfo.hasNextPage ? page.data!.auditRecords.pageInfo.endCursor : null;
    } while (after);
    const operations = new Set(records.filter((record) => record.kind === 'MUTATION' && record.outcome === 'OK').map((record) => record.operationName));
    for (const step of ['SaveOwnerProfile', 'RegisterCamera', 'ApproveRegistration', 'SetSharingTerms', 'WithdrawCamera', 'RequestFootage', 'AnswerFootageRequest', 'FootageUploadLink']) {
      expect([step, operations.has(step)]).toEqual([step, true]);
    }
    const media = records.filter((record) => record.kind === 'MEDIA_LINK');
    expect(media.some((record) => record.outcome === 'OK')).toBe(true);
    expect(media.some((record) => record.outcome === 'DENIED')).toBe(true);
    const evidence = records.filter((record) => record.kind === 'EVIDENCE').map((record) => JSON.stringify(record.details));
    expect(evidence.filter((details) => details.includes(clipSha256)).length).toBeGreaterThanOrEqual(2);
    const trail = JSON.stringify(records);
    for (const secret of [...Object.values(OWNER), camera.origin]) expect([secret, trail.includes(secret)]).toEqual([secret, false]);
  }, 60_000);

  it('erases the owner’s personal data from every table when they withdraw with erase', async () => {
    // Held before: the test looks in the right places.
    expect((await findInEveryTable(running.hub, [OWNER.email])).length).toBeGreaterThan(0);
    await owner.click(`#withdraw-${registrationId}`);
    await owner.click('#withdraw-choice-erase');
    await owner.click('#withdraw-confirm');
    await owner.waitForSelector('#connect-status >> text=erased', { timeout: 15_000 });
    await operator.waitForFunction((id) => window.__console!.camera(id) === null, cameraId, { timeout: 15_000 });
    expect(await findInEveryTable(running.hub, [...Object.values(OWNER), camera.origin])).toEqual([]);
    // The evidence stays: the clip was police evidence before the erasure.
    const kept = await asOperator<{ footageRequest: { clips: { sha256: string; uploadedBy: string }[] } | null }>('query ($id: ID!) { footageRequest(id: $id) { clips { sha256 uploadedBy } } }', { id: requestId });
    expect(kept.data?.footageRequest?.clips.map((entry) => entry.sha256)).toEqual([clipSha256]);
  }, 60_000);
});

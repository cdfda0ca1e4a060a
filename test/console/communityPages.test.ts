import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { buildConsole } from '../../console/buildConsole';
import type { HeadlessChromium } from '../../console/launchHeadlessChromium';
import type { ConfiguredHub } from '../../hub/createConfiguredHub';
import { describeWithChromium, startChromium } from '../support/browser';
import { createTestClock, queryAs, refreshOwnerPage, signUpOwner, startCommunityHub } from '../support/communityPages';
import { TEST_PURPOSE, signInToConsole } from '../support/consoleHub';

/** Runs axe-core on the page; the critical violations' ids. */
async function criticalViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations.filter((violation) => violation.impact === 'critical').map(({ id }) => id);
  });
}

/**
 * The owner pages' and the console's Community Connect parts on their own: the keyboard, what
 * a form refuses, what one owner's page never shows of another's, the alarm secret shown once,
 * staff's rejection reaching the owner, and who is offered what on the console.
 */
describeWithChromium('Community Connect’s pages', () => {
  let running: ConfiguredHub;
  let chromium: HeadlessChromium;
  let context: BrowserContext;
  let origin: string;
  let first: Page;
  let registrationId: string;

  beforeAll(async () => {
    await buildConsole();
    running = await startCommunityHub(createTestClock(), { SIM_SEED: '4', SIM_UNITS: '3', SIM_CAMERAS: '8', SIM_ONVIF_CAMERAS: '0', SIM_CALLS_PER_MINUTE: '0.1', SIM_COMMUNITY: 'false' });
    origin = new URL(running.hub.gatewayUrl).origin;
    chromium = await startChromium({ viewport: { width: 360, height: 800 } });
    context = chromium.context;
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await running?.close();
  });

  it('signs an owner up and saves the profile from the keyboard alone', async () => {
    first = await context.newPage();
    await first.goto(`${origin}/connect/`);
    // The sign-up button has the focus: Enter signs up.
    await first.waitForSelector('#connect-sign-in-submit');
    expect(await first.evaluate(() => document.activeElement?.id)).toBe('connect-sign-in-submit');
    await first.keyboard.press('Enter');
    await first.waitForSelector('#profile-display-name');
    await first.focus('#profile-display-name');
    await first.keyboard.type('Keyboard Kiosk');
    for (const text of ['Kim Keys', '+1 480 555 0133', 'kim.keys@example.test']) {
      await first.keyboard.press('Tab');
      await first.keyboard.type(text);
    }
    await first.keyboard.press('Enter');
    await first.waitForSelector('#profile-status >> text=Profile saved', { timeout: 15_000 });
    await first.waitForSelector('#register-form');
    expect(await criticalViolations(first)).toEqual([]);
  }, 60_000);

  it('refuses what the form cannot send, saying why, and sends nothing', async () => {
    const sent: string[] = [];
    first.on('request', (request) => {
      if (request.url().endsWith('/graphql') && request.method() === 'POST') sent.push(JSON.parse(request.postData() ?? '{}').operationName as string);
    });
    await first.fill('#register-lat', '91');
    await first.fill('#register-lon', '10');
    await first.fill('#register-name', 'Somewhere');
    await first.click('#register-submit');
    await first.waitForSelector('#register-status[role="alert"] >> text=latitude');
    await first.fill('#register-lat', '33.42');
    await first.fill('#register-lon', '-111.83');
    await first.fill('#register-name', 'Bell\u0007 tower');
    await first.click('#register-submit');
    await first.waitForSelector('#register-status[role="alert"] >> text=control characters');
    await first.fill('#register-name', 'Bell tower');
    await first.selectOption('#register-level', 'INTEGRATED');
    await first.fill('#register-stream-url', 'ftp://camera.example.test/stream');
    await first.click('#register-submit');
    await first.waitForSelector('#register-status[role="alert"] >> text=http');
    expect(sent.filter((name) => name === 'RegisterCamera')).toEqual([]);
    // Registered only, it goes.
    await first.selectOption('#register-level', 'REGISTERED');
    await first.fill('#register-stream-url', '');
    await first.click('#register-submit');
    const item = await first.waitForSelector('.owner-camera[data-status="PENDING"]', { timeout: 15_000 });
    registrationId = (await item.getAttribute('data-registration-id'))!;
  }, 60_000);

  it('shows another owner nothing of the first owner’s cameras', async () => {
    const second = await context.newPage();
    await signUpOwner(second, origin);
    await second.fill('#profile-display-name', 'Second Shop');
    await second.click('#profile-save');
    await second.waitForSelector('#register-form');
    const cameras = await second.$$eval('.owner-camera', (items) => items.length);
    expect(cameras).toBe(0);
    const page = await second.content();
    for (const text of ['Keyboard Kiosk', 'Kim Keys', 'kim.keys@example.test', 'Bell tower', registrationId]) expect([text, page.includes(text)]).toEqual([text, false]);
    expect(await second.evaluate(() => (window as unknown as { __connect: { ownerId: string } }).__connect.ownerId)).not.toBe(
      await first.evaluate(() => (window as unknown as { __connect: { ownerId: string } }).__connect.ownerId),
    );
    await second.close();
  }, 60_000);

  it('shows a new alarm secret once, and never again', async () => {
    await first.click('#alarm-rotate');
    const secret = await (await first.waitForSelector('#alarm-secret')).inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await refreshOwnerPage(first);
    await first.waitForSelector('#alarm-secret', { state: 'detached' });
    expect(await first.textContent('.alarm-configured')).toBe('set');
    expect(await first.content()).not.toContain(secret);
  }, 30_000);

  it('offers the footage requests to operators, the review to supervisors, and tells the owner why staff rejected a camera', async () => {
    const operator = await signInToConsole(await context.newPage(), { origin, role: 'operator', purpose: TEST_PURPOSE });
    expect(await operator.isVisible('#footage-toggle')).toBe(true);
    expect(await operator.isVisible('#community-toggle')).toBe(false);
    await operator.click('#footage-toggle');
    await operator.waitForSelector('#community .footage-requests');
    await operator.close();

    const supervisor = await signInToConsole(await context.newPage(), { origin, role: 'supervisor', purpose: TEST_PURPOSE });
    await supervisor.click('#community-toggle');
    await supervisor.waitForSelector(`.pending-registration[data-registration-id="${registrationId}"]`, { timeout: 15_000 });
    expect(await criticalViolations(supervisor)).toEqual([]);
    await supervisor.click(`#reject-${registrationId}`);
    // Rejecting needs a reason.
    await supervisor.click('#reject-submit');
    expect(await supervisor.isVisible('#reject-note')).toBe(true);
    await supervisor.fill('#reject-note', 'The camera points into a neighbour’s yard.');
    await supervisor.click('#reject-submit');
    await supervisor.waitForSelector(`.pending-registration[data-registration-id="${registrationId}"]`, { state: 'detached', timeout: 15_000 });
    await supervisor.close();

    await refreshOwnerPage(first);
    await first.waitForSelector(`.owner-camera[data-registration-id="${registrationId}"][data-status="REJECTED"]`, { timeout: 15_000 });
    expect(await first.textContent(`.owner-camera[data-registration-id="${registrationId}"] .camera-status`)).toContain('neighbour’s yard');
    // The operators never saw it.
    const listed = await queryAs<{ cameras: { edges: { node: { id: string } }[] } }>(running.hub, ['operator'], '{ cameras(first: 100) { edges { node { id } } } }');
    expect(listed.data?.cameras.edges.map(({ node }) => node.id)).not.toContain(`community:${registrationId}`);
  }, 90_000);

  it('keeps an open terms editor through a background refresh, and redraws once it is closed', async () => {
    await first.click(`#change-terms-${registrationId}`);
    await first.selectOption(`#terms-${registrationId}-edit-mode`, 'ALARM');
    const loads = await first.evaluate(() => (window as unknown as { __connect: { loads: number } }).__connect.loads);
    await refreshOwnerPage(first);
    expect(await first.evaluate(() => (window as unknown as { __connect: { loads: number } }).__connect.loads)).toBeGreaterThan(loads);
    expect(await first.inputValue(`#terms-${registrationId}-edit-mode`)).toBe('ALARM');
    await first.click(`#change-terms-${registrationId}`);
    await refreshOwnerPage(first);
    expect(await first.$(`#terms-${registrationId}-edit-mode`)).toBeNull();
  }, 30_000);

  it('offers only erasure when withdrawing a camera the program never took (here: not accepted)', async () => {
    await first.click(`#withdraw-${registrationId}`);
    await first.waitForSelector('#withdraw-choice-erase');
    expect(await first.$('#withdraw-choice-keep')).toBeNull();
  }, 30_000);

  it('shows a city partner no Community Connect part of the console', async () => {
    const partner = await signInToConsole(await context.newPage(), { origin, role: 'partner', purpose: null });
    expect(await partner.isVisible('#footage-toggle')).toBe(false);
    expect(await partner.isVisible('#community-toggle')).toBe(false);
    await partner.close();
  }, 60_000);
});

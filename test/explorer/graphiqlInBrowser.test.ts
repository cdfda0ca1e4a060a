import { join } from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { HeadlessChromium } from '../../console/launchHeadlessChromium';
import { buildExplorer } from '../../explorer/buildExplorer';
import { SCREENSHOTS, describeWithChromium, startChromium } from '../support/browser';
import { loadCityFixture, ringingCall } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

const target = STORAGE_TARGETS[0]!;

/** Text shown in a Monaco editor of GraphiQL (its rendered lines; Monaco draws spaces as U+00A0). */
const editorText = (page: Page, selector: string) => page.locator(`${selector} .view-lines`).innerText().then((text) => text.replace(/\u00a0/g, ' '));

/** Types `document` over what the query editor holds and runs it (Ctrl-Enter), as a user would. */
async function typeAndRun(page: Page, document: string): Promise<void> {
  await page.click('.graphiql-query-editor .monaco-editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(document);
  await page.keyboard.press('Control+Enter');
}

/**
 * Signs in through the development sign-in panel, opening it first if GraphiQL remembered another
 * panel as the visible one (it keeps that in the browser's storage).
 */
async function signIn(page: Page, role: string): Promise<void> {
  await page.locator('.graphiql-sidebar').waitFor();
  if (!(await page.locator('.rtcc-dev-sign-in').isVisible())) await page.click('button[aria-label="Show Development sign-in"]');
  await page.locator(`#rtcc-dev-role option[value="${role}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#rtcc-dev-role', role);
  await page.click('.rtcc-dev-sign-in button[type="submit"]');
  await page.locator('.rtcc-dev-status', { hasText: `Signed in as dev-${role}` }).waitFor();
}

/**
 * GraphiQL at /graphiql in Debian's headless Chromium against a test hub that is its own issuer:
 * the page, its bundles and Monaco's workers come from the hub, the development sign-in fills
 * the Authorization header, and a query typed into the editor shows its answer.
 */
describeWithChromium('the explorer (GraphiQL at /graphiql) in a browser', () => {
  let hub: TestHub;
  let chromium: HeadlessChromium;
  let context: BrowserContext;
  let origin: string;
  let incidentId: string;

  beforeAll(async () => {
    const [started] = await Promise.all([startTestHub(target), buildExplorer()]);
    hub = started;
    await loadCityFixture(hub.sink);
    const first = await hub.query<{ incidents: { edges: { node: { id: string } }[] } }>('{ incidents(first: 1) { edges { node { id } } } }');
    incidentId = first.data!.incidents.edges[0]!.node.id;
    origin = new URL(hub.gatewayUrl).origin;
    chromium = await startChromium();
    context = chromium.context;
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await hub?.close();
  });

  it('loads from the hub alone, signs in as an operator and runs a typed query', async () => {
    const page = await context.newPage();
    const requests: Request[] = [];
    page.on('request', (request) => requests.push(request));
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const response = await page.goto(`${origin}/graphiql`);
    expect(response?.status()).toBe(200);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 60_000 });

    // The development sign-in panel: its roles come from the hub; the token lands in the headers editor.
    await signIn(page, 'operator');
    expect(await editorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)')).toContain('"Authorization": "Bearer ey');

    // A query typed over the default one.
    await typeAndRun(page, '{ incidents(first: 1) { edges { node { id } } } }');
    await page.locator('.graphiql-response .view-lines', { hasText: incidentId }).waitFor({ timeout: 30_000 });
    expect(await editorText(page, '.graphiql-response')).toMatch(/"incidents"/);
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer.png') });

    // Every request went to the hub: the page, the bundles, Monaco's workers, the sign-in, /graphql.
    const urls = requests.map((request) => request.url());
    expect(urls.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
    expect(urls).toEqual(expect.arrayContaining([
      `${origin}/graphiql/assets/explorer.js`,
      `${origin}/graphiql/assets/explorer.css`,
      `${origin}/auth/dev/roles`,
      `${origin}/auth/dev/token`,
      `${origin}/graphql`,
    ]));
    expect(urls.some((url) => /\/graphiql\/assets\/(editor|graphql|json)\.worker\.js$/.test(url))).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  it('fetched the schema with the token: the documentation explorer knows the Query type', async () => {
    const page = await context.newPage();
    await page.goto(`${origin}/graphiql`);
    await signIn(page, 'auditor');
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.locator('.graphiql-doc-explorer', { hasText: 'query: Query' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.graphiql-doc-explorer').innerText()).toMatch(/IncidentConnection/);
    await page.close();
  }, 120_000);

  it('runs a subscription over graphql-ws on the hub, with the token as connection parameter', async () => {
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${origin}/graphiql`);
    await signIn(page, 'operator');
    const streamsBefore = (await hub.gateway.subscriptionStats()).sharedStreams;
    await typeAndRun(page, 'subscription { callReceived { id } }');
    await eventually(async () => (await hub.gateway.subscriptionStats()).sharedStreams > streamsBefore, 30_000, 'the explorer\'s subscription');
    // The gateway counts the stream before its subgraph subscription is up; a call rung before
    // then is not delivered (no replay), so calls ring until one shows.
    let rung = 0;
    await eventually(async () => {
      await hub.sink.emit(ringingCall(`explorer-call-${++rung}`));
      return page.locator('.graphiql-response .view-lines', { hasText: 'explorer-call-' }).isVisible();
    }, 30_000, 'a call in the response editor');
    expect(await editorText(page, '.graphiql-response')).toMatch(/"callReceived": \{\s*"id": "explorer-call-\d+"/);
    expect(sockets).toEqual([`${origin.replace('http:', 'ws:')}/graphql`]);
    await page.close();
  }, 120_000);
});

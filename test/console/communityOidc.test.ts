import { decodeJwt } from 'jose';
import pino from 'pino';
import { buildConsole } from '../../console/buildConsole';
import type { HeadlessChromium } from '../../console/launchHeadlessChromium';
import { readHubConfig } from '../../config/hubConfig';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { describeWithChromium, startChromium } from '../support/browser';
import { CITY_FREE_PORTS } from '../support/consoleHub';
import { type TestOidcProvider, startOidcProvider } from '../support/startOidcProvider';

const CLIENT_ID = 'rtcc-console';
const API = { resource: 'urn:rtcc-hub:graphql', audience: 'rtcc-hub' } as const;
/** A resident at the agency's resident identity provider: a camera owner by role, known to it by its own subject only. */
const RESIDENT = { username: 'sam.resident', password: 'a long and unguessable phrase', accessTokenClaims: { roles: ['camera-owner'] } } as const;
declare const window: { __connect?: { ready: boolean; ownerId: string | null } };

/**
 * The owner pages against a hub whose tokens come from a real OpenID provider: `/connect/`
 * sends the resident to the provider and back to `/connect/` (its own redirect URI), and the
 * hub takes the resident's subject as their owner id.
 */
describeWithChromium('the owner pages’ sign-in at a resident identity provider', () => {
  let provider: TestOidcProvider;
  let running: ConfiguredHub;
  let chromium: HeadlessChromium;
  let origin: string;

  beforeAll(async () => {
    await buildConsole();
    provider = await startOidcProvider({ accounts: [RESIDENT], api: API });
    running = await createConfiguredHub({
      config: readHubConfig({
        ...CITY_FREE_PORTS,
        AUTH_ISSUER: provider.issuer,
        AUTH_AUDIENCE: API.audience,
        CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
        SIM_SEED: '5',
        SIM_UNITS: '2',
        SIM_CAMERAS: '4',
        SIM_ONVIF_CAMERAS: '0',
        SIM_COMMUNITY: 'false',
        AUTH_DEV_KEY_FILE: 'memory',
        PGLITE_DATA_DIR: 'memory',
        RATE_LIMIT_PER_MINUTE: '0',
      }),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    origin = new URL(running.hub.gatewayUrl).origin;
    provider.registerClient({ clientId: CLIENT_ID, redirectUris: [`${origin}/`, `${origin}/connect/`], postLogoutRedirectUris: [`${origin}/`, `${origin}/connect/`] });
    chromium = await startChromium({ viewport: { width: 360, height: 780 } });
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await running?.close();
    await provider?.close();
  });

  it('signs a resident in at the provider, back to /connect/, as the owner their subject names', async () => {
    const page = await chromium.context.newPage();
    let redirectUri: string | null = null;
    page.on('request', (request) => {
      if (request.url().startsWith(`${provider.issuer}/auth?`)) redirectUri = new URL(request.url()).searchParams.get('redirect_uri');
    });
    const tokenResponse = page.waitForResponse((response) => response.url() === provider.tokenEndpoint && response.request().method() === 'POST', { timeout: 60_000 });
    await page.goto(`${origin}/connect/`);
    await page.click('#sign-in-submit');
    await page.waitForURL(`${provider.issuer}/interaction/**`, { timeout: 60_000 });
    await page.fill('#username', RESIDENT.username);
    await page.fill('#password', RESIDENT.password);
    await page.click('#login-submit');
    await page.waitForFunction(() => window.__connect?.ready === true, undefined, { timeout: 60_000 });
    expect(redirectUri).toBe(`${origin}/connect/`);
    // Back on /connect/, the code and state gone from the address.
    expect(new URL(page.url()).pathname).toBe('/connect/');
    expect(new URL(page.url()).search).toBe('');
    const { access_token: accessToken } = (await (await tokenResponse).json()) as { access_token: string };
    const subject = decodeJwt(accessToken).sub;

    await page.fill('#profile-display-name', 'Sam’s Garage');
    await page.click('#profile-save');
    await page.waitForSelector('#register-form', { timeout: 15_000 });
    expect(await page.evaluate(() => window.__connect!.ownerId)).toBe(subject);
  }, 120_000);
});

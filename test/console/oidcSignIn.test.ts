import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import pino from 'pino';
import type { Page, Request } from 'playwright-core';
import { buildConsole } from '../../console/buildConsole';
import { type HeadlessChromium, hasChromium, launchHeadlessChromium } from '../../console/launchHeadlessChromium';
import { readHubConfig } from '../../config/hubConfig';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { type TestOidcProvider, startOidcProvider } from '../support/startOidcProvider';
import { CITY_FREE_PORTS, startTestHub, type TestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

if (!hasChromium()) console.warn('test/console/oidcSignIn skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)');
const describeWithChromium = hasChromium() ? describe : describe.skip;

const PURPOSE = 'TEST-0001';
const CLIENT_ID = 'rtcc-console';
const CAMERAS = 20;
/** The hub's API at the provider: its resource indicator, and the audience the hub expects (AUTH_AUDIENCE). */
const API = { resource: 'urn:rtcc-hub:graphql', audience: 'rtcc-hub' } as const;
const OPERATOR = { username: 'j.rivera', password: 'correct horse battery staple', accessTokenClaims: { roles: ['operator'] } } as const;
/** The tab's storage keys of the console (console/app/session/createSession.ts, console/app/main.ts). */
const TOKEN_KEY = 'rtcc-console-token';
const PURPOSE_KEY = 'rtcc-console-purpose';

declare const window: { __console?: { ready: boolean; view: { full: boolean } | null; layerCounts(): Record<string, number> } };

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * The operator console against a hub whose tokens come from a real OpenID Provider
 * (oidc-provider, in this process): the console sends the operator to the provider, gets the
 * code back, exchanges it with its PKCE verifier, and the hub takes the provider's access token.
 * Tokens the hub must refuse (another issuer's, expired ones) bring the sign-in back, saying why.
 */
describeWithChromium('console sign-in at a real OpenID provider (authorization code with PKCE)', () => {
  let provider: TestOidcProvider;
  let running: ConfiguredHub;
  let browser: HeadlessChromium;
  let origin: string;

  beforeAll(async () => {
    await buildConsole();
    provider = await startOidcProvider({ accounts: [OPERATOR], api: API });
    running = await createConfiguredHub({
      config: readHubConfig({
        ...CITY_FREE_PORTS,
        // No AUTH_JWKS_URL: the hub finds the keys through the provider's discovery document.
        AUTH_ISSUER: provider.issuer,
        AUTH_AUDIENCE: API.audience,
        CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
        SIM_SEED: '3',
        SIM_UNITS: '4',
        SIM_CAMERAS: String(CAMERAS),
        SIM_ONVIF_CAMERAS: '0',
        AUTH_DEV_KEY_FILE: 'memory',
        PGLITE_DATA_DIR: 'memory',
        RATE_LIMIT_PER_MINUTE: '0',
      }),
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    origin = new URL(running.hub.gatewayUrl).origin;
    // Registered once the hub listens: the console's redirect URI is the hub's own page.
    provider.registerClient({ clientId: CLIENT_ID, redirectUris: [`${origin}/`], postLogoutRedirectUris: [`${origin}/`] });
    browser = await launchHeadlessChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await provider?.close();
  });

  /** The console's requests to the hub's GraphQL endpoint, with the headers they carried. */
  const graphqlRequests = (page: Page) => {
    const seen: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') seen.push(request);
    });
    return seen;
  };

  /** Opens a tab whose console holds `token` (and a purpose) as if it had signed in before. */
  const openWithKeptToken = async (token: string) => {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/console/config.json`);
    await page.evaluate(([tokenKey, purposeKey, kept, purpose]) => {
      sessionStorage.setItem(tokenKey!, kept!);
      sessionStorage.setItem(purposeKey!, purpose!);
    }, [TOKEN_KEY, PURPOSE_KEY, token, PURPOSE]);
    await page.goto(`${origin}/`);
    return page;
  };

  it('redirects to the provider, exchanges the code with its PKCE verifier, and the hub takes the access token', async () => {
    const page = await browser.context.newPage();
    const hubRequests = graphqlRequests(page);
    let authorization: URL | undefined;
    page.on('request', (request) => {
      if (request.url().startsWith(`${provider.issuer}/auth?`)) authorization = new URL(request.url());
    });
    // The console's own token request goes through untouched, after the same code was tried
    // without its verifier (the provider must refuse that, and not spend the code on it).
    let exchange: URLSearchParams | undefined;
    let withoutVerifier: { status: number; body: { error?: string } } | undefined;
    await page.route(provider.tokenEndpoint, async (route) => {
      exchange = new URLSearchParams(route.request().postData() ?? '');
      const stripped = new URLSearchParams(exchange);
      stripped.delete('code_verifier');
      const answer = await fetch(provider.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: stripped });
      withoutVerifier = { status: answer.status, body: (await answer.json()) as { error?: string } };
      await route.continue();
    });
    const tokenResponse = page.waitForResponse((response) => response.url() === provider.tokenEndpoint && response.request().method() === 'POST', { timeout: 60_000 });

    await page.goto(`${origin}/`);
    await page.click('#sign-in-submit');
    await page.waitForURL(`${provider.issuer}/interaction/**`, { timeout: 60_000 });
    // The provider checks the password: a wrong one is refused on its own page.
    await page.fill('#username', OPERATOR.username);
    await page.fill('#password', 'wrong');
    await page.click('#login-submit');
    await expect(page.locator('#login-problem').textContent()).resolves.toMatch(/wrong password/);
    await page.fill('#username', OPERATOR.username);
    await page.fill('#password', OPERATOR.password);
    await page.click('#login-submit');

    // Back at the console, which asks for the purpose before restricted data.
    await page.waitForSelector('#purpose-number', { timeout: 60_000 });
    expect(new URL(page.url()).search).toBe('');
    const token = await tokenResponse;
    expect(token.status()).toBe(200);
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    await page.fill('#purpose-number', PURPOSE);
    await page.click('#purpose-submit');
    await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });

    // The authorization request: code flow with an S256 challenge of the verifier sent later.
    expect(authorization?.searchParams.get('response_type')).toBe('code');
    expect(authorization?.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorization?.searchParams.get('redirect_uri')).toBe(`${origin}/`);
    expect(authorization?.searchParams.get('code_challenge_method')).toBe('S256');
    const verifier = exchange?.get('code_verifier') ?? '';
    expect(verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(authorization?.searchParams.get('code_challenge')).toBe(base64url(createHash('sha256').update(verifier).digest()));
    expect(exchange?.get('grant_type')).toBe('authorization_code');
    // The same code without the verifier: refused, for PKCE.
    expect(withoutVerifier).toEqual({ status: 400, body: expect.objectContaining({ error: 'invalid_grant' }) });
    expect(provider.refusedGrants).toContainEqual({ error: 'invalid_grant', detail: 'PKCE verification failed' });

    // The access token is the provider's JWT for the hub, carrying the operator's role.
    expect(decodeJwt(accessToken)).toMatchObject({ iss: provider.issuer, aud: API.audience, sub: OPERATOR.username, roles: ['operator'] });
    // Every request to the hub carried it and the purpose; the first query's answer has the city.
    expect(hubRequests.length).toBeGreaterThan(0);
    for (const request of hubRequests) {
      expect(await request.headerValue('authorization')).toBe(`Bearer ${accessToken}`);
      expect(await request.headerValue('x-purpose')).toBe(PURPOSE);
    }
    const state = hubRequests.find((request) => (request.postDataJSON() as { operationName?: string }).operationName === 'ConsoleState');
    const answer = await state!.response();
    expect(answer?.status()).toBe(200);
    const body = (await answer!.json()) as { data: { cameras: { edges: unknown[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data.cameras.edges.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.__console!.view)).toMatchObject({ full: true });
    expect((await page.evaluate(() => window.__console!.layerCounts())).cameras).toBe(body.data.cameras.edges.length);

    // Sign-out ends the session at the provider too: signing in again asks for the password.
    await page.click('#sign-out');
    await page.waitForURL(`${provider.issuer}/session/end**`, { timeout: 60_000 });
    await page.click('#logout-yes');
    await page.waitForSelector('#sign-in-submit', { timeout: 60_000 });
    expect(page.url()).toBe(`${origin}/`);
    expect(await page.evaluate(([tokenKey, purposeKey]) => [sessionStorage.getItem(tokenKey!), sessionStorage.getItem(purposeKey!)], [TOKEN_KEY, PURPOSE_KEY])).toEqual([null, null]);
    await page.click('#sign-in-submit');
    await page.waitForSelector('#login-submit', { timeout: 60_000 });
    expect(page.url()).toMatch(new RegExp(`^${provider.issuer}/interaction/`));
    await page.close();
  }, 180_000);

  it.each([
    [
      'from another issuer',
      /not signed by a key of the issuer/,
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return new SignJWT({ roles: ['operator'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'elsewhere' })
          .setIssuer('https://login.elsewhere.example')
          .setAudience(API.audience)
          .setSubject(OPERATOR.username)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
      },
    ],
    [
      'that expired',
      /token expired/,
      // Signed by the provider's own key: a token it issued two hours ago, for one hour.
      () => provider.sign({ sub: OPERATOR.username, aud: API.audience, roles: ['operator'], iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
  ])('refuses a token %s, and the console asks to sign in again saying why', async (_case, reason, signToken) => {
    const refused = await signToken();
    const direct = await fetch(running.hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${refused}`, 'x-purpose': PURPOSE },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(direct.status).toBe(401);

    // No session at the provider from an earlier case: signing in again asks for the password.
    await browser.context.clearCookies();
    const page = await openWithKeptToken(refused);
    const problem = page.locator('#sign-in-problem');
    await problem.waitFor({ timeout: 60_000 });
    await expect(problem.textContent()).resolves.toMatch(/refused/);
    await expect(problem.textContent()).resolves.toMatch(reason);
    expect(await page.evaluate(() => window.__console?.ready ?? false)).toBe(false);
    expect(await page.evaluate((tokenKey) => sessionStorage.getItem(tokenKey), TOKEN_KEY)).toBeNull();

    // Signing in again at the provider gives a token the hub takes; the stated purpose is kept.
    await page.click('#sign-in-submit');
    await page.fill('#username', OPERATOR.username);
    await page.fill('#password', OPERATOR.password);
    await page.click('#login-submit');
    await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });
    const kept = await page.evaluate((tokenKey) => sessionStorage.getItem(tokenKey), TOKEN_KEY);
    expect(kept).not.toBe(refused);
    expect(decodeJwt(kept!)).toMatchObject({ iss: provider.issuer, sub: OPERATOR.username });
    await page.close();
  }, 120_000);
});

/**
 * The same dialogs with the hub as its own development issuer: a role, then the purpose; a
 * blank purpose is none; a refused token brings the role back with the reason; sign-out forgets.
 */
describeWithChromium('console sign-in with the development issuer', () => {
  let hub: TestHub;
  let browser: HeadlessChromium;

  beforeAll(async () => {
    await buildConsole();
    hub = await startTestHub(STORAGE_TARGETS[0]!);
    browser = await launchHeadlessChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('signs in with a role and a purpose, asks again after a refused token, and signs out', async () => {
    const origin = new URL(hub.gatewayUrl).origin;
    const page = await browser.context.newPage();
    await page.goto(`${origin}/`);
    await page.selectOption('#sign-in-role', 'operator');
    await page.click('#sign-in-submit');
    await page.fill('#purpose-number', '   ');
    await page.click('#purpose-submit');
    await expect(page.locator('#purpose-number').isVisible()).resolves.toBe(true);
    await page.fill('#purpose-number', PURPOSE);
    await page.click('#purpose-submit');
    await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });

    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ roles: ['operator'] }).setProtectedHeader({ alg: 'ES256', kid: 'elsewhere' }).setIssuer('https://login.elsewhere.example').setAudience('rtcc-hub').setSubject('someone').setExpirationTime('1h').sign(privateKey);
    await page.evaluate(([tokenKey, token]) => sessionStorage.setItem(tokenKey!, token!), [TOKEN_KEY, foreign]);
    await page.reload();
    await expect(page.locator('#sign-in-problem').textContent()).resolves.toMatch(/refused.*not signed by a key of the issuer/);
    await page.selectOption('#sign-in-role', 'operator');
    await page.click('#sign-in-submit');
    await page.waitForFunction(() => window.__console?.ready === true, undefined, { timeout: 60_000 });
    expect(await page.evaluate((tokenKey) => sessionStorage.getItem(tokenKey), TOKEN_KEY)).not.toBe(foreign);

    await page.click('#sign-out');
    await page.waitForSelector('#sign-in-role', { timeout: 60_000 });
    expect(await page.evaluate((tokenKey) => sessionStorage.getItem(tokenKey), TOKEN_KEY)).toBeNull();
    await page.close();
  }, 120_000);
});

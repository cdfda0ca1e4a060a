import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair, importJWK } from 'jose';

/** Someone who can sign in at the provider, and the claims their access tokens carry besides the standard ones. */
export interface OidcTestAccount {
  readonly username: string;
  readonly password: string;
  /** E.g. `{ roles: ['operator'] }`, as an agency's issuer maps its groups into the hub's roles claim. */
  readonly accessTokenClaims: Readonly<Record<string, unknown>>;
}

/** A public client (no secret, so PKCE): a single-page application such as the console. */
export interface OidcTestClient {
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
}

export interface OidcProviderOptions {
  readonly accounts: readonly OidcTestAccount[];
  /**
   * The API's resource indicator (RFC 8707) and the audience (`aud`) of its access tokens. Every
   * authorization is for this API unless the client names another, and its access tokens are JWTs
   * (oidc-provider's are opaque otherwise), as the hub verifies them.
   */
  readonly api: { readonly resource: string; readonly audience: string; readonly accessTokenTtlSeconds?: number };
}

/** A token request the provider refused, with its own reason (which it does not send the client). */
export interface RefusedGrant {
  readonly error: string;
  readonly detail: string | undefined;
}

export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens, and where `/.well-known/openid-configuration` is. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Clients may be registered after the provider started (a client's redirect URI names a port only known later). */
  registerClient(client: OidcTestClient): void;
  readonly refusedGrants: readonly RefusedGrant[];
  /** Signs `claims` with the provider's own key as its issuer: tokens it would not issue now, e.g. expired ones. */
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/** What of oidc-provider 8 (which ships no types) the helper uses. */
interface Provider {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(request: IncomingMessage, response: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  on(event: 'grant.error', listener: (context: unknown, error: { error: string; error_detail?: string }) => void): void;
  readonly Grant: {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  };
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: readonly string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface InteractionDetails {
  readonly uid: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly grantId?: string;
  readonly session?: { readonly accountId: string };
  readonly prompt: { readonly name: string; readonly details: Readonly<Record<string, unknown>> };
}
interface ProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => Provider;
  errors: { InvalidTarget: new (description?: string) => Error };
}
interface MemoryAdapterModule {
  default: new (model: string) => { readonly model: string; find(id: string): Promise<unknown> };
}

// oidc-provider is an ES module; the tests are compiled to CommonJS, whose import() would become require().
const importModule = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

/**
 * Starts a real OpenID Provider (oidc-provider 8) in this process on a free port: authorization
 * code with PKCE required (S256), JWT access tokens for `options.api` with each account's claims,
 * CORS for the registered clients' origins, RP-initiated logout, and a login page of its own
 * (username and password, checked) whose consent is implied, as for an agency's own application.
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<TestOidcProvider> {
  const { accounts, api } = options;
  const [{ default: Provider, errors }, { default: MemoryAdapter }] = await Promise.all([
    importModule<ProviderModule>('oidc-provider'),
    // The provider's own in-memory store; clients are looked up here at each request instead.
    importModule<MemoryAdapterModule>('oidc-provider/lib/adapters/memory_adapter.js'),
  ]);
  const clients = new Map<string, Record<string, unknown>>();
  class ClientLookupAdapter extends MemoryAdapter {
    override async find(id: string) {
      return this.model === 'Client' ? clients.get(id) : super.find(id);
    }
  }
  const accountsByName = new Map(accounts.map((account) => [account.username, account]));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey: JWK = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

  // The issuer names the port, so the provider is made, and answers, once the server listens.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const refusedGrants: RefusedGrant[] = [];

  const provider = new Provider(issuer, {
    adapter: ClientLookupAdapter,
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: async (_context: unknown, sub: string) => (accountsByName.has(sub) ? { accountId: sub, claims: async () => ({ sub, name: sub }) } : undefined),
    claims: { openid: ['sub'], profile: ['name'] },
    // Lifetimes in seconds, given so that the provider does not warn about its defaults.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600 },
    pkce: { required: () => true },
    clientBasedCORS: (_context: unknown, origin: string, client: { redirectUris: string[] }) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
    extraTokenClaims: async (_context: unknown, token: { kind: string; accountId?: string }) =>
      token.kind === 'AccessToken' && token.accountId ? { ...accountsByName.get(token.accountId)?.accessTokenClaims } : undefined,
    interactions: { url: (_context: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError: async (context: { type: string; body: string }, out: Record<string, string>) => {
      context.type = 'html';
      context.body = page('Sign-in error', `<p id="provider-error">${escapeHtml(`${out.error}: ${out.error_description ?? ''}`)}</p>`);
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => api.resource,
        // The code was granted for the API; its exchange needs not name it again.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_context: unknown, resource: string) => {
          if (resource !== api.resource) throw new errors.InvalidTarget();
          return { audience: api.audience, scope: '', accessTokenFormat: 'jwt', accessTokenTTL: api.accessTokenTtlSeconds ?? 3600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (context: { body: string }, form: string) => {
          context.body = page(
            'Sign out',
            `<h1>Sign out of the test issuer?</h1>${form}<button id="logout-yes" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button><button id="logout-no" type="submit" form="op.logoutForm">No, stay signed in</button>`,
          );
        },
        postLogoutSuccessSource: async (context: { body: string }) => {
          context.body = page('Signed out', '<h1 id="signed-out">Signed out</h1>');
        },
      },
    },
  });
  provider.on('grant.error', (_context, error) => refusedGrants.push({ error: error.error, detail: error.error_detail }));
  const providerCallback = provider.callback();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String((error as Error).stack ?? error));
    });
  });
  const key = await importJWK(signingKey, 'RS256');

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    refusedGrants,
    registerClient(client) {
      clients.set(client.clientId, {
        client_id: client.clientId,
        redirect_uris: [...client.redirectUris],
        post_logout_redirect_uris: [...client.postLogoutRedirectUris],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      });
    },
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingKey.kid!, typ: 'at+jwt' }).setIssuer(issuer).sign(key),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };

  /** The login page and its form are the test's; everything else is the provider's. */
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const interaction = /^\/interaction\/[^/?]+(\/login)?(?:\?|$)/.exec(request.url ?? '');
    if (!interaction) return providerCallback(request, response);
    const details = await provider.interactionDetails(request, response);
    if (details.prompt.name !== 'login') {
      // Consent for a first-party application is implied: grant what the request asks.
      return provider.interactionFinished(request, response, { consent: { grantId: await grantAsked(provider, details) } }, { mergeWithLastSubmission: true });
    }
    if (request.method !== 'POST' || !interaction[1]) return sendLogin(response, details.uid, null);
    const form = new URLSearchParams(await readBody(request));
    const account = accountsByName.get(form.get('username') ?? '');
    if (!account || account.password !== form.get('password')) return sendLogin(response, details.uid, 'Unknown username or wrong password.');
    return provider.interactionFinished(request, response, { login: { accountId: account.username } }, { mergeWithLastSubmission: false });
  }
}

/** The grant of what the consent prompt found missing (OIDC scopes and claims, API scopes). */
async function grantAsked(provider: Provider, details: InteractionDetails): Promise<string> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent before login');
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

function sendLogin(response: ServerResponse, uid: string, problem: string | null): void {
  const alert = problem ? `<p id="login-problem" role="alert">${escapeHtml(problem)}</p>` : '';
  response.writeHead(problem ? 401 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(
    page(
      'Test issuer sign-in',
      `<h1>Test issuer sign-in</h1>${alert}<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">` +
        '<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>' +
        '<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>' +
        '<button id="login-submit" type="submit">Sign in</button></form>',
    ),
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

import { UserManager } from 'oidc-client-ts';

/**
 * Sign-in with a real issuer: OAuth 2.0 authorization code with PKCE (oidc-client-ts). The page
 * redirects to the issuer and comes back to `/` with a code, exchanged here for the access token
 * the hub verifies. Resolves with that token; a first call redirects away and never resolves.
 */
export async function createOidcSignIn(options: { readonly issuer: string; readonly clientId: string; readonly audience: string }): Promise<string> {
  const manager = new UserManager({
    authority: options.issuer,
    client_id: options.clientId,
    redirect_uri: `${window.location.origin}/`,
    response_type: 'code',
    scope: 'openid profile',
    extraQueryParams: { audience: options.audience },
  });
  const query = new URLSearchParams(window.location.search);
  if (query.has('code') && query.has('state')) {
    const user = await manager.signinRedirectCallback();
    window.history.replaceState(null, '', '/');
    return user.access_token;
  }
  const user = await manager.getUser();
  if (user && !user.expired) return user.access_token;
  await manager.signinRedirect();
  return new Promise<string>(() => undefined);
}

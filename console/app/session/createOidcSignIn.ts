import { UserManager } from 'oidc-client-ts';
import { showDialogForm } from '../ui/showDialogForm';

export interface OidcSignInOptions {
  /** Where the sign-in dialog is drawn (the page's `#dialog`). */
  readonly container: HTMLElement;
  /** The issuer (AUTH_ISSUER): its `/.well-known/openid-configuration` names the endpoints. */
  readonly issuer: string;
  readonly clientId: string;
  /** The audience the hub wants in its tokens (AUTH_AUDIENCE). */
  readonly audience: string;
  /** The page the issuer sends the browser back to, on this origin; default `/` (the console), `/connect/` for the owner pages. */
  readonly home?: string;
}

/**
 * Sign-in with a real issuer: OAuth 2.0 authorization code with PKCE (S256), by oidc-client-ts.
 * The page leaves for the issuer and comes back to `/` with a code, which is exchanged for the
 * access token the hub verifies, with the verifier kept (in this browser) since it left.
 */
export interface OidcSignIn {
  /**
   * The access token. Back from the issuer (`?code&state`), the code's; otherwise a dialog offers
   * to sign in at the issuer and its button leaves the page (the promise then never settles).
   * `problem` says in the dialog why it is asked again.
   */
  signIn(problem?: string | null): Promise<string>;
  /** Forgets the user and ends the session at the issuer too (RP-initiated logout), back to `/`. */
  signOut(): Promise<void>;
  /** Forgets the user in this browser only (the hub refused its token). */
  forget(): Promise<void>;
}

/** Creates the sign-in at `options.issuer` for this page's origin. */
export function createOidcSignIn(options: OidcSignInOptions): OidcSignIn {
  const homePath = options.home ?? '/';
  const home = `${window.location.origin}${homePath}`;
  const manager = new UserManager({
    authority: options.issuer,
    client_id: options.clientId,
    redirect_uri: home,
    post_logout_redirect_uri: home,
    response_type: 'code',
    scope: 'openid profile',
    // Issuers of Auth0's kind choose the access token's audience by this parameter; others ignore it.
    extraQueryParams: { audience: options.audience },
    // Silent renewal would load the redirect URI, the whole console, in a hidden frame; when the
    // token expires the hub refuses it and the console asks to sign in again instead.
    automaticSilentRenew: false,
  });
  const host = new URL(options.issuer).host;

  /** Completes what the issuer's redirect back to `/` carries: a sign-in (code or error) or a sign-out. */
  const completeReturn = async (): Promise<string | null> => {
    const query = new URLSearchParams(window.location.search);
    if (!query.has('state')) return null;
    try {
      if (query.has('code') || query.has('error')) return (await manager.signinRedirectCallback()).access_token;
      await manager.signoutRedirectCallback();
      return null;
    } finally {
      // A reload must not replay the code (single use) or the state.
      window.history.replaceState(null, '', homePath);
    }
  };

  return {
    async signIn(problem = null) {
      let reason = problem;
      try {
        const token = await completeReturn();
        if (token) return token;
      } catch (error) {
        reason = `Sign-in at ${host} failed: ${(error as Error).message}`;
      }
      return showDialogForm<string>({
        container: options.container,
        id: 'sign-in',
        title: 'Sign in',
        explanation: `Sign in with your agency's identity provider (${host}).`,
        submitLabel: 'Sign in',
        problem: reason,
        submit: async () => {
          try {
            await manager.signinRedirect();
          } catch (error) {
            throw new Error(`No sign-in at ${host}: ${(error as Error).message}`);
          }
          return new Promise<string>(() => undefined);
        },
      });
    },
    async signOut() {
      try {
        await manager.signoutRedirect();
      } catch {
        // An issuer without an end-session endpoint: signed out here only.
        await manager.removeUser();
        window.location.assign(home);
      }
    },
    forget: () => manager.removeUser(),
  };
}

import type { ApiResult } from '../api/createApiClient';
import type { ConsoleSettings } from '../consoleSettings';
import { createDevSignIn } from './createDevSignIn';
import { createOidcSignIn } from './createOidcSignIn';

export interface ConsoleSessionOptions {
  /** How the console signs in (`/console/config.json`'s `auth`). */
  readonly auth: ConsoleSettings['auth'];
  /** The page's `#dialog`, where sign-in asks. */
  readonly dialog: HTMLElement;
  /** Where the token is kept for this tab; default `sessionStorage`. */
  readonly storage?: Storage;
  /** The key it is kept under; default TOKEN_KEY (the owner pages keep theirs apart). */
  readonly tokenKey?: string;
  /** The page a real issuer sends the browser back to; default `/`. */
  readonly home?: string;
  /** The development sign-in instead of the console's role picker (the owner pages' sign-up). */
  readonly devSignIn?: (problem: string | null) => Promise<string>;
}

/** The console's sign-in, whichever issuer: the token it holds, its sign-out, and what it does when the hub refuses the token. */
export interface ConsoleSession {
  /** The bearer token: kept from earlier in this tab, or through the sign-in (dialog, or the issuer and back). */
  signIn(): Promise<string>;
  /** Forgets the token; with a real issuer, ends the session there too. The page then leaves or reloads. */
  signOut(): Promise<void>;
  /**
   * `result` when the hub took the token. When it refused it (UNAUTHENTICATED: expired, another
   * issuer…; LOCKED_OUT) the token is forgotten and the sign-in asks again, saying why, and the
   * page starts afresh with the new token: the promise never settles, so that the console never
   * draws an empty map for a token nobody accepts.
   */
  accepted<T>(result: ApiResult<T>): Promise<ApiResult<T>>;
}

/** The key of the token in the tab's storage. */
export const TOKEN_KEY = 'rtcc-console-token';

/** Error codes with which the hub refuses the caller's token rather than the request. */
const TOKEN_REFUSALS: ReadonlySet<string> = new Set(['UNAUTHENTICATED', 'LOCKED_OUT']);

/** How one kind of issuer signs the operator in and out. */
interface SignInMethod {
  /** A new token, asked for in the dialog (`problem` says why it is asked again). */
  signIn(problem: string | null): Promise<string>;
  signOut(): Promise<void>;
  /** Forgets what the method keeps of a token the hub refused. */
  forget(): Promise<void>;
}

/** Creates the session for the issuer the hub names: its own development issuer, or OIDC. */
export function createSession(options: ConsoleSessionOptions): ConsoleSession {
  const { auth, dialog, storage = sessionStorage, tokenKey = TOKEN_KEY, home = '/', devSignIn } = options;
  const method: SignInMethod =
    auth.mode === 'oidc'
      ? createOidcSignIn({ container: dialog, issuer: auth.issuer, clientId: auth.clientId, audience: auth.audience, home })
      : {
          signIn: devSignIn ?? ((problem) => createDevSignIn(dialog, { ...auth, problem })),
          signOut: async () => window.location.reload(),
          forget: async () => undefined,
        };
  const obtain = async (problem: string | null) => {
    const token = await method.signIn(problem);
    storage.setItem(tokenKey, token);
    return token;
  };
  return {
    signIn: async () => storage.getItem(tokenKey) ?? (await obtain(null)),
    async signOut() {
      storage.removeItem(tokenKey);
      await method.signOut();
    },
    async accepted<T>(result: ApiResult<T>) {
      const refusal = result.errors.find((error) => TOKEN_REFUSALS.has(error.extensions?.code ?? ''));
      if (!refusal) return result;
      storage.removeItem(tokenKey);
      await method.forget();
      await obtain(`The hub refused the sign-in (${refusal.message}). Sign in again.`);
      // The console started with the refused token: it starts again with the new one.
      window.location.reload();
      return new Promise<ApiResult<T>>(() => undefined);
    },
  };
}

import { showDialogForm } from '../ui/showDialogForm';

export interface DevSignInOptions {
  readonly devTokenPath: string;
  readonly roles: readonly string[];
  /** Why the operator is asked again (the hub refused the last token), shown in the dialog. */
  readonly problem?: string | null;
}

/**
 * The development sign-in: pick one of the hub's roles and get a token from its development
 * issuer (`POST /auth/dev/token` with `{"role": …}` → `{"token", "expiresAt"}`).
 */
export function createDevSignIn(container: HTMLElement, options: DevSignInOptions): Promise<string> {
  const select = document.createElement('select');
  select.id = 'sign-in-role';
  select.name = 'role';
  for (const role of options.roles) select.append(new Option(role, role, role === 'operator', role === 'operator'));
  return showDialogForm({
    container,
    id: 'sign-in',
    title: 'Sign in (development issuer)',
    fields: [{ label: 'Role', control: select }],
    submitLabel: 'Sign in',
    problem: options.problem ?? null,
    submit: () => requestDevToken(options.devTokenPath, { role: select.value }).catch((error: unknown) => Promise.reject(new Error(`No token: ${(error as Error).message}`))),
  });
}

/** A token from the development issuer for `body` (`{ role }` and what else the issuer takes). */
export async function requestDevToken(devTokenPath: string, request: Readonly<Record<string, unknown>>): Promise<string> {
  const response = await fetch(devTokenPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  const body = (await response.json().catch(() => ({}))) as { token?: unknown; error?: unknown; message?: unknown };
  if (!response.ok || typeof body.token !== 'string') throw new Error(String(body.message ?? body.error ?? `HTTP ${response.status}`));
  return body.token;
}

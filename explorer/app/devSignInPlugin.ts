import { useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { createElement as h, useEffect, useState } from './react';

/** A role the development issuer hands out, as `GET /auth/dev/roles` lists it. */
interface DevRole {
  readonly role: string;
  readonly description: string;
}

/** Where the development sign-in asks, and where it leaves the token for requests without one. */
export interface DevSignInOptions {
  readonly tokenPath: string;
  readonly rolesPath: string;
  /** Called with the headers to send (Authorization, X-Purpose) once a token is handed out. */
  readonly onSignedIn: (headers: Readonly<Record<string, string>>) => void;
}

/**
 * A GraphiQL plugin for a hub that is its own issuer: pick a role (and a purpose for restricted
 * fields), get a token from `POST /auth/dev/token`, and find it in the request headers editor as
 * `Authorization: Bearer …`; the schema is fetched again with it.
 */
export function createDevSignInPlugin(options: DevSignInOptions) {
  const content = () => {
    const headerEditor = useGraphiQL((state) => state.headerEditor);
    const { introspect } = useGraphiQLActions();
    const [roles, setRoles] = useState<readonly DevRole[]>([]);
    const [role, setRole] = useState('operator');
    const [purpose, setPurpose] = useState('');
    const [status, setStatus] = useState('Not signed in: pick a role.');
    useEffect(() => {
      fetch(options.rolesPath)
        .then(async (response) => ((await response.json()) as { roles?: DevRole[] }).roles ?? [])
        .then(setRoles, () => setStatus('The hub did not list its roles.'));
    }, []);
    const signIn = async () => {
      setStatus('Signing in …');
      const response = await fetch(options.tokenPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
      const body = (await response.json()) as { token?: string; expiresAt?: string; subject?: string; error?: string };
      if (!response.ok || !body.token) {
        setStatus(`Refused: ${body.error ?? `HTTP ${response.status}`}`);
        return;
      }
      const headers: Record<string, string> = { Authorization: `Bearer ${body.token}`, ...(purpose.trim() ? { 'X-Purpose': purpose.trim() } : {}) };
      options.onSignedIn(headers);
      headerEditor?.setValue(JSON.stringify({ ...editedHeaders(headerEditor.getValue()), ...headers }, null, 2));
      setStatus(`Signed in as ${body.subject ?? role} (${role}) until ${new Date(body.expiresAt ?? '').toLocaleTimeString()}.`);
      await introspect();
    };
    const description = roles.find((entry) => entry.role === role)?.description ?? '';
    return h(
      'form',
      { className: 'rtcc-dev-sign-in', onSubmit: (event: Event) => { event.preventDefault(); void signIn(); } },
      h('h2', null, 'Development sign-in'),
      h('p', null, 'This hub is its own development issuer: it hands out tokens for any role to callers on this machine.'),
      h('label', { htmlFor: 'rtcc-dev-role' }, 'Role'),
      h('select', { id: 'rtcc-dev-role', value: role, onChange: (event: Event) => setRole((event.target as HTMLSelectElement).value) }, ...roles.map((entry) => h('option', { key: entry.role, value: entry.role }, entry.role))),
      h('p', { className: 'rtcc-dev-role-description' }, description),
      h('label', { htmlFor: 'rtcc-dev-purpose' }, 'Purpose (case or incident number, for restricted fields)'),
      h('input', { id: 'rtcc-dev-purpose', value: purpose, placeholder: 'CASE-2026-0001', onChange: (event: Event) => setPurpose((event.target as HTMLInputElement).value) }),
      h('button', { type: 'submit', className: 'graphiql-button' }, 'Get token'),
      h('p', { role: 'status', className: 'rtcc-dev-status' }, status),
    );
  };
  const icon = () => h('span', { 'aria-hidden': 'true', className: 'rtcc-dev-icon' }, 'ID');
  return { title: 'Development sign-in', icon, content };
}

/** The headers editor's JSON object, or none when it holds something else. */
function editedHeaders(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

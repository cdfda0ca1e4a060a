/**
 * The development sign-in: pick one of the hub's roles and get a token from its development
 * issuer (`POST /auth/dev/token` with `{"role": …}` → `{"token", "expiresAt"}`).
 */
export function createDevSignIn(container: HTMLElement, options: { readonly devTokenPath: string; readonly roles: readonly string[] }): Promise<string> {
  return new Promise((resolve) => {
    const form = document.createElement('form');
    form.className = 'dialog';
    form.setAttribute('aria-labelledby', 'sign-in-title');
    const title = document.createElement('h1');
    title.id = 'sign-in-title';
    title.textContent = 'Sign in (development issuer)';
    const label = document.createElement('label');
    label.htmlFor = 'sign-in-role';
    label.textContent = 'Role';
    const select = document.createElement('select');
    select.id = 'sign-in-role';
    select.name = 'role';
    for (const role of options.roles) select.append(new Option(role, role, role === 'operator', role === 'operator'));
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Sign in';
    submit.id = 'sign-in-submit';
    const problem = document.createElement('p');
    problem.className = 'form-error';
    problem.setAttribute('role', 'alert');
    form.append(title, label, select, submit, problem);
    container.replaceChildren(form);
    select.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit.disabled = true;
      fetch(options.devTokenPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: select.value }) })
        .then(async (response) => {
          const body = (await response.json().catch(() => ({}))) as { token?: unknown; error?: unknown; message?: unknown };
          if (!response.ok || typeof body.token !== 'string') throw new Error(String(body.message ?? body.error ?? `HTTP ${response.status}`));
          container.replaceChildren();
          resolve(body.token);
        })
        .catch((error: unknown) => {
          problem.textContent = `No token: ${(error as Error).message}`;
          submit.disabled = false;
        });
    });
  });
}

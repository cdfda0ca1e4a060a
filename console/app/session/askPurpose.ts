/**
 * Asks for the case or incident number the operator is working, before any restricted data
 * (caller identity, video, PTZ) is requested; the hub records it with every such read as the
 * purpose (X-Purpose, 28 CFR 23.20 need-to-know). Resolves with the number given.
 */
export function askPurpose(container: HTMLElement, previous: string | null = null): Promise<string> {
  return new Promise((resolve) => {
    const form = document.createElement('form');
    form.className = 'dialog';
    form.setAttribute('aria-labelledby', 'purpose-title');
    const title = document.createElement('h1');
    title.id = 'purpose-title';
    title.textContent = 'Purpose';
    const explanation = document.createElement('p');
    explanation.textContent = 'Caller identity, video and camera control are released for a stated case or incident number, recorded in the audit trail.';
    const label = document.createElement('label');
    label.htmlFor = 'purpose-number';
    label.textContent = 'Case or incident number';
    const input = document.createElement('input');
    input.id = 'purpose-number';
    input.name = 'purpose';
    input.required = true;
    input.autocomplete = 'off';
    input.value = previous ?? '';
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Continue';
    submit.id = 'purpose-submit';
    form.append(title, explanation, label, input, submit);
    container.replaceChildren(form);
    input.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const purpose = input.value.trim();
      if (purpose === '') return;
      container.replaceChildren();
      resolve(purpose);
    });
  });
}

/** One labelled control of a dialog; the caller gives the control its id (the label points at it). */
export interface DialogField {
  readonly label: string;
  readonly control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
}

export interface DialogFormOptions<T> {
  /** Where the dialog is drawn (the page's `#dialog`): it replaces what is there and leaves when done. */
  readonly container: HTMLElement;
  /** Ids of its parts: `<id>-title` names the form, `<id>-submit` is its button, `<id>-problem` says what went wrong. */
  readonly id: string;
  readonly title: string;
  readonly explanation?: string;
  readonly fields?: readonly DialogField[];
  readonly submitLabel: string;
  /** A second button that closes the dialog with `value` (Escape does the same); none: the dialog must be answered. */
  readonly cancel?: { readonly label: string; readonly value: T };
  /** Shown from the start: why the dialog is asked again (a refused token, a failed sign-in). */
  readonly problem?: string | null;
  /**
   * What a submission gives: a value closes the dialog with it; `undefined` keeps it open
   * (nothing usable entered); a thrown error is shown in the dialog, which stays for another try.
   */
  readonly submit: () => T | undefined | Promise<T | undefined>;
}

/**
 * A modal form the console asks something with (sign-in, purpose): title, explanation, fields
 * and one submit button, focus on the first field (or the button), Enter submits. The button is
 * disabled while a submission is under way, so that a double press sends one request. Resolves
 * with what `submit` gave.
 */
export function showDialogForm<T>(options: DialogFormOptions<T>): Promise<T> {
  const { container, id, fields = [] } = options;
  return new Promise((resolve) => {
    const form = document.createElement('form');
    form.className = 'dialog';
    form.setAttribute('aria-labelledby', `${id}-title`);
    const title = document.createElement('h1');
    title.id = `${id}-title`;
    title.textContent = options.title;
    form.append(title);
    if (options.explanation) {
      const explanation = document.createElement('p');
      explanation.textContent = options.explanation;
      form.append(explanation);
    }
    for (const { label: text, control } of fields) {
      const label = document.createElement('label');
      label.htmlFor = control.id;
      label.textContent = text;
      form.append(label, control);
    }
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.id = `${id}-submit`;
    submit.textContent = options.submitLabel;
    const problem = document.createElement('p');
    problem.id = `${id}-problem`;
    problem.className = 'form-error';
    problem.setAttribute('role', 'alert');
    problem.textContent = options.problem ?? '';
    form.append(submit);
    const { cancel } = options;
    if (cancel) {
      const button = document.createElement('button');
      button.type = 'button';
      button.id = `${id}-cancel`;
      button.textContent = cancel.label;
      const close = () => {
        container.replaceChildren();
        resolve(cancel.value);
      };
      button.addEventListener('click', close);
      form.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') close();
      });
      form.append(button);
    }
    form.append(problem);
    container.replaceChildren(form);
    (fields[0]?.control ?? submit).focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      Promise.resolve()
        .then(options.submit)
        .then((value) => {
          submit.disabled = false;
          if (value === undefined) return;
          container.replaceChildren();
          resolve(value);
        })
        .catch((error: unknown) => {
          problem.textContent = error instanceof Error ? error.message : String(error);
          submit.disabled = false;
        });
    });
  });
}

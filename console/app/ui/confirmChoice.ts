import { button, make } from './formControls';

export interface ConfirmChoiceOptions<T extends string> {
  /** Where the dialog is drawn (the page's `#dialog`): it replaces what is there and leaves when done. */
  readonly container: HTMLElement;
  /** Ids of its parts: `<id>-title`, `<id>-confirm`, `<id>-cancel`, `<id>-choice-<value>`. */
  readonly id: string;
  readonly title: string;
  readonly explanation?: string;
  /** Radio choices, `[value, label]`; none: a plain confirmation (resolves with `'yes'`). */
  readonly choices?: readonly (readonly [T, string])[];
  readonly initial?: T;
  readonly confirmLabel: string;
}

/**
 * A modal confirmation (withdraw a camera, reject a registration): an optional choice of radio
 * buttons, Confirm and Cancel. Escape cancels; focus starts on the first choice (or Cancel, so
 * that a stray Enter never confirms). Resolves with the value chosen, or null when cancelled.
 */
export function confirmChoice<T extends string>(options: ConfirmChoiceOptions<T>): Promise<T | 'yes' | null> {
  const { container, id, choices = [] } = options;
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    const form = make('form', 'dialog');
    form.setAttribute('role', 'dialog');
    form.setAttribute('aria-modal', 'true');
    form.setAttribute('aria-labelledby', `${id}-title`);
    const title = make('h2', undefined, options.title);
    title.id = `${id}-title`;
    form.append(title);
    if (options.explanation) form.append(make('p', undefined, options.explanation));
    const radios: HTMLInputElement[] = [];
    if (choices.length > 0) {
      const group = make('fieldset', 'choices');
      group.append(make('legend', undefined, 'Choose'));
      for (const [value, text] of choices) {
        const label = make('label');
        const radio = make('input');
        radio.type = 'radio';
        radio.name = `${id}-choice`;
        radio.id = `${id}-choice-${value}`;
        radio.value = value;
        radio.checked = value === (options.initial ?? choices[0]![0]);
        radios.push(radio);
        label.append(radio, ` ${text}`);
        group.append(label);
      }
      form.append(group);
    }
    const actions = make('div', 'actions');
    const confirm = make('button', 'danger', options.confirmLabel);
    confirm.type = 'submit';
    confirm.id = `${id}-confirm`;
    const cancel = button('Cancel');
    cancel.id = `${id}-cancel`;
    actions.append(confirm, cancel);
    form.append(actions);
    const done = (value: T | 'yes' | null) => {
      container.replaceChildren();
      previousFocus?.focus();
      resolve(value);
    };
    cancel.addEventListener('click', () => done(null));
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') done(null);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = radios.find((radio) => radio.checked);
      done(chosen ? (chosen.value as T) : 'yes');
    });
    container.replaceChildren(form);
    (radios.find((radio) => radio.checked) ?? cancel).focus();
  });
}

/** Small builders of labelled form controls for the pages' forms (every control has a label that points at it). */

/** An element with a class and text. */
export function make<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export interface InputOptions {
  readonly id: string;
  readonly label: string;
  readonly type?: string;
  readonly value?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number | 'any';
  readonly maxLength?: number;
  readonly inputMode?: string;
  /** A hint under the control, read with it (aria-describedby). */
  readonly hint?: string;
}

/** A `<label>` and its `<input>`, in a `.field` wrapper; returns both. */
export function labelledInput(options: InputOptions): { field: HTMLElement; input: HTMLInputElement } {
  const field = make('div', 'field');
  const label = make('label', undefined, options.label);
  label.htmlFor = options.id;
  const input = make('input');
  input.id = options.id;
  input.name = options.id;
  input.type = options.type ?? 'text';
  if (options.value !== undefined) input.defaultValue = options.value;
  if (options.required) input.required = true;
  input.autocomplete = (options.autocomplete ?? 'off') as AutoFill;
  if (options.min !== undefined) input.min = String(options.min);
  if (options.max !== undefined) input.max = String(options.max);
  if (options.step !== undefined) input.step = String(options.step);
  if (options.maxLength !== undefined) input.maxLength = options.maxLength;
  if (options.inputMode) input.inputMode = options.inputMode;
  field.append(label, input);
  if (options.hint) {
    const hint = make('small', 'hint', options.hint);
    hint.id = `${options.id}-hint`;
    input.setAttribute('aria-describedby', hint.id);
    field.append(hint);
  }
  return { field, input };
}

/** A `<label>` and its `<select>` of `[value, text]` choices. */
export function labelledSelect(id: string, labelText: string, choices: readonly (readonly [string, string])[], selected?: string): { field: HTMLElement; select: HTMLSelectElement } {
  const field = make('div', 'field');
  const label = make('label', undefined, labelText);
  label.htmlFor = id;
  const select = make('select');
  select.id = id;
  select.name = id;
  for (const [value, text] of choices) select.append(new Option(text, value, value === selected, value === selected));
  field.append(label, select);
  return { field, select };
}

/** A button of `type="button"` (never submitting a form by accident). */
export function button(text: string, className?: string): HTMLButtonElement {
  const element = make('button', className, text);
  element.type = 'button';
  return element;
}

/** A live status line for what a form or button did (`role="status"`; errors as `role="alert"`). */
export function statusLine(id?: string): { element: HTMLElement; ok(text: string): void; fail(text: string): void; clear(): void } {
  const element = make('p', 'form-status');
  if (id) element.id = id;
  element.setAttribute('role', 'status');
  return {
    element,
    ok(text) {
      element.setAttribute('role', 'status');
      element.classList.remove('form-error');
      element.textContent = text;
    },
    fail(text) {
      element.setAttribute('role', 'alert');
      element.classList.add('form-error');
      element.textContent = text;
    },
    clear() {
      element.textContent = '';
    },
  };
}

/** A number from an input, or null when empty; NaN when it is not a number (the caller refuses it). */
export function numberOrNull(input: HTMLInputElement): number | null {
  const text = input.value.trim();
  return text === '' ? null : Number(text);
}

/** Text from an input, trimmed, or null when empty. */
export function textOrNull(input: HTMLInputElement): string | null {
  const text = input.value.trim();
  return text === '' ? null : text;
}

/**
 * Whether text holds a control character (C0, DEL, C1) or a Unicode line or paragraph separator:
 * never in a name, number or address. `allowLineBreaks` lets a note keep tab, LF and CR.
 */
export function hasControlCharacters(text: string, allowLineBreaks = false): boolean {
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d)) continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

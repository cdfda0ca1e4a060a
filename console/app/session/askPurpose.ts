import { showDialogForm } from '../ui/showDialogForm';

/**
 * Asks for the case or incident number the operator is working, before any restricted data
 * (caller identity, video, PTZ) is requested; the hub records it with every such read as the
 * purpose (X-Purpose, 28 CFR 23.20 need-to-know). Resolves with the number given.
 */
export function askPurpose(container: HTMLElement, previous: string | null = null): Promise<string> {
  const input = document.createElement('input');
  input.id = 'purpose-number';
  input.name = 'purpose';
  input.required = true;
  input.autocomplete = 'off';
  input.value = previous ?? '';
  return showDialogForm({
    container,
    id: 'purpose',
    title: 'Purpose',
    explanation: 'Caller identity, video and camera control are released for a stated case or incident number, recorded in the audit trail.',
    fields: [{ label: 'Case or incident number', control: input }],
    submitLabel: 'Continue',
    // Blank (spaces only) is no purpose: the dialog stays.
    submit: () => input.value.trim() || undefined,
  });
}

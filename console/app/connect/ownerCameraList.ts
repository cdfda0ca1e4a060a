import { type OwnerRegistration, describeAccess, formatTime } from '../api/communityTypes';
import { confirmChoice } from '../ui/confirmChoice';
import { button, make, statusLine } from '../ui/formControls';
import { type ConnectContext, mutate } from './connectContext';
import { createTermsEditor } from './createTermsEditor';

const STATUS_TEXT: Readonly<Record<string, string>> = {
  PENDING: 'Waiting for police staff to check it',
  APPROVED: 'Approved',
  REJECTED: 'Not accepted',
  WITHDRAWN: 'Withdrawn (registered only)',
};
const MODE_TEXT: Readonly<Record<string, string>> = { ALWAYS: 'always', SCHEDULE: 'on a schedule', ALARM: 'while my alarm is active', NEVER: 'never' };

/**
 * The owner's cameras (an item being edited is marked `data-editing`, and the page does not
 * redraw the list under it): each with where it stands (status, level, live now / until), its terms,
 * "Change terms" (an editor opened in place) and "Withdraw" (keep it registered, or erase it and
 * my data, confirmed in a dialog).
 */
export function renderOwnerCameraList(container: HTMLElement, registrations: readonly OwnerRegistration[], context: ConnectContext): void {
  // Keep focus and an open editor across redraws: a redraw follows every change.
  const focusedId = document.activeElement instanceof HTMLElement && container.contains(document.activeElement) ? document.activeElement.id : null;
  const list = make('ul', 'owner-cameras');
  if (registrations.length === 0) list.append(make('li', 'empty', 'No camera registered yet.'));
  for (const registration of registrations) list.append(renderOne(registration, context));
  container.replaceChildren(list);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function renderOne(registration: OwnerRegistration, context: ConnectContext): HTMLElement {
  const cameraId = registration.camera?.id ?? `community:${registration.id}`;
  const access = registration.camera?.access ?? null;
  const item = make('li', 'owner-camera');
  item.dataset.registrationId = registration.id;
  item.dataset.cameraId = cameraId;
  item.dataset.status = registration.status;
  item.dataset.level = registration.level;
  item.dataset.liveNow = String(access?.liveNow ?? false);
  const heading = make('h3', undefined, registration.name);
  heading.id = `camera-${registration.id}-name`;
  item.setAttribute('aria-labelledby', heading.id);
  const facts = make('dl');
  const fact = (term: string, value: string, className: string) => {
    const dd = make('dd', className, value);
    facts.append(make('dt', undefined, term), dd);
  };
  fact('Status', `${STATUS_TEXT[registration.status] ?? registration.status}${registration.decisionNote ? ` — ${registration.decisionNote}` : ''}`, 'camera-status');
  fact('Level', registration.level === 'INTEGRATED' ? 'Integrated (live video on my terms)' : 'Registered (footage on request)', 'camera-level');
  fact('Terms', `Live ${MODE_TEXT[registration.terms.mode] ?? registration.terms.mode}${registration.terms.mode === 'SCHEDULE' ? `: ${registration.terms.schedule.map((span) => `${span.day.slice(0, 3)} ${span.from}–${span.to}`).join(', ')} (${registration.terms.timeZone})` : ''}${registration.terms.mode === 'ALARM' ? ` (${registration.terms.alarmMinutes} min)` : ''}`, 'camera-terms');
  fact('Live now', registration.status === 'APPROVED' ? describeAccess(access) : 'no', 'camera-live');
  fact('Where', registration.location.address ?? `${registration.location.point.lat.toFixed(5)}, ${registration.location.point.lon.toFixed(5)}`, 'camera-where');
  fact('Registered', formatTime(registration.registeredAt), 'camera-registered');
  item.append(heading, facts);

  const actions = make('div', 'actions');
  const change = button('Change terms', 'change-terms');
  change.id = `change-terms-${registration.id}`;
  change.setAttribute('aria-expanded', 'false');
  const withdraw = button('Withdraw', 'withdraw danger');
  withdraw.id = `withdraw-${registration.id}`;
  const status = statusLine();
  const editorHost = make('div', 'terms-host');
  editorHost.id = `terms-${registration.id}`;
  editorHost.hidden = true;
  change.setAttribute('aria-controls', editorHost.id);
  actions.append(change, withdraw);
  item.append(actions, editorHost, status.element);

  change.addEventListener('click', () => {
    const opening = editorHost.hidden;
    change.setAttribute('aria-expanded', String(opening));
    editorHost.hidden = !opening;
    // An open editor keeps the list from being redrawn under the owner (a background refresh waits).
    if (opening) item.dataset.editing = 'true';
    else delete item.dataset.editing;
    if (!opening) return editorHost.replaceChildren();
    const form = make('form', 'stack');
    form.noValidate = true;
    const editor = createTermsEditor({ id: `terms-${registration.id}-edit`, initial: registration.terms, level: registration.level });
    const save = make('button', 'primary', 'Save terms');
    save.type = 'submit';
    save.id = `save-terms-${registration.id}`;
    form.append(editor.element, save);
    editorHost.replaceChildren(form);
    editor.element.querySelector('select')?.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (save.disabled) return;
      const read = editor.read();
      if ('problem' in read) return status.fail(read.problem);
      save.disabled = true;
      status.ok('Saving the terms…');
      mutate<OwnerRegistration>(context.api, 'SetSharingTerms', 'setSharingTerms', { cameraId, terms: read.terms })
        .then(async () => {
          delete item.dataset.editing;
          context.announce(`Terms of “${registration.name}” saved: live access follows them at once.`);
          await context.refresh();
        })
        .catch((error: unknown) => status.fail(`Not saved: ${(error as Error).message}`))
        .finally(() => (save.disabled = false));
    });
  });

  withdraw.addEventListener('click', () => {
    void confirmChoice<'keep' | 'erase'>({
      container: context.dialog,
      id: 'withdraw',
      title: `Withdraw “${registration.name}”`,
      explanation: 'Live access ends at once: links police hold stop working. Footage already handed over stays with the police as evidence.',
      // Kept registered only is for a camera the program took: one still waiting (or not accepted) can only be erased.
      choices: [
        ...(registration.status === 'APPROVED' ? [['keep', 'Keep it registered (police may still ask me for footage)'] as const] : []),
        ['erase', 'Erase it and my data (my profile goes with my last camera)'],
      ],
      confirmLabel: 'Withdraw',
    }).then(async (choice) => {
      if (choice === null) return;
      withdraw.disabled = true;
      status.ok('Withdrawing…');
      try {
        const result = await mutate<{ erased: boolean; linksRevoked: number }>(context.api, 'WithdrawCamera', 'withdrawCamera', { cameraId, erase: choice === 'erase' });
        context.announce(
          result.erased ? `“${registration.name}” and its data erased.` : `“${registration.name}” withdrawn: ${result.linksRevoked} open link(s) refused from now on.`,
        );
        await context.refresh();
      } catch (error) {
        status.fail(`Not withdrawn: ${(error as Error).message}`);
        withdraw.disabled = false;
      }
    });
  });
  return item;
}

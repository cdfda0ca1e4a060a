import type { ApiClient } from '../api/createApiClient';
import type { CameraLevel, Connection, SharingTerms } from '../api/communityTypes';
import { formatTime } from '../api/communityTypes';
import { button, make } from '../ui/formControls';
import { showDialogForm } from '../ui/showDialogForm';

interface PendingRegistration {
  readonly id: string;
  readonly name: string;
  readonly level: CameraLevel;
  readonly registeredAt: string;
  readonly headingDegrees: number | null;
  readonly location: { readonly point: { readonly lat: number; readonly lon: number }; readonly address: string | null };
  readonly terms: SharingTerms;
  readonly owner: { readonly id: string; readonly displayName: string | null; readonly contact: { readonly name: string | null; readonly phone: string | null; readonly email: string | null } | null } | null;
}

interface CommunityProgram {
  readonly camerasByLevel: readonly { readonly level: string; readonly count: number }[];
  readonly camerasByArea: readonly { readonly area: string; readonly level: string; readonly count: number }[];
  readonly pendingRegistrations: number;
  readonly requestsByStatus: readonly { readonly status: string; readonly count: number }[];
  readonly medianAnswerSeconds: number | null;
  readonly p90AnswerSeconds: number | null;
}

export interface CommunityReviewOptions {
  readonly container: HTMLElement;
  readonly dialog: HTMLElement;
  readonly api: ApiClient;
  /** Brings a registration's place into view on the map. */
  readonly onShow: (point: { lat: number; lon: number }) => void;
}

/** Staff's Community Connect view (`community:review`). */
export interface CommunityReviewView {
  reload(): Promise<void>;
}

const duration = (seconds: number | null) => (seconds === null ? '—' : seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`);

/**
 * "Community Connect" for police staff: registrations waiting to be verified, each with its
 * place, level, terms and owner, approved or rejected (with a note for the owner); and the
 * program at a glance (communityProgram: cameras by level and area, requests by status, how
 * fast owners answer).
 */
export function createCommunityReviewView(options: CommunityReviewOptions): CommunityReviewView {
  const { container, dialog, api } = options;
  let ticket = 0;
  const view: CommunityReviewView = {
    async reload() {
      const mine = ++ticket;
      const [pending, program] = await Promise.all([
        api.request<{ registrations: Connection<PendingRegistration> | null }>('PendingRegistrations'),
        api.request<{ communityProgram: CommunityProgram | null }>('CommunityProgram'),
      ]);
      if (mine !== ticket) return;
      const waiting = make('section', 'pending-registrations');
      waiting.setAttribute('aria-labelledby', 'pending-title');
      const waitingTitle = make('h3', undefined, 'Registrations to verify');
      waitingTitle.id = 'pending-title';
      const list = make('ul');
      const registrations = pending.data?.registrations?.edges.map(({ node }) => node) ?? [];
      if (registrations.length === 0) list.append(make('li', 'empty', pending.errors.length > 0 ? `Unavailable: ${pending.errors.map((error) => error.extensions?.code ?? error.message).join(', ')}` : 'None waiting.'));
      for (const registration of registrations) list.append(pendingItem(registration));
      waiting.append(waitingTitle, list);
      container.replaceChildren(waiting, programSection(program.data?.communityProgram ?? null));
    },
  };
  const pendingItem = (registration: PendingRegistration) => {
    const item = make('li', 'pending-registration');
    item.dataset.registrationId = registration.id;
    const where = registration.location.address ?? `${registration.location.point.lat.toFixed(5)}, ${registration.location.point.lon.toFixed(5)}`;
    const contact = registration.owner?.contact;
    item.append(
      make('strong', undefined, registration.name),
      make('br'),
      `${registration.level === 'INTEGRATED' ? 'integrated' : 'registered'} · ${where} · ${registration.terms.mode.toLowerCase()} · ${formatTime(registration.registeredAt)}`,
      make('br'),
      `Owner: ${[registration.owner?.displayName, contact?.name, contact?.phone, contact?.email].filter(Boolean).join(' · ') || registration.owner?.id || 'unknown'}`,
      make('br'),
    );
    const show = button('Show on map', 'show-registration');
    show.addEventListener('click', () => options.onShow(registration.location.point));
    const approve = button('Approve', 'approve-registration');
    approve.id = `approve-${registration.id}`;
    const reject = button('Reject', 'reject-registration');
    reject.id = `reject-${registration.id}`;
    const status = make('span', 'registration-status');
    status.setAttribute('role', 'status');
    const decide = async (yes: boolean, note: string | null) => {
      approve.disabled = reject.disabled = true;
      const result = await api.request<{ approveRegistration: { id: string; status: string } | null }>('ApproveRegistration', { id: registration.id, approve: yes, note });
      if (!result.data?.approveRegistration) {
        status.textContent = `Not decided: ${result.errors.map((error) => `${error.message}${error.extensions?.code ? ` (${error.extensions.code})` : ''}`).join('; ')}`;
        approve.disabled = reject.disabled = false;
        return;
      }
      status.textContent = yes ? 'Approved.' : 'Rejected.';
      await view.reload();
    };
    approve.addEventListener('click', () => void decide(true, null));
    reject.addEventListener('click', () => {
      const note = Object.assign(document.createElement('input'), { id: 'reject-note', name: 'note', required: true, maxLength: 500, autocomplete: 'off' });
      void showDialogForm<string | null>({
        container: dialog,
        id: 'reject',
        title: `Reject “${registration.name}”`,
        explanation: 'The owner is told why.',
        fields: [{ label: 'Why', control: note }],
        submitLabel: 'Reject',
        cancel: { label: 'Cancel', value: null },
        submit: () => note.value.trim() || undefined,
      }).then((why) => (why === null ? undefined : decide(false, why)));
    });
    item.append(show, ' ', approve, ' ', reject, ' ', status);
    return item;
  };
  return view;
}

function programSection(program: CommunityProgram | null): HTMLElement {
  const section = make('section', 'community-program');
  section.setAttribute('aria-labelledby', 'program-title');
  const title = make('h3', undefined, 'The program');
  title.id = 'program-title';
  section.append(title);
  if (!program) {
    section.append(make('p', undefined, 'The program view is unavailable.'));
    return section;
  }
  const facts = make('dl');
  const fact = (term: string, value: string, key: string) => {
    const dd = make('dd', undefined, value);
    dd.dataset.fact = key;
    facts.append(make('dt', undefined, term), dd);
  };
  for (const { level, count } of program.camerasByLevel) fact(`Cameras ${level.toLowerCase()}`, String(count), `level-${level}`);
  fact('Waiting for staff', String(program.pendingRegistrations), 'pending');
  for (const { status, count } of program.requestsByStatus) fact(`Requests ${status.toLowerCase()}`, String(count), `requests-${status}`);
  fact('Median answer', duration(program.medianAnswerSeconds), 'median');
  fact('90th percentile answer', duration(program.p90AnswerSeconds), 'p90');
  section.append(facts);
  if (program.camerasByArea.length > 0) {
    const table = make('table', 'cameras-by-area');
    const caption = make('caption', undefined, 'Approved cameras by area and level');
    const head = make('tr');
    for (const text of ['Area', 'Level', 'Cameras']) {
      const th = make('th', undefined, text);
      th.scope = 'col';
      head.append(th);
    }
    const thead = make('thead');
    thead.append(head);
    const body = make('tbody');
    for (const { area, level, count } of program.camerasByArea) {
      const row = make('tr');
      row.append(make('td', undefined, area), make('td', undefined, level.toLowerCase()), make('td', undefined, String(count)));
      body.append(row);
    }
    table.append(caption, thead, body);
    section.append(table);
  }
  return section;
}

import { type LiveEntities, isActiveCall, isActiveIncident } from '../map/liveEntities';

/**
 * The keyboard's way to the map's markers: the active calls and incidents as buttons, newest
 * first, each opening the panel like a click on its marker.
 */
export function renderActiveList(container: HTMLElement, entities: LiveEntities, onSelect: (kind: 'call' | 'incident', id: string) => void): void {
  const calls = [...entities.calls.values()].filter((call) => isActiveCall(call) && call.location).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  const incidents = [...entities.incidents.values()].filter(isActiveIncident).sort((a, b) => a.priority - b.priority || b.reportedAt.localeCompare(a.reportedAt));
  const list = (title: string, items: { kind: 'call' | 'incident'; id: string; text: string }[]) => {
    const section = document.createElement('section');
    const heading = document.createElement('h2');
    heading.textContent = `${title} (${items.length})`;
    const ul = document.createElement('ul');
    for (const item of items) {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset[item.kind === 'call' ? 'callId' : 'incidentId'] = item.id;
      button.textContent = item.text;
      button.addEventListener('click', () => onSelect(item.kind, item.id));
      li.append(button);
      ul.append(li);
    }
    section.append(heading, ul);
    return section;
  };
  const sections = [];
  if (entities.calls.size > 0 || calls.length > 0) {
    sections.push(
      list(
        'Active calls',
        calls.map((call) => ({ kind: 'call', id: call.id, text: `${new Date(call.receivedAt).toLocaleTimeString()} · ${call.state.replace('_', ' ').toLowerCase()} · ${call.location?.address ?? 'location pending'}` })),
      ),
    );
  }
  sections.push(
    list(
      'Incidents',
      incidents.map((incident) => ({ kind: 'incident', id: incident.id, text: `P${incident.priority} ${incident.number} · ${incident.typeText} · ${incident.status.replace('_', ' ').toLowerCase()}` })),
    ),
  );
  // Keep the focused button focused across redraws (events arrive while someone tabs through).
  const focused = document.activeElement instanceof HTMLElement && container.contains(document.activeElement) ? document.activeElement.dataset : null;
  container.replaceChildren(...sections);
  if (focused) {
    const selector = focused.callId ? `[data-call-id="${focused.callId}"]` : focused.incidentId ? `[data-incident-id="${focused.incidentId}"]` : null;
    if (selector) container.querySelector<HTMLElement>(selector)?.focus();
  }
}

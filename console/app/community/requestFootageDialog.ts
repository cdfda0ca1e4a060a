import type { ApiClient } from '../api/createApiClient';
import type { FootageRequest } from '../api/communityTypes';
import { hasControlCharacters } from '../ui/formControls';
import { showDialogForm } from '../ui/showDialogForm';

export interface RequestFootageOptions {
  /** The page's `#dialog`. */
  readonly container: HTMLElement;
  readonly api: ApiClient;
  /** The community cameras asked (1 to 20). */
  readonly cameras: readonly { readonly id: string; readonly name: string }[];
  /** The case the console's purpose states: the request is made for it (the hub records it as the case number). */
  readonly purpose: string | null;
  /** Now, for the default window (the last 30 minutes). */
  readonly now?: () => Date;
  /** The longest window the hub takes (COMMUNITY_FOOTAGE_MAX_WINDOW_MINUTES; default 120). */
  readonly maxWindowMinutes?: number;
}

const DEFAULT_WINDOW_MINUTES = 30;
const MAX_MESSAGE = 500;
const pad = (value: number) => String(value).padStart(2, '0');
/** A `datetime-local` value in the browser's time zone. */
const localValue = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

/**
 * "Request footage": the window (default the last 30 minutes, at most two hours, not in the
 * future) and a message to the owners; sends requestFootage for the console's stated purpose.
 * Resolves with the requests made (one per camera), or null when cancelled.
 */
export function requestFootageDialog(options: RequestFootageOptions): Promise<readonly FootageRequest[] | null> {
  const { container, api, cameras, purpose, now = () => new Date(), maxWindowMinutes = 120 } = options;
  const end = now();
  const from = Object.assign(document.createElement('input'), { id: 'footage-from', name: 'from', type: 'datetime-local', required: true, value: localValue(new Date(end.getTime() - DEFAULT_WINDOW_MINUTES * 60_000)) });
  const to = Object.assign(document.createElement('input'), { id: 'footage-to', name: 'to', type: 'datetime-local', required: true, value: localValue(end) });
  const message = Object.assign(document.createElement('textarea'), { id: 'footage-message', name: 'message', rows: 3, maxLength: MAX_MESSAGE });
  return showDialogForm<readonly FootageRequest[] | null>({
    container,
    id: 'request-footage',
    title: `Request footage from ${cameras.length === 1 ? cameras[0]!.name : `${cameras.length} cameras`}`,
    explanation: `The owner is asked for a clip of this window (at most ${maxWindowMinutes} minutes), for ${purpose ? `case ${purpose}` : 'the stated case'}. Say what happened, without names.`,
    fields: [
      { label: 'From', control: from },
      { label: 'To', control: to },
      { label: 'Message to the owner', control: message },
    ],
    submitLabel: 'Send the request',
    cancel: { label: 'Cancel', value: null },
    submit: async () => {
      const start = new Date(from.value);
      const stop = new Date(to.value);
      if (Number.isNaN(start.getTime()) || Number.isNaN(stop.getTime())) throw new Error('Give the start and end of the window.');
      if (stop <= start) throw new Error('The window must end after it starts.');
      if (stop.getTime() - start.getTime() > maxWindowMinutes * 60_000) throw new Error(`The window may be at most ${maxWindowMinutes} minutes.`);
      if (stop.getTime() > now().getTime() + 60_000) throw new Error('The window cannot end in the future.');
      const text = message.value.trim();
      if (hasControlCharacters(text, true)) throw new Error('The message cannot hold control characters.');
      const result = await api.request<{ requestFootage: FootageRequest[] | null }>('RequestFootage', {
        input: { cameraIds: cameras.map((camera) => camera.id), from: start.toISOString(), to: stop.toISOString(), message: text || null },
      });
      if (!result.data?.requestFootage) {
        throw new Error(`Not sent: ${result.errors.map((error) => `${error.message}${error.extensions?.code ? ` (${error.extensions.code})` : ''}`).join('; ') || 'no answer'}`);
      }
      return result.data.requestFootage;
    },
  });
}

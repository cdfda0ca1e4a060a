import { type FootageRequest, formatTime } from '../api/communityTypes';
import { button, hasControlCharacters, labelledInput, make, statusLine } from '../ui/formControls';
import { type ConnectContext, mutate } from './connectContext';

const STATUS_TEXT: Readonly<Record<string, string>> = {
  OPEN: 'Waiting for my answer',
  APPROVED: 'Approved: upload the clip',
  DENIED: 'Denied',
  FULFILLED: 'Clip delivered',
  EXPIRED: 'Expired',
};
const MAX_NOTE = 500;

/**
 * Footage requests for the owner's cameras: the window, the police's message, where it stands,
 * when it expires; approve or deny with a note; for an approved one, the clip's upload (a link
 * from footageUploadLink, the file PUT to it with its progress shown, then the SHA-256 the hub
 * answers beside the one computed here).
 */
export function renderOwnerRequestList(container: HTMLElement, requests: readonly FootageRequest[], cameraNames: ReadonlyMap<string, string>, context: ConnectContext): void {
  const list = make('ul', 'owner-requests');
  if (requests.length === 0) list.append(make('li', 'empty', 'No footage request.'));
  for (const request of requests) list.append(renderOne(request, cameraNames.get(request.camera?.id ?? '') ?? request.camera?.id ?? 'a camera', context));
  container.replaceChildren(list);
}

function renderOne(request: FootageRequest, cameraName: string, context: ConnectContext): HTMLElement {
  const item = make('li', 'footage-request');
  item.dataset.requestId = request.id;
  item.dataset.status = request.status;
  const heading = make('h3', undefined, `${cameraName}: ${formatTime(request.from)} – ${formatTime(request.to)}`);
  heading.id = `request-${request.id}-title`;
  item.setAttribute('aria-labelledby', heading.id);
  const facts = make('dl');
  const fact = (term: string, value: string | null | undefined, className: string) => {
    if (!value) return;
    facts.append(make('dt', undefined, term), make('dd', className, value));
  };
  fact('Status', STATUS_TEXT[request.status] ?? request.status, 'request-status');
  fact('Message from the police', request.message, 'request-message');
  fact('Asked', formatTime(request.requestedAt), 'request-asked');
  fact(request.status === 'OPEN' || request.status === 'APPROVED' ? 'Expires' : 'Expired or closed', formatTime(request.expiresAt), 'request-expires');
  fact('My note', request.answerNote, 'request-note');
  for (const clip of request.clips) fact('Clip delivered', `${(clip.sizeBytes / 1024).toFixed(0)} KiB, SHA-256 ${clip.sha256}`, 'request-clip');
  item.append(heading, facts);
  const status = statusLine();
  if (request.status === 'OPEN') item.append(answerForm(request, context, status));
  if (request.status === 'APPROVED') item.append(uploadForm(request, context, status));
  item.append(status.element);
  return item;
}

function answerForm(request: FootageRequest, context: ConnectContext, status: ReturnType<typeof statusLine>): HTMLElement {
  const form = make('form', 'stack answer');
  form.noValidate = true;
  const note = labelledInput({ id: `answer-note-${request.id}`, label: 'Note for the police (optional)', maxLength: MAX_NOTE });
  // A note being written keeps the list from being redrawn under it.
  note.input.addEventListener('input', () => markEditing(form, note.input.value !== ''));
  const approve = make('button', 'primary approve', 'Approve');
  approve.type = 'submit';
  approve.id = `approve-${request.id}`;
  const deny = button('Deny', 'deny danger');
  deny.id = `deny-${request.id}`;
  const actions = make('div', 'actions');
  actions.append(approve, deny);
  form.append(note.field, actions);
  const answer = (yes: boolean) => {
    if (approve.disabled) return;
    const text = note.input.value.trim();
    if (hasControlCharacters(text, true)) return status.fail('The note cannot hold control characters.');
    approve.disabled = deny.disabled = true;
    mutate<FootageRequest>(context.api, 'AnswerFootageRequest', 'answerFootageRequest', { id: request.id, approve: yes, note: text || null })
      .then(async () => {
        markEditing(form, false);
        context.announce(yes ? 'Approved: upload the clip next.' : 'Denied.');
        await context.refresh();
      })
      .catch((error: unknown) => {
        status.fail(`Not answered: ${(error as Error).message}`);
        approve.disabled = deny.disabled = false;
      });
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    answer(true);
  });
  deny.addEventListener('click', () => answer(false));
  return form;
}

function uploadForm(request: FootageRequest, context: ConnectContext, status: ReturnType<typeof statusLine>): HTMLElement {
  const form = make('form', 'stack upload');
  form.noValidate = true;
  const file = labelledInput({ id: `clip-${request.id}`, label: 'The clip (video or image)', type: 'file' });
  file.input.accept = 'video/*,image/*';
  file.input.required = true;
  file.input.addEventListener('change', () => markEditing(form, (file.input.files?.length ?? 0) > 0));
  const send = make('button', 'primary', 'Upload');
  send.type = 'submit';
  send.id = `upload-${request.id}`;
  const progress = make('progress', 'upload-progress');
  progress.id = `upload-progress-${request.id}`;
  progress.max = 100;
  progress.value = 0;
  progress.hidden = true;
  progress.setAttribute('aria-label', 'Upload progress');
  const result = make('p', 'upload-sha256');
  result.id = `upload-sha256-${request.id}`;
  form.append(file.field, send, progress, result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.input.files?.[0];
    if (!chosen || send.disabled) return status.fail('Choose the clip first.');
    send.disabled = true;
    status.ok('Getting an upload link…');
    void (async () => {
      try {
        const link = await mutate<{ url: string; expiresAt: string }>(context.api, 'FootageUploadLink', 'footageUploadLink', { requestId: request.id });
        progress.hidden = false;
        status.ok('Uploading…');
        const [answered, local] = await Promise.all([putWithProgress(link.url, chosen, (fraction) => (progress.value = Math.round(fraction * 100))), sha256Of(chosen)]);
        progress.value = 100;
        result.dataset.sha256 = answered;
        result.textContent = `The hub stored it with SHA-256 ${answered}${local ? (local === answered ? ' (matches your file)' : ` — your file's is ${local}: they differ, upload again`) : ''}.`;
        status.ok('Clip delivered.');
        markEditing(form, false);
        context.announce(`Clip delivered: the hub stored it with SHA-256 ${answered}${local === answered ? ', which matches your file' : ''}.`);
        await context.refresh();
      } catch (error) {
        status.fail(`Not uploaded: ${(error as Error).message}`);
      } finally {
        send.disabled = false;
      }
    })();
  });
  return form;
}

/** Marks the request's item as being worked on (`data-editing`): the page then does not redraw the list under it. */
function markEditing(form: HTMLElement, editing: boolean): void {
  const item = form.closest<HTMLElement>('.footage-request');
  if (!item) return;
  if (editing) item.dataset.editing = 'true';
  else delete item.dataset.editing;
}

/**
 * PUTs the file to the hub's upload link, reporting progress; resolves with the SHA-256 the hub
 * answers (JSON `sha256`, or the `x-content-sha256` header). XMLHttpRequest rather than fetch:
 * fetch reports no upload progress over HTTP/1.1.
 */
function putWithProgress(url: string, file: File, onProgress: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.setRequestHeader('content-type', file.type || 'application/octet-stream');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let body: { sha256?: unknown; clip?: { sha256?: unknown }; error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(request.responseText) as typeof body;
      } catch {
        // Not JSON: the header may still say.
      }
      if (request.status < 200 || request.status >= 300) {
        reject(new Error(body.error?.message ? `${body.error.message}${body.error.code ? ` (${body.error.code})` : ''}` : `HTTP ${request.status}`));
        return;
      }
      const sha256 = body.sha256 ?? body.clip?.sha256 ?? request.getResponseHeader('x-content-sha256');
      if (typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256)) resolve(sha256);
      else reject(new Error('the hub did not say the SHA-256 it stored'));
    });
    request.addEventListener('error', () => reject(new Error('the upload failed (network)')));
    request.addEventListener('abort', () => reject(new Error('the upload was aborted')));
    request.send(file);
  });
}

/** The file's SHA-256 computed in the browser (null where Web Crypto is unavailable: a page not served securely). */
async function sha256Of(file: File): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

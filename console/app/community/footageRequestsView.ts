import type { ApiClient } from '../api/createApiClient';
import { type Connection, type FootageRequest, formatTime } from '../api/communityTypes';
import { make } from '../ui/formControls';

const STATUS_TEXT: Readonly<Record<string, string>> = { OPEN: 'open', APPROVED: 'approved, clip awaited', DENIED: 'denied', FULFILLED: 'clip delivered', EXPIRED: 'expired' };

/** The agency's footage requests, drawn into a container and redrawn as they change. */
export interface FootageRequestsView {
  /** Loads the list again (a `footageRequestChanged` event, or the view opened). */
  reload(): Promise<void>;
}

/**
 * "Footage requests": every request of the agency (footageRequests), newest first, with its
 * camera, window, case, status and expiry, and for each clip delivered its audited, expiring
 * download link and SHA-256 (the check a download is compared with).
 */
export function createFootageRequestsView(container: HTMLElement, api: ApiClient): FootageRequestsView {
  let ticket = 0;
  return {
    async reload() {
      const mine = ++ticket;
      const result = await api.request<{ footageRequests: Connection<FootageRequest> | null }>('FootageRequests');
      if (mine !== ticket) return;
      const requests = result.data?.footageRequests?.edges.map(({ node }) => node) ?? [];
      const list = make('ul', 'footage-requests');
      if (requests.length === 0) list.append(make('li', 'empty', result.errors.length > 0 ? `Requests unavailable: ${result.errors.map((error) => error.extensions?.code ?? error.message).join(', ')}` : 'No footage request yet.'));
      for (const request of requests) {
        const item = make('li', 'footage-request');
        item.dataset.requestId = request.id;
        item.dataset.status = request.status;
        item.dataset.cameraId = request.camera?.id ?? '';
        item.append(make('strong', undefined, request.camera?.name ?? request.camera?.id ?? 'camera'), make('br'));
        item.append(`${formatTime(request.from)} – ${formatTime(request.to)} · ${STATUS_TEXT[request.status] ?? request.status}`);
        const facts = [request.caseNumber ? `case ${request.caseNumber}` : null, request.status === 'OPEN' || request.status === 'APPROVED' ? `expires ${formatTime(request.expiresAt)}` : null, request.answerNote ? `owner: “${request.answerNote}”` : null].filter(Boolean);
        if (facts.length > 0) item.append(make('br'), facts.join(' · '));
        for (const clip of request.clips) {
          const line = make('div', 'footage-clip');
          line.dataset.sha256 = clip.sha256;
          if (clip.download) {
            const link = make('a', 'clip-download', `Download clip (${Math.max(1, Math.round(clip.sizeBytes / 1024))} KiB)`);
            link.href = clip.download.url;
            link.setAttribute('download', '');
            line.append(link, ' ');
          }
          const hash = make('code', 'clip-sha256', clip.sha256);
          line.append('SHA-256 ', hash, ` · uploaded ${formatTime(clip.uploadedAt)} by ${clip.uploadedBy}`);
          item.append(line);
        }
        list.append(item);
      }
      container.replaceChildren(list);
    },
  };
}

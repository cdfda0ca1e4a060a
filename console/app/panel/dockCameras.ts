import type { CameraAccessLinks } from '../api/communityTypes';

/** A camera as the details documents dock it (`nearbyCameras(orderBy: VIEW_FIRST)`). */
export interface DockedCamera {
  readonly camera: {
    readonly id: string;
    readonly name: string;
    readonly ptz: boolean;
    readonly status: string;
    readonly source: string;
    readonly snapshotUrl: string | null;
    readonly streams: readonly { readonly protocol: string; readonly url: string }[] | null;
    /** What may be done with it now (Community Connect); a community camera's video comes only as these signed links. */
    readonly access?: CameraAccessLinks | null;
  };
  readonly distanceMeters: number;
  readonly inView: boolean;
  readonly bearingDegrees: number;
}

export interface DockOptions {
  /** How often snapshots are fetched again. */
  readonly refreshMs: number;
  /** Set for callers who may aim cameras: "Point at this call" on PTZ tiles runs it. */
  readonly point: ((cameraId: string) => Promise<string>) | null;
  /** Set for callers who may request footage: "Request footage" on community tiles runs it. */
  readonly requestFootage?: ((camera: { id: string; name: string }) => void) | null;
  /** Asks the hub for fresh signed links of a community camera (before the last ones expire); null when gone. */
  readonly refreshLinks?: ((cameraId: string) => Promise<CameraAccessLinks | null>) | null;
  /**
   * How long the hub's signed links work (COMMUNITY_LINK_TTL_SECONDS, /console/config.json): a tile
   * renews its links this long after it got them, less a margin, whatever this computer's clock says.
   */
  readonly linkTtlSeconds?: number;
  /** A community tile found its camera no longer live when it renewed its links: the panel refreshes the docked set. */
  readonly onNoLongerLive?: (cameraId: string) => void;
}

/** Where a docked camera comes from, as its tile says (`data-source`). */
export type TileSource = 'city' | 'community-registered' | 'community-live';

/** A tile's class: a city camera, or a community camera at its level. */
export function tileSourceOf(camera: DockedCamera['camera']): TileSource {
  if (camera.source === 'CITY_VMS' || !camera.access || camera.access.level === 'CITY') return camera.source === 'COMMUNITY_REGISTERED' ? 'community-registered' : camera.source === 'COMMUNITY_LIVE' ? 'community-live' : 'city';
  return camera.access.level === 'REGISTERED' ? 'community-registered' : 'community-live';
}

const SOURCE_TEXT: Readonly<Record<TileSource, string>> = { city: 'City camera', 'community-registered': 'Community · registered', 'community-live': 'Community · live' };
/** Renew signed links this long before they expire, and at the latest at three quarters of their life. */
const RENEW_BEFORE_MS = 15_000;
/** COMMUNITY_LINK_TTL_SECONDS's default. */
const DEFAULT_LINK_TTL_SECONDS = 60;
const MIN_RENEW_MS = 2_000;

/** A community camera's links when live now; null otherwise (a registered camera, terms closed). */
function liveLinks(camera: DockedCamera['camera']): { snapshotUrl: string | null; streams: readonly { protocol: string; url: string; expiresAt?: string }[] } | null {
  if (tileSourceOf(camera) === 'city') return { snapshotUrl: camera.snapshotUrl, streams: camera.streams ?? [] };
  const access = camera.access;
  if (!access?.liveNow) return null;
  return { snapshotUrl: access.snapshotUrl, streams: access.streams ?? [] };
}

/**
 * Fills `container` with one tile per camera, in the order the API gave (every client docks the
 * same): name, where it comes from (city, community registered, community live), distance,
 * whether the place is in view, its snapshot refreshed every few seconds, its stream URL, for a
 * PTZ camera a button aiming it, and for a community camera "Request footage". A community
 * camera's video is shown only through the hub's signed links while its terms allow it, and the
 * links are renewed before they expire; a registered one says so instead. Returns a function that stops the
 * refreshing.
 */
export function dockCameras(container: HTMLElement, cameras: readonly DockedCamera[], options: DockOptions): () => void {
  container.replaceChildren();
  const snapshots: { image: HTMLImageElement | null; url: string | null }[] = [];
  if (cameras.length === 0) {
    const none = document.createElement('p');
    none.className = 'no-cameras';
    none.textContent = 'No camera near enough to see it.';
    container.append(none);
  }
  /** The pending renewal of each live community tile's links. */
  const renewals = new Set<number>();
  for (const docked of cameras) {
    const { camera } = docked;
    const source = tileSourceOf(camera);
    const links = liveLinks(camera);
    const tile = document.createElement('figure');
    tile.className = 'camera-tile';
    tile.dataset.cameraId = camera.id;
    tile.dataset.source = source;
    tile.dataset.live = String(links !== null && (links.snapshotUrl !== null || links.streams.length > 0));
    const snapshot = { image: null as HTMLImageElement | null, url: links?.snapshotUrl ?? null };
    if (links?.snapshotUrl) {
      const image = document.createElement('img');
      image.alt = `Snapshot of ${camera.name}`;
      image.src = links.snapshotUrl;
      image.loading = 'eager';
      snapshot.image = image;
      snapshots.push(snapshot);
      tile.append(image);
    } else {
      const none = document.createElement('div');
      none.className = 'no-snapshot';
      none.textContent =
        camera.status === 'OFFLINE'
          ? 'Offline'
          : source === 'community-registered'
            ? 'registered — request footage'
            : source === 'community-live' && !links
              ? 'not shared now — request footage'
              : 'No live view';
      tile.append(none);
    }
    const caption = document.createElement('figcaption');
    const title = document.createElement('strong');
    title.textContent = camera.name;
    const badge = document.createElement('span');
    badge.className = `camera-source source-${source}`;
    badge.textContent = source === 'community-live' && !links ? 'Community · not live now' : SOURCE_TEXT[source];
    const facts = document.createElement('span');
    facts.textContent = `${Math.round(docked.distanceMeters)} m · ${docked.inView ? 'in view' : 'not in view'}${camera.ptz ? ' · PTZ' : ''}${camera.status === 'OFFLINE' ? ' · offline' : ''}`;
    caption.append(title, document.createElement('br'), badge, document.createElement('br'), facts);
    const stream = links?.streams[0];
    const link = document.createElement('a');
    link.className = 'stream-url';
    if (stream) {
      link.href = stream.url;
      link.textContent = `${stream.protocol} stream`;
      caption.append(document.createElement('br'), link);
    }
    if (source !== 'city' && camera.access?.liveNow && camera.access.liveUntil) {
      const until = document.createElement('span');
      until.className = 'live-until';
      until.textContent = ` · live until ${new Date(camera.access.liveUntil).toLocaleTimeString()}`;
      caption.append(until);
    }
    if (camera.ptz && options.point) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'point-camera';
      button.textContent = 'Point at this call';
      const status = document.createElement('span');
      status.className = 'point-status';
      status.setAttribute('role', 'status');
      const point = options.point;
      button.addEventListener('click', () => {
        button.disabled = true;
        status.textContent = 'Pointing…';
        point(camera.id)
          .then((outcome) => (status.textContent = outcome))
          .catch((error: unknown) => (status.textContent = `Could not point: ${(error as Error).message}`))
          .finally(() => (button.disabled = false));
      });
      caption.append(document.createElement('br'), button, status);
    }
    if (source !== 'city' && camera.access?.canRequestFootage && options.requestFootage) {
      const request = document.createElement('button');
      request.type = 'button';
      request.className = 'request-footage';
      request.textContent = 'Request footage';
      const ask = options.requestFootage;
      request.addEventListener('click', () => ask({ id: camera.id, name: camera.name }));
      caption.append(document.createElement('br'), request);
    }
    tile.append(caption);
    container.append(tile);
    // A community camera's links expire (COMMUNITY_LINK_TTL_SECONDS): fresh ones are asked for before they do.
    const refreshLinks = options.refreshLinks;
    if (source !== 'city' && links && refreshLinks) {
      // Counted from when the links came, not against their expiresAt: that is the hub's clock, and this computer's may be off.
      const ttlMs = (options.linkTtlSeconds ?? DEFAULT_LINK_TTL_SECONDS) * 1000;
      const wait = Math.max(MIN_RENEW_MS, Math.min(ttlMs - RENEW_BEFORE_MS, ttlMs * 0.75));
      const schedule = () => {
        const timer = window.setTimeout(() => {
          renewals.delete(timer);
          if (!tile.isConnected) return;
          refreshLinks(camera.id)
            .then((fresh) => {
              if (!tile.isConnected) return;
              if (!fresh?.liveNow) {
                tile.remove();
                options.onNoLongerLive?.(camera.id);
                return;
              }
              snapshot.url = fresh.snapshotUrl;
              if (snapshot.image && fresh.snapshotUrl) snapshot.image.src = fresh.snapshotUrl;
              const next = fresh.streams?.[0];
              if (next) link.href = next.url;
              schedule();
            })
            .catch(() => schedule());
        }, wait);
        renewals.add(timer);
      };
      schedule();
    }
  }
  const timer = window.setInterval(() => {
    for (const { image, url } of snapshots) {
      if (!image || !url || !image.isConnected) continue;
      const next = new URL(url, window.location.href);
      next.searchParams.set('t', String(Date.now()));
      image.src = next.href;
    }
  }, options.refreshMs);
  return () => {
    window.clearInterval(timer);
    for (const renewal of renewals) window.clearTimeout(renewal);
  };
}

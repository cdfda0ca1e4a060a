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
}

/**
 * Fills `container` with one tile per camera, in the order the API gave (every client docks the
 * same): name, distance, whether the place is in view, its snapshot refreshed every few seconds,
 * its stream URL, and for a PTZ camera a button aiming it. Returns a function that stops the
 * refreshing.
 */
export function dockCameras(container: HTMLElement, cameras: readonly DockedCamera[], options: DockOptions): () => void {
  container.replaceChildren();
  const snapshots: { image: HTMLImageElement; url: string }[] = [];
  if (cameras.length === 0) {
    const none = document.createElement('p');
    none.className = 'no-cameras';
    none.textContent = 'No camera near enough to see it.';
    container.append(none);
  }
  for (const docked of cameras) {
    const { camera } = docked;
    const tile = document.createElement('figure');
    tile.className = 'camera-tile';
    tile.dataset.cameraId = camera.id;
    if (camera.snapshotUrl) {
      const image = document.createElement('img');
      image.alt = `Snapshot of ${camera.name}`;
      image.src = camera.snapshotUrl;
      image.loading = 'eager';
      snapshots.push({ image, url: camera.snapshotUrl });
      tile.append(image);
    } else {
      const none = document.createElement('div');
      none.className = 'no-snapshot';
      none.textContent = camera.status === 'OFFLINE' ? 'Offline' : 'No live view';
      tile.append(none);
    }
    const caption = document.createElement('figcaption');
    const title = document.createElement('strong');
    title.textContent = camera.name;
    const facts = document.createElement('span');
    facts.textContent = `${Math.round(docked.distanceMeters)} m · ${docked.inView ? 'in view' : 'not in view'}${camera.ptz ? ' · PTZ' : ''}${camera.status === 'OFFLINE' ? ' · offline' : ''}`;
    caption.append(title, document.createElement('br'), facts);
    const stream = camera.streams?.[0];
    if (stream) {
      const link = document.createElement('a');
      link.href = stream.url;
      link.className = 'stream-url';
      link.textContent = `${stream.protocol} stream`;
      caption.append(document.createElement('br'), link);
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
    tile.append(caption);
    container.append(tile);
  }
  const timer = window.setInterval(() => {
    for (const { image, url } of snapshots) {
      const next = new URL(url, window.location.href);
      next.searchParams.set('t', String(Date.now()));
      image.src = next.href;
    }
  }, options.refreshMs);
  return () => window.clearInterval(timer);
}

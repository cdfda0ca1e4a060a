import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { SNAPSHOT_CONTENT_TYPE, type SnapshotScene, renderCameraSnapshot } from './renderCameraSnapshot';

/** Options of {@link createSnapshotServer}. */
export interface SnapshotServerOptions {
  /** The camera a still is asked of, or null when there is none (404). Asked on every request. */
  readonly sceneOf: (cameraId: string) => Omit<SnapshotScene, 'at'> | null;
  /** The clock burnt into the picture (the simulation's). */
  readonly now: () => Date;
  /** 0 picks a free port (the default). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** The simulated VMS's and Community Connect's still-image endpoint. */
export interface SnapshotServer {
  listen(): Promise<void>;
  /** `http://host:port/snapshot/<cameraId>.svg`; throws before `listen`. */
  urlOf(cameraId: string): string;
  close(): Promise<void>;
  /** Stills served. */
  counts(): { readonly served: number; readonly notFound: number };
}

const PATH = /^\/snapshot\/([^/?#]+)\.svg(?:\?.*)?$/;

/**
 * Serves every simulated camera's current still, drawn on each request (see
 * {@link renderCameraSnapshot}), as a VMS's snapshot URL does: GET (or HEAD)
 * `/snapshot/<cameraId>.svg`, `no-store` because each second is another picture. Anyone on the
 * host may fetch it (a console's `<img>` sends no credentials); it listens on loopback only.
 */
export function createSnapshotServer(options: SnapshotServerOptions): SnapshotServer {
  const { sceneOf, now, port = 0, host = '127.0.0.1' } = options;
  let server: Server | null = null;
  let origin = '';
  let served = 0;
  let notFound = 0;

  const handle = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Stills are fetched with GET\n');
      return;
    }
    const match = PATH.exec(request.url ?? '');
    const scene = match ? sceneOf(decodeURIComponent(match[1]!)) : null;
    if (!scene) {
      notFound += 1;
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('No such camera\n');
      return;
    }
    const body = renderCameraSnapshot({ ...scene, at: now() });
    served += 1;
    response
      .writeHead(200, { 'content-type': SNAPSHOT_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
      .end(request.method === 'HEAD' ? undefined : body);
  });

  return {
    async listen() {
      if (server) return;
      await new Promise<void>((resolve, reject) => {
        handle.once('error', reject);
        handle.listen(port, host, () => {
          handle.off('error', reject);
          resolve();
        });
      });
      server = handle;
      const bound = handle.address() as AddressInfo;
      origin = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
    },
    urlOf(cameraId) {
      if (!server) throw new Error('snapshot server: not listening yet');
      return `${origin}/snapshot/${encodeURIComponent(cameraId)}.svg`;
    },
    async close() {
      const open = server;
      server = null;
      if (!open) return;
      open.closeAllConnections();
      await new Promise<void>((resolve) => open.close(() => resolve()));
    },
    counts: () => ({ served, notFound }),
  };
}

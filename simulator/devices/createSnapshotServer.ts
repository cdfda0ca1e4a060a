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
  /** How often a stream (`/stream/<cameraId>.mjpeg`) sends its next picture; default 1000 ms. */
  readonly frameIntervalMs?: number;
}

/** The simulated VMS's and Community Connect's still-image endpoint. */
export interface SnapshotServer {
  listen(): Promise<void>;
  /** `http://host:port/snapshot/<cameraId>.svg`; throws before `listen`. */
  urlOf(cameraId: string): string;
  /** `http://host:port/stream/<cameraId>.mjpeg`, the camera's live picture as a multipart stream; throws before `listen`. */
  streamUrlOf(cameraId: string): string;
  close(): Promise<void>;
  /** Stills served (frames of streams included), requests for no camera, streams open now. */
  counts(): { readonly served: number; readonly notFound: number; readonly streaming: number };
}

const PATH = /^\/snapshot\/([^/?#]+)\.svg(?:\?.*)?$/;
const STREAM_PATH = /^\/stream\/([^/?#]+)\.mjpeg(?:\?.*)?$/;
/** The multipart boundary of streams. */
const BOUNDARY = 'rtcc-sim-frame';

/**
 * Serves every simulated camera's current still, drawn on each request (see
 * {@link renderCameraSnapshot}), as a VMS's snapshot URL does: GET (or HEAD)
 * `/snapshot/<cameraId>.svg`, `no-store` because each second is another picture. Anyone on the
 * host may fetch it (a console's `<img>` sends no credentials); it listens on loopback only.
 *
 * `/stream/<cameraId>.mjpeg` is the same picture as a live stream, the way IP cameras serve
 * MJPEG: `multipart/x-mixed-replace`, one part per `frameIntervalMs` (each an SVG still here,
 * not a JPEG: browsers show either in an `<img>`), until the client goes away. Community Connect's
 * simulated owners register it as their camera's stream, which the hub relays through its links.
 */
export function createSnapshotServer(options: SnapshotServerOptions): SnapshotServer {
  const { sceneOf, now, port = 0, host = '127.0.0.1', frameIntervalMs = 1000 } = options;
  if (!(Number.isInteger(frameIntervalMs) && frameIntervalMs >= 10)) throw new RangeError('createSnapshotServer: frameIntervalMs must be an integer >= 10');
  let server: Server | null = null;
  let origin = '';
  let served = 0;
  let notFound = 0;
  let streaming = 0;

  /** One part of a stream: the camera's picture now, or null when the camera is gone. */
  const framePart = (cameraId: string): string | null => {
    const scene = sceneOf(cameraId);
    if (!scene) return null;
    const body = renderCameraSnapshot({ ...scene, at: now() });
    served += 1;
    return `--${BOUNDARY}\r\ncontent-type: ${SNAPSHOT_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}\r\n`;
  };

  const handle = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Stills are fetched with GET\n');
      return;
    }
    const streamMatch = STREAM_PATH.exec(request.url ?? '');
    if (streamMatch) {
      const cameraId = decodedId(streamMatch[1]!) ?? '';
      // An id that does not decode is no camera ('' names none).
      const first = cameraId === '' ? null : framePart(cameraId);
      if (first === null) {
        notFound += 1;
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('No such camera\n');
        return;
      }
      response.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-store' });
      if (request.method === 'HEAD') {
        response.end();
        return;
      }
      streaming += 1;
      response.write(first);
      const timer = setInterval(() => {
        const part = framePart(cameraId);
        if (part === null) response.end();
        else response.write(part);
      }, frameIntervalMs);
      // A stream must not keep the process alive on its own.
      timer.unref();
      response.once('close', () => {
        clearInterval(timer);
        streaming -= 1;
      });
      return;
    }
    const match = PATH.exec(request.url ?? '');
    const cameraId = match ? decodedId(match[1]!) : null;
    const scene = cameraId === null ? null : sceneOf(cameraId);
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
    streamUrlOf(cameraId) {
      if (!server) throw new Error('snapshot server: not listening yet');
      return `${origin}/stream/${encodeURIComponent(cameraId)}.mjpeg`;
    },
    async close() {
      const open = server;
      server = null;
      if (!open) return;
      open.closeAllConnections();
      await new Promise<void>((resolve) => open.close(() => resolve()));
    },
    counts: () => ({ served, notFound, streaming }),
  };
}

/** A camera id from the path, or null when its percent-encoding is broken (`%zz`): no such camera, not a thrown handler. */
function decodedId(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

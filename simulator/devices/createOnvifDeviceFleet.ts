import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import type { CameraSource, GeoPoint } from '../../contract';
import { type CameraRow } from './encodeCameraCsv';
import { type PtzPosition } from './encodeOnvifResponse';
import { createExclusiveRunner, type ExclusiveRunner } from './createExclusiveRunner';
import {
  SNAPSHOT_PATH,
  type PtzCommandRecord,
  type SimulatedOnvifDevice,
  createSimulatedOnvifDevice,
  onvifDeviceSheetOf,
} from './createSimulatedOnvifDevice';
import { type ProtocolFailureReporter } from './protocolFailure';

export interface OnvifDeviceFleetOptions {
  /** The cameras that are ONVIF devices, as the simulation discovered them. */
  readonly cameras: readonly CameraRow[];
  /** The devices' clock (the simulation's). */
  readonly now: () => Date;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The hub's id for a simulated camera, given to the adapter; default the simulation's own. */
  readonly cameraIdOf?: (cameraId: string) => string;
}

/**
 * How to reach one simulated device and where its camera stands: what an ONVIF client needs to
 * poll and aim it (the hub's ONVIF adapter takes it as its device configuration).
 */
export interface SimulatedOnvifEndpoint {
  /** The hub's id for the camera. */
  readonly cameraId: string;
  readonly name: string;
  /** The device service address, `http://127.0.0.1:<port>/onvif/device_service`. */
  readonly deviceServiceUrl: string;
  readonly username: string;
  readonly password: string;
  readonly location: GeoPoint;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly mountHeightMeters: number | null;
  readonly cameraSource: CameraSource;
}

/** One device as it is now, for demonstrations and tests. */
export interface SimulatedOnvifDeviceState {
  /** The simulation's camera id. */
  readonly cameraId: string;
  /** What to give the hub's ONVIF adapter to poll and aim this device. */
  readonly config: SimulatedOnvifEndpoint;
  /** Listening (it answers) or not (connections are refused). */
  readonly online: boolean;
  /** Where its PTZ head points, in the generic spaces. */
  readonly position: PtzPosition;
  readonly commands: readonly PtzCommandRecord[];
}

/** The simulated ONVIF devices as the rest of the hub may see them. */
export interface SimulatedOnvifDevices {
  /** One adapter configuration per device; throws before the fleet listens. */
  configs(): readonly SimulatedOnvifEndpoint[];
  devices(): readonly SimulatedOnvifDeviceState[];
  /** Powers a device off (it stops listening and drops its connections) or on, as the simulation's camera health does. */
  setOnline(cameraId: string, online: boolean): void;
  /** Resolves once no device is going on or off. */
  idle(): Promise<void>;
}

export interface OnvifDeviceFleet extends SimulatedOnvifDevices {
  /** Gives every device its port (each its own HTTP server on port 0); those that are off close again. */
  listen(): Promise<void>;
  /** Whether this simulated camera is one of the devices. */
  carries(cameraId: string): boolean;
  /** The simulation (re)described a camera: its profiles, streams, snapshot and status. */
  describe(camera: CameraRow): void;
  /** Tries again to bring on a device that could not listen (the next tick calls this). */
  retry(): void;
  close(): Promise<void>;
  counts(): {
    readonly devices: number;
    readonly online: number;
    readonly requests: number;
    /** Requests refused for their WS-Security token. */
    readonly refused: number;
    readonly commands: number;
    readonly failed: number;
  };
}

interface FleetMember {
  readonly cameraId: string;
  readonly device: SimulatedOnvifDevice;
  readonly server: Server;
  readonly power: ExclusiveRunner;
  readonly username: string;
  readonly password: string;
  camera: CameraRow;
  port: number;
  /** What the simulation wants. */
  wantOnline: boolean;
}

/** Requests larger than this are refused: no client of a camera sends more. */
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * The simulated city's ONVIF cameras on the network: each device its own HTTP server, as each
 * camera is its own host. Powering a device off closes its listener and drops open (keep-alive)
 * connections, so its clients see refused connections until it comes back on the same port.
 * Credentials are per device and fixed by its id (`admin` / `sim-<cameraId>`): this is a simulator.
 */
export function createOnvifDeviceFleet(options: OnvifDeviceFleetOptions, report: ProtocolFailureReporter): OnvifDeviceFleet {
  const { now, host = '127.0.0.1', cameraIdOf = (cameraId: string) => cameraId } = options;
  const members = new Map<string, FleetMember>();
  let listening = false;
  let closed = false;
  let failed = 0;

  const origin = (member: FleetMember) => `http://${host}:${member.port}`;

  const serve = (member: FleetMember) => async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    if (body === null) {
      response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('Request too large\n');
      return;
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && request.url === SNAPSHOT_PATH) {
      const still = member.device.snapshot();
      response
        .writeHead(still.status, { 'content-type': still.contentType, 'content-length': Buffer.byteLength(still.body), 'cache-control': 'no-store' })
        .end(request.method === 'HEAD' ? undefined : still.body);
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' }).end('SOAP requests are POSTed\n');
      return;
    }
    const answer = member.device.answer({ path: request.url ?? '', contentType: request.headers['content-type'] ?? null, body, origin: origin(member) });
    response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
  };

  /** Brings the device's listener in line with what the simulation wants; false when it could not listen. */
  const reconcile = async (member: FleetMember): Promise<boolean> => {
    const { server } = member;
    if (closed || !listening) return true;
    if (member.wantOnline && !server.listening) {
      try {
        await listen(server, member.port, host);
      } catch (error) {
        failed += 1;
        const detail = `ONVIF device ${member.cameraId} on ${host}:${member.port}: ${error instanceof Error ? error.message : String(error)}`;
        report({ protocol: 'onvif', reason: 'listen-failed', detail });
        return false;
      }
    } else if (!member.wantOnline && server.listening) {
      await shut(server);
    }
    return true;
  };

  for (const camera of options.cameras) {
    const sheet = onvifDeviceSheetOf(camera);
    const username = 'admin';
    const password = `sim-${camera.cameraId}`;
    const member: FleetMember = {
      cameraId: camera.cameraId,
      device: createSimulatedOnvifDevice({ sheet, username, password, now }),
      server: createServer(),
      power: createExclusiveRunner(() => reconcile(member)),
      username,
      password,
      camera,
      port: 0,
      wantOnline: camera.status === 'ONLINE',
    };
    member.server.on('request', (request, response) => void serve(member)(request, response));
    members.set(camera.cameraId, member);
  }

  const memberOf = (cameraId: string): FleetMember => {
    const member = members.get(cameraId);
    if (member === undefined) throw new Error(`no simulated ONVIF device for camera ${cameraId}`);
    return member;
  };

  const configOf = (member: FleetMember): SimulatedOnvifEndpoint => {
    const { camera } = member;
    return {
      cameraId: cameraIdOf(camera.cameraId),
      name: camera.name,
      deviceServiceUrl: `${origin(member)}/onvif/device_service`,
      username: member.username,
      password: member.password,
      location: camera.location.point,
      headingDegrees: camera.headingDegrees,
      fieldOfViewDegrees: camera.fieldOfViewDegrees,
      rangeMeters: camera.rangeMeters,
      mountHeightMeters: camera.mountHeightMeters,
      cameraSource: camera.cameraSource,
    };
  };

  const setOnline = (cameraId: string, online: boolean) => {
    const member = memberOf(cameraId);
    member.wantOnline = online;
    member.power.request();
  };

  return {
    async listen() {
      if (listening || closed) return;
      for (const member of members.values()) {
        await listen(member.server, 0, host);
        member.port = (member.server.address() as AddressInfo).port;
        if (!member.wantOnline) await shut(member.server);
      }
      listening = true;
      // A device switched while the others were still being given their ports.
      for (const member of members.values()) if (member.wantOnline !== member.server.listening) member.power.request();
    },
    configs() {
      if (!listening) throw new Error('simulated ONVIF devices: not listening yet');
      return [...members.values()].map(configOf);
    },
    devices: () =>
      [...members.values()].map((member) => ({
        cameraId: member.cameraId,
        config: configOf(member),
        online: member.server.listening,
        position: member.device.position(),
        commands: member.device.commands(),
      })),
    setOnline,
    carries: (cameraId) => members.has(cameraId),
    describe(camera) {
      const member = memberOf(camera.cameraId);
      member.camera = camera;
      member.device.describe(onvifDeviceSheetOf(camera));
      setOnline(camera.cameraId, camera.status === 'ONLINE');
    },
    retry() {
      for (const member of members.values()) if (member.wantOnline !== member.server.listening) member.power.request();
    },
    async idle() {
      await Promise.all([...members.values()].map((member) => member.power.idle()));
    },
    async close() {
      closed = true;
      await Promise.all([...members.values()].map((member) => member.power.idle()));
      await Promise.all([...members.values()].map((member) => (member.server.listening ? shut(member.server) : undefined)));
    },
    counts() {
      let online = 0;
      let requests = 0;
      let refused = 0;
      let commands = 0;
      for (const member of members.values()) {
        const counted = member.device.counts();
        online += member.server.listening ? 1 : 0;
        requests += counted.requests;
        refused += counted.refused;
        commands += counted.commands;
      }
      return { devices: members.size, online, requests, refused, commands, failed };
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops listening and drops every connection, idle keep-alive ones included. */
function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The body as UTF-8, or null beyond {@link MAX_REQUEST_BYTES}. */
function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(bytes > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(null));
  });
}

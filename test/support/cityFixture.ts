import type { CallReceived, CameraDiscovered, DomainEvent, UnitStatus } from '../../contract';
import { destinationPoint, type LatLon } from '../../geo/geodesy';

/** A small hand-laid city: one incident with its 911 call, units and cameras at known offsets. */
export const INCIDENT_POINT: LatLon = { lat: 33.4152, lon: -111.8315 };
export const FIXTURE_TIME = new Date('2026-11-23T18:00:00.000Z');

export interface FixtureUnit {
  readonly id: string;
  readonly callSign: string;
  readonly status: UnitStatus;
  readonly point: LatLon;
}

export interface FixtureCamera {
  readonly id: string;
  readonly point: LatLon;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly ptz: boolean;
}

const at = (bearing: number, meters: number) => destinationPoint(INCIDENT_POINT, bearing, meters);

export const FIXTURE_UNITS: readonly FixtureUnit[] = [
  { id: 'unit-a', callSign: '1A11', status: 'AVAILABLE', point: at(10, 300) },
  { id: 'unit-b', callSign: '1A12', status: 'ENROUTE', point: at(100, 800) },
  { id: 'unit-c', callSign: '1A13', status: 'AVAILABLE', point: at(200, 1500) },
  { id: 'unit-d', callSign: '2B21', status: 'ON_SCENE', point: at(290, 2500) },
  { id: 'unit-e', callSign: '2B22', status: 'AVAILABLE', point: at(45, 4000) },
  { id: 'unit-f', callSign: '2B23', status: 'AVAILABLE', point: at(135, 4600) },
  { id: 'unit-g', callSign: '3C31', status: 'AVAILABLE', point: at(0, 7000) },
];

const camera = (id: string, point: LatLon, optics: Partial<FixtureCamera> = {}): FixtureCamera => ({
  id,
  point,
  headingDegrees: 0,
  fieldOfViewDegrees: 60,
  rangeMeters: 150,
  ptz: false,
  ...optics,
});

export const FIXTURE_CAMERAS: readonly FixtureCamera[] = [
  // 50 m east, looking west at the incident: in view.
  camera('cam-east', at(90, 50), { headingDegrees: 270 }),
  // 80 m north, looking north (away): not in view.
  camera('cam-north', at(0, 80), { headingDegrees: 0 }),
  // PTZ 200 m south with 250 m range: in view (it can turn).
  camera('cam-ptz', at(180, 200), { ptz: true, rangeMeters: 250, headingDegrees: null, fieldOfViewDegrees: null }),
  // 400 m west facing east, but only 150 m range: not in view.
  camera('cam-west', at(270, 400), { headingDegrees: 90 }),
  // 450 m, facing the incident with 500 m range: in view.
  camera('cam-far', at(45, 450), { headingDegrees: 225, rangeMeters: 500 }),
  // Outside a 500 m search.
  camera('cam-out', at(300, 650), { headingDegrees: 120 }),
  // Near unit-e, 20 m from it.
  camera('cam-unit-e', destinationPoint(at(45, 4000), 0, 20), { headingDegrees: 180 }),
];

const iso = (offsetSeconds: number) => new Date(FIXTURE_TIME.getTime() + offsetSeconds * 1000).toISOString();
let sequence = 0;
const envelope = (offsetSeconds: number) => ({
  eventId: `fixture-${(sequence += 1)}`,
  source: 'fixture',
  occurredAt: iso(offsetSeconds),
});

/** The fixture as contract events, in the order a city would produce them. */
export function cityFixtureEvents(): DomainEvent[] {
  const cameras: CameraDiscovered[] = FIXTURE_CAMERAS.map((cam) => ({
    type: 'camera.discovered',
    ...envelope(0),
    cameraId: cam.id,
    name: `Camera ${cam.id}`,
    cameraSource: 'CITY_VMS',
    location: { point: cam.point, address: null, uncertaintyMeters: null },
    headingDegrees: cam.headingDegrees,
    fieldOfViewDegrees: cam.fieldOfViewDegrees,
    rangeMeters: cam.rangeMeters,
    mountHeightMeters: 6,
    ptz: cam.ptz,
    status: 'ONLINE',
    streams: [{ protocol: 'RTSP', url: `rtsp://vms.test.invalid/${cam.id}`, profile: 'main' }],
    snapshotUrl: `http://vms.test.invalid/${cam.id}.jpg`,
  }));
  const units: DomainEvent[] = FIXTURE_UNITS.flatMap((unit): DomainEvent[] => [
    {
      type: 'unit.statusChanged',
      ...envelope(1),
      unitId: unit.id,
      callSign: unit.callSign,
      status: unit.status,
      incidentId: unit.status === 'ENROUTE' ? 'inc-1' : null,
    },
    {
      type: 'position.fix',
      ...envelope(2),
      unitId: unit.id,
      point: unit.point,
      headingDegrees: 90,
      speedKph: 40,
      fixAt: iso(2),
    },
  ]);
  return [
    ...cameras,
    ...units,
    {
      type: 'call.received',
      ...envelope(3),
      callId: 'call-1',
      state: 'RINGING',
      location: { point: at(30, 600), uncertaintyMeters: 900 },
      classOfService: 'WPH1',
      callbackNumber: '4805550100',
    },
    {
      type: 'call.updated',
      ...envelope(5),
      callId: 'call-1',
      state: 'ACTIVE',
      location: { point: INCIDENT_POINT, uncertaintyMeters: 15 },
    },
    {
      type: 'incident.created',
      ...envelope(6),
      incidentId: 'inc-1',
      number: 'MPD2611230001',
      typeCode: 'ROBBERY',
      typeText: 'Robbery',
      priority: 1,
      status: 'DISPATCHED',
      location: { point: INCIDENT_POINT, address: '20 E Main St, Mesa, AZ', uncertaintyMeters: 15 },
      reportedAt: iso(6),
      narrative: 'Caller reports armed robbery at a store.',
      callIds: ['call-1'],
    },
  ];
}

/** Feeds every fixture event through the hub's sink, in order. */
export async function loadCityFixture(sink: { emit(event: DomainEvent): Promise<void> }): Promise<void> {
  for (const event of cityFixtureEvents()) await sink.emit(event);
}

/** A 911 call ringing now at `point` (the incident's by default), for tests of live delivery. */
export function ringingCall(callId: string, options: { point?: LatLon; callbackNumber?: string | null } = {}): CallReceived {
  return {
    type: 'call.received',
    eventId: `ring-${callId}`,
    source: 'test',
    occurredAt: new Date().toISOString(),
    callId,
    state: 'RINGING',
    location: { point: options.point ?? INCIDENT_POINT, uncertaintyMeters: 20 },
    classOfService: 'WPH2',
    callbackNumber: options.callbackNumber ?? null,
  };
}

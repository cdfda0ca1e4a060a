import stableStringify from 'fast-json-stable-stringify';
import {
  type CameraDiscovered,
  type DomainEvent,
  type EventLocation,
  type IncidentStatus,
  type PositionFix,
  type UnitStatus,
} from '../../../contract';
import { createCitySimulation, type CitySimulation } from '../../../simulator';
import { type CameraRow } from '../../../simulator/devices';

export const START = new Date('2026-11-23T15:00:00.000Z');

/** The city the tests play: the hub's defaults (40 units, 300 cameras, 4 calls a minute). */
export const createTestCity = (seed: number): CitySimulation => createCitySimulation({ seed, startAt: START });

/** Everything the plain simulation emits from its start through `seconds` later. */
export function playCity(seed: number, seconds: number): DomainEvent[] {
  const city = createTestCity(seed);
  return [...city.initialEvents(), ...city.advance(new Date(START.getTime() + seconds * 1000))];
}

export const ofType = <T extends DomainEvent['type']>(events: readonly DomainEvent[], type: T) =>
  events.filter((event): event is Extract<DomainEvent, { type: T }> => event.type === type);

/** Metres of latitude in 1e-9 degree: far under the 0.2 m the NMEA encoding promises. */
export const POINT_TOLERANCE_DEGREES = 1e-9;
/** RMC speed is written in knots with 4 decimals: 0.0001 kn = 0.000185 km/h. */
export const SPEED_TOLERANCE_KPH = 0.0002;

/** How a fix that came back differs from the one sent, beyond the NMEA tolerances; empty when it agrees. */
export function fixDifferences(actual: PositionFix, expected: PositionFix): string[] {
  const problems: string[] = [];
  const where = `${expected.unitId ?? '?'} at ${expected.fixAt}`;
  if (actual.unitId !== expected.unitId) problems.push(`${where}: unit ${actual.unitId ?? '-'}`);
  if (actual.fixAt !== expected.fixAt) problems.push(`${where}: fixAt ${actual.fixAt}`);
  if (actual.occurredAt !== expected.occurredAt) problems.push(`${where}: occurredAt ${actual.occurredAt}`);
  const latError = Math.abs(actual.point.lat - expected.point.lat);
  const lonError = Math.abs(actual.point.lon - expected.point.lon);
  if (!(latError <= POINT_TOLERANCE_DEGREES && lonError <= POINT_TOLERANCE_DEGREES)) {
    problems.push(`${where}: point off by ${latError}°, ${lonError}°`);
  }
  if (actual.headingDegrees !== expected.headingDegrees) problems.push(`${where}: heading ${actual.headingDegrees}`);
  const speedError = Math.abs((actual.speedKph ?? NaN) - (expected.speedKph ?? NaN));
  const bothNull = actual.speedKph === null && expected.speedKph === null;
  if (!bothNull && !(speedError <= SPEED_TOLERANCE_KPH)) problems.push(`${where}: speed ${actual.speedKph}`);
  return problems;
}

/** The incident fields EIDO carries unchanged (type text and priority come from the hub's code table). */
export interface IncidentSnapshot {
  readonly number: string;
  readonly typeCode: string;
  readonly status: IncidentStatus;
  readonly location: EventLocation;
  readonly reportedAt: string;
  readonly narrative: string | null;
  readonly callIds: readonly string[];
}

export interface Stamped<T> {
  readonly at: string;
  readonly state: T;
}

/**
 * Each incident's successive states, from creation and updates alike, with runs of the same
 * state collapsed to their first: an EIDO restates the whole incident on every change, so one
 * change may arrive as several identical states.
 */
export function incidentHistories(events: readonly DomainEvent[]): Map<string, Stamped<IncidentSnapshot>[]> {
  const current = new Map<string, IncidentSnapshot>();
  const histories = new Map<string, Stamped<IncidentSnapshot>[]>();
  for (const event of events) {
    if (event.type !== 'incident.created' && event.type !== 'incident.updated') continue;
    const before = current.get(event.incidentId);
    if (event.type === 'incident.updated' && !before) throw new Error(`update of unknown incident ${event.incidentId}`);
    const merged = { ...before, ...definedFields(event) } as IncidentSnapshot & Record<string, unknown>;
    const state: IncidentSnapshot = {
      number: merged.number,
      typeCode: merged.typeCode,
      status: merged.status,
      location: { point: merged.location.point, uncertaintyMeters: merged.location.uncertaintyMeters ?? null, address: merged.location.address ?? null },
      reportedAt: merged.reportedAt,
      narrative: merged.narrative,
      callIds: [...merged.callIds],
    };
    current.set(event.incidentId, state);
    append(histories, event.incidentId, { at: event.occurredAt, state });
  }
  return histories;
}

export interface UnitSnapshot {
  readonly callSign: string;
  readonly status: UnitStatus;
  readonly incidentId: string | null;
}

/** Each unit's successive states, runs of the same state collapsed to their first. */
export function unitHistories(events: readonly DomainEvent[]): Map<string, Stamped<UnitSnapshot>[]> {
  const histories = new Map<string, Stamped<UnitSnapshot>[]>();
  for (const event of ofType(events, 'unit.statusChanged')) {
    const { callSign, status, incidentId } = event;
    append(histories, event.unitId, { at: event.occurredAt, state: { callSign, status, incidentId } });
  }
  return histories;
}

function append<T>(histories: Map<string, Stamped<T>[]>, id: string, entry: Stamped<T>): void {
  const history = histories.get(id) ?? [];
  const last = history[history.length - 1];
  if (!last || stableStringify(last.state) !== stableStringify(entry.state)) history.push(entry);
  histories.set(id, history);
}

function definedFields(event: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
}

/** The unit events EIDO can carry: all but each unit's first status (its roster entry, on no incident). */
export function unitEventsOnIncidents(events: readonly DomainEvent[]): DomainEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (event.type !== 'unit.statusChanged') return false;
    const first = !seen.has(event.unitId);
    seen.add(event.unitId);
    return !(first && event.incidentId === null);
  });
}

/**
 * Asserts the same entities went through the same states in the same order, each state
 * stamped no earlier than expected and less than `lagMs` later.
 */
export function expectSameHistories<T>(
  actual: Map<string, Stamped<T>[]>,
  expected: Map<string, Stamped<T>[]>,
  lagMs: number,
): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, history] of expected) {
    const received = actual.get(id) ?? [];
    expect({ id, states: received.map((entry) => entry.state) }).toEqual({ id, states: history.map((entry) => entry.state) });
    history.forEach((entry, index) => {
      const lag = Date.parse(received[index]?.at ?? '') - Date.parse(entry.at);
      expect({ id, index, lag: lag >= 0 && lag < Math.max(1, lagMs) }).toEqual({ id, index, lag: true });
    });
  }
}

/**
 * A camera as a CSV import can give it back: the id under the file's stem, no location
 * uncertainty (no column for it), stream profiles unknown (the protocol is read from the URL).
 */
export function cameraAsCsvCarries(camera: CameraRow, stem: string): CameraRow {
  return {
    ...camera,
    cameraId: `${stem}:${camera.cameraId}`,
    location: { point: camera.location.point, address: camera.location.address ?? null },
    streams: camera.streams.map(({ protocol, url }) => ({ protocol, url, profile: null })),
  };
}

/**
 * Heading differences under this are float noise: the CSV reader normalises headings with
 * `((d % 360) + 360) % 360`, which turns 262.2 into 262.20000000000005.
 */
export const HEADING_TOLERANCE_DEGREES = 1e-9;

/** How the cameras read back differ from those expected; headings within {@link HEADING_TOLERANCE_DEGREES}. */
export function cameraDifferences(received: readonly CameraRow[], expected: readonly CameraRow[]): string[] {
  if (received.length !== expected.length) return [`${received.length} cameras, expected ${expected.length}`];
  return expected.flatMap((camera, index) => {
    const back = received[index] as CameraRow;
    const headingError = Math.abs((back.headingDegrees ?? NaN) - (camera.headingDegrees ?? NaN));
    const headingOk = back.headingDegrees === camera.headingDegrees || headingError <= HEADING_TOLERANCE_DEGREES;
    const same = headingOk && stableStringify({ ...back, headingDegrees: 0 }) === stableStringify({ ...camera, headingDegrees: 0 });
    return same ? [] : [`${camera.cameraId}: ${stableStringify(back)}`];
  });
}

/** A `camera.discovered` without its envelope. */
export function cameraRowOf(event: CameraDiscovered): CameraRow {
  const { eventId: _id, source: _source, occurredAt: _at, type: _type, ...row } = event;
  return row;
}

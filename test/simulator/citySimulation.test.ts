import { haversineMeters } from '../../geo/geodesy';
import {
  type CameraDiscovered,
  type DomainEvent,
  type IncidentCreated,
  type PositionFix,
  type UnitStatus,
} from '../../contract';
import { createCitySimulation, INCIDENT_TYPES, type CitySimulationOptions } from '../../simulator';
import { validateDomainEvent } from '../../contract/validateDomainEvent';

const START = new Date('2026-11-23T15:00:00.000Z');
const MINUTE = 60_000;

/** Runs a simulation for `minutes`, advancing once per simulated minute. */
function run(options: Partial<CitySimulationOptions> & { minutes: number }): {
  initial: DomainEvent[];
  events: DomainEvent[];
  simulation: ReturnType<typeof createCitySimulation>;
} {
  const { minutes, ...rest } = options;
  const simulation = createCitySimulation({ seed: 1, startAt: START, ...rest });
  const initial = simulation.initialEvents();
  const events = [...initial];
  for (let minute = 1; minute <= minutes; minute += 1) {
    events.push(...simulation.advance(new Date(START.getTime() + minute * MINUTE)));
  }
  return { initial, events, simulation };
}

const ofType = <T extends DomainEvent['type']>(events: readonly DomainEvent[], type: T) =>
  events.filter((event): event is Extract<DomainEvent, { type: T }> => event.type === type);

describe('createCitySimulation: determinism', () => {
  it('produces byte-identical events for the same seed and advance calls', () => {
    const a = run({ seed: 7, minutes: 10 });
    const b = run({ seed: 7, minutes: 10 });
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  });

  it('produces different events for a different seed', () => {
    const a = run({ seed: 7, minutes: 10 });
    const b = run({ seed: 8, minutes: 10 });
    expect(JSON.stringify(b.events)).not.toBe(JSON.stringify(a.events));
  });

  it('does not depend on how the time is split across advance calls', () => {
    const whole = createCitySimulation({ seed: 3, startAt: START });
    const pieces = createCitySimulation({ seed: 3, startAt: START });
    const end = START.getTime() + 5 * MINUTE;
    const expected = whole.advance(new Date(end));
    const actual: DomainEvent[] = [];
    // Uneven pieces, some shorter than a step.
    for (let t = START.getTime() + 700; t < end; t += 1_300) actual.push(...pieces.advance(new Date(t)));
    actual.push(...pieces.advance(new Date(end)));
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });

  it('returns nothing for a time at or before its clock, and returns initial events unchanged', () => {
    const simulation = createCitySimulation({ seed: 3, startAt: START });
    expect(simulation.advance(new Date(START.getTime() - MINUTE))).toEqual([]);
    expect(simulation.advance(START)).toEqual([]);
    expect(simulation.initialEvents()).toEqual(simulation.initialEvents());
    expect(simulation.now()).toEqual(START);
  });

  it.each([
    [{ unitCount: -1 }],
    [{ cameraCount: 1.5 }],
    [{ callsPerMinute: Number.NaN }],
    [{ positionIntervalMs: 0 }],
    [{ startAt: new Date('not a date') }],
  ])('rejects bad options %p', (bad) => {
    expect(() => createCitySimulation({ seed: 1, startAt: START, ...bad })).toThrow(RangeError);
  });
});

describe('createCitySimulation: initial city', () => {
  it('creates the default 300 cameras and 40 units, and as many as asked for', () => {
    const defaults = run({ minutes: 0 }).initial;
    expect(ofType(defaults, 'camera.discovered')).toHaveLength(300);
    expect(ofType(defaults, 'unit.statusChanged')).toHaveLength(40);
    expect(ofType(defaults, 'position.fix')).toHaveLength(40);

    const small = run({ minutes: 0, unitCount: 12, cameraCount: 50 }).initial;
    expect(ofType(small, 'camera.discovered')).toHaveLength(50);
    expect(ofType(small, 'unit.statusChanged')).toHaveLength(12);
  });

  it('names units and cameras with unique ids and call signs', () => {
    const { initial } = run({ minutes: 0 });
    const units = ofType(initial, 'unit.statusChanged');
    const cameras = ofType(initial, 'camera.discovered');
    expect(units[0]).toMatchObject({ unitId: 'unit-01', status: 'AVAILABLE', incidentId: null });
    expect(cameras[0]?.cameraId).toBe('cam-0001');
    expect(new Set(units.map((u) => u.unitId)).size).toBe(40);
    expect(new Set(units.map((u) => u.callSign)).size).toBe(40);
    expect(new Set(cameras.map((c) => c.cameraId)).size).toBe(300);
    for (const unit of units) expect(unit.callSign).toMatch(/^[1-4][A-D]\d{2}$/);
  });

  it('places city and community cameras with plausible optics and simulated stream URLs', () => {
    const cameras = ofType(run({ minutes: 0 }).initial, 'camera.discovered');
    const bySource = (source: CameraDiscovered['cameraSource']) => cameras.filter((c) => c.cameraSource === source);
    expect(bySource('CITY_VMS').length).toBeGreaterThan(50);
    expect(bySource('COMMUNITY_LIVE').length).toBeGreaterThan(20);
    expect(bySource('COMMUNITY_REGISTERED').length).toBeGreaterThan(20);
    expect(cameras.filter((c) => c.status === 'ONLINE').length).toBeGreaterThan(270);

    for (const camera of cameras) {
      expect(camera.headingDegrees).toBeGreaterThanOrEqual(0);
      expect(camera.headingDegrees).toBeLessThan(360);
      expect(camera.fieldOfViewDegrees).toBeGreaterThan(0);
      expect(camera.fieldOfViewDegrees).toBeLessThanOrEqual(120);
      for (const stream of camera.streams) expect(stream.url).toMatch(/^(rtsp|https):\/\/[a-z]+\.sim\.invalid[:/]/);
    }
    for (const camera of bySource('CITY_VMS')) {
      expect(camera.name).toMatch(/^.+ & .+ \((NE|NW|SE|SW)\)$/);
      expect(camera.fieldOfViewDegrees).toBeGreaterThanOrEqual(60);
      expect(camera.fieldOfViewDegrees).toBeLessThanOrEqual(90);
      expect(camera.rangeMeters).toBeGreaterThanOrEqual(80);
      expect(camera.rangeMeters).toBeLessThanOrEqual(200);
      expect(camera.streams.some((s) => s.protocol === 'RTSP')).toBe(true);
      expect(camera.snapshotUrl).toMatch(/\.sim\.invalid\//);
      if (camera.ptz) {
        expect(camera.mountHeightMeters).toBeGreaterThanOrEqual(6);
        expect(camera.mountHeightMeters).toBeLessThanOrEqual(10);
      }
    }
    expect(bySource('CITY_VMS').some((c) => c.ptz)).toBe(true);
    for (const camera of [...bySource('COMMUNITY_LIVE'), ...bySource('COMMUNITY_REGISTERED')]) {
      expect(camera.name).toMatch(/ - /);
      expect(camera.ptz).toBe(false);
      expect(camera.rangeMeters).toBeLessThan(80);
    }
    for (const camera of bySource('COMMUNITY_LIVE')) expect(camera.streams.length).toBeGreaterThan(0);
    // Registered-only cameras are known to exist, but share no live video.
    for (const camera of bySource('COMMUNITY_REGISTERED')) expect(camera.streams).toEqual([]);
  });
});

describe('createCitySimulation: an hour of the city', () => {
  const MINUTES = 60;
  let initial: DomainEvent[];
  let events: DomainEvent[];
  let simulation: ReturnType<typeof createCitySimulation>;

  beforeAll(() => {
    ({ initial, events, simulation } = run({ seed: 11, minutes: MINUTES }));
  });

  it('emits only events that pass the contract validator', () => {
    const failures = events.map(validateDomainEvent).filter((result) => !result.ok);
    expect(failures).toEqual([]);
  });

  it('stamps unique ids, its source and the simulated time on every event, in time order', () => {
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const end = START.getTime() + MINUTES * MINUTE;
    let previous = START.getTime();
    const misfits: DomainEvent[] = [];
    for (const event of events) {
      const at = Date.parse(event.occurredAt);
      if (event.source !== 'simulator' || at < previous || at > end) misfits.push(event);
      previous = at;
    }
    expect(misfits).toEqual([]);
    expect(simulation.now().getTime()).toBe(end);
  });

  it('keeps unit positions on the map, reporting every positionIntervalMs, and moving', () => {
    const { south, west, north, east } = simulation.grid.bounds;
    const fixes = ofType(events, 'position.fix');
    const outside = fixes.filter(
      ({ point, fixAt, occurredAt, speedKph }) =>
        point.lat < south ||
        point.lat > north ||
        point.lon < west ||
        point.lon > east ||
        fixAt !== occurredAt ||
        (speedKph ?? 0) > 100,
    );
    expect(outside).toEqual([]);
    const byUnit = new Map<string, PositionFix[]>();
    for (const fix of fixes) {
      const unitFixes = byUnit.get(fix.unitId ?? '') ?? [];
      unitFixes.push(fix);
      byUnit.set(fix.unitId ?? '', unitFixes);
    }
    expect(byUnit.size).toBe(40);
    for (const unitFixes of byUnit.values()) {
      const times = unitFixes.map((fix) => Date.parse(fix.fixAt));
      const gaps = times.slice(2).map((time, i) => time - (times[i + 1] ?? 0));
      expect(new Set(gaps)).toEqual(new Set([2000]));
      const distinct = new Set(unitFixes.map((fix) => `${fix.point.lat},${fix.point.lon}`));
      expect(distinct.size).toBeGreaterThan(10);
    }
    // Patrolling at 40-60 km/h, faster with lights and siren.
    const moving = fixes.filter((fix) => (fix.speedKph ?? 0) > 0).map((fix) => fix.speedKph ?? 0);
    expect(Math.min(...moving)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...moving)).toBeGreaterThan(60);
  });

  it('moves a driving unit at about its reported speed', () => {
    const fixes = ofType(events, 'position.fix').filter((fix) => fix.unitId === 'unit-05');
    const pairs = fixes.slice(1).map((fix, i) => [fixes[i] as PositionFix, fix] as const);
    const steady = pairs.filter(
      ([a, b]) => a.speedKph === b.speedKph && (a.speedKph ?? 0) > 0 && a.headingDegrees === b.headingDegrees,
    );
    expect(steady.length).toBeGreaterThan(10);
    const errors = steady.map(([a, b]) => haversineMeters(a.point, b.point) - ((a.speedKph ?? 0) / 3.6) * 2);
    // Never faster than reported; shorter only when the unit reached its destination in between.
    for (const error of errors) expect(error).toBeLessThan(1);
    expect(errors.filter((error) => Math.abs(error) < 1).length).toBeGreaterThan(steady.length * 0.8);
  });

  it('answers 911 calls, refines their locations and ends them within four minutes', () => {
    const received = ofType(events, 'call.received');
    const updates = ofType(events, 'call.updated');
    expect(received.length).toBeGreaterThan(150); // about 4 a minute
    expect(received.length).toBeLessThan(350);
    for (const call of received) {
      expect(call.state).toBe('RINGING');
      expect(call.callbackNumber).toMatch(/^480-555-\d{4}$/);
      expect(['WPH1', 'WPH2', 'VOIP', 'RESD', 'BUSN']).toContain(call.classOfService);
      if (call.classOfService === 'WPH1') {
        expect(call.location?.uncertaintyMeters).toBeGreaterThanOrEqual(300);
        expect(call.location?.uncertaintyMeters).toBeLessThanOrEqual(1500);
      }
      const mine = updates.filter((u) => u.callId === call.callId);
      const last = mine.at(-1);
      if (Date.parse(call.occurredAt) < START.getTime() + (MINUTES - 4) * MINUTE) {
        expect(['ENDED', 'ABANDONED']).toContain(last?.state);
        expect(Date.parse(last?.occurredAt ?? '') - Date.parse(call.occurredAt)).toBeLessThanOrEqual(4 * MINUTE);
      }
      const refined = mine.find((u) => u.location);
      if (refined) {
        expect(refined.location?.uncertaintyMeters).toBeGreaterThanOrEqual(10);
        expect(refined.location?.uncertaintyMeters).toBeLessThanOrEqual(50);
      }
    }
    expect(updates.some((u) => u.state === 'ABANDONED')).toBe(true);
  });

  it('turns most answered calls into incidents from the APCO table, never abandoned ones', () => {
    const received = new Set(ofType(events, 'call.received').map((c) => c.callId));
    const abandoned = new Set(
      ofType(events, 'call.updated')
        .filter((u) => u.state === 'ABANDONED')
        .map((u) => u.callId),
    );
    const created = ofType(events, 'incident.created');
    expect(created.length).toBeGreaterThan(60);
    const codes = new Map(INCIDENT_TYPES.map((type) => [type.code, type]));
    for (const incident of created) {
      expect(incident.status).toBe('PENDING');
      expect(incident.number).toMatch(/^MPD2611230\d{3}$/); // 08:00 Mesa time on 23 Nov 2026
      expect(codes.get(incident.typeCode)?.priority).toBe(incident.priority);
      for (const callId of incident.callIds) {
        expect(received.has(callId)).toBe(true);
        expect(abandoned.has(callId)).toBe(false);
      }
    }
    expect(new Set(created.map((i) => i.number)).size).toBe(created.length);
  });

  it('dispatches units that drive to the incident, go on scene, and come back available', () => {
    const incidents = new Map(ofType(events, 'incident.created').map((i) => [i.incidentId, i]));
    const unitEvents = ofType(events, 'unit.statusChanged');
    const next: Record<UnitStatus, readonly UnitStatus[]> = {
      AVAILABLE: ['DISPATCHED'],
      DISPATCHED: ['ENROUTE', 'AVAILABLE'],
      ENROUTE: ['ON_SCENE', 'AVAILABLE'],
      ON_SCENE: ['AVAILABLE'],
      TRANSPORTING: [],
      OUT_OF_SERVICE: [],
    };
    const last = new Map<string, UnitStatus>();
    let fullCycles = 0;
    for (const event of unitEvents) {
      const previous = last.get(event.unitId);
      if (previous) expect(next[previous]).toContain(event.status);
      if (previous === 'ON_SCENE' && event.status === 'AVAILABLE') fullCycles += 1;
      expect(event.incidentId === null).toBe(event.status === 'AVAILABLE');
      last.set(event.unitId, event.status);
    }
    expect(fullCycles).toBeGreaterThan(20);

    // A unit goes on scene where its incident is.
    const fixes = ofType(events, 'position.fix');
    const onScene = unitEvents.filter((e) => e.status === 'ON_SCENE');
    for (const arrival of onScene.slice(0, 20)) {
      const incident = incidents.get(arrival.incidentId ?? '') as IncidentCreated;
      const fix = fixes.find((f) => f.unitId === arrival.unitId && f.occurredAt > arrival.occurredAt);
      if (fix) expect(haversineMeters(fix.point, incident.location.point)).toBeLessThan(1);
    }
  });

  it('walks incidents through PENDING, DISPATCHED, ENROUTE, ON_SCENE and CLOSED', () => {
    const statuses = new Map<string, string[]>();
    for (const event of events) {
      if ((event.type === 'incident.created' || event.type === 'incident.updated') && event.status) {
        statuses.set(event.incidentId, [...(statuses.get(event.incidentId) ?? []), event.status]);
      }
    }
    const lifecycle = ['PENDING', 'DISPATCHED', 'ENROUTE', 'ON_SCENE', 'CLOSED'];
    for (const sequence of statuses.values()) expect(lifecycle.slice(0, sequence.length)).toEqual(sequence);
    const closed = [...statuses.values()].filter((sequence) => sequence.at(-1) === 'CLOSED');
    expect(closed.length).toBeGreaterThan(30);
  });

  it('sends two units to urgent incidents and one to the others when units are free', () => {
    const incidents = new Map(ofType(events, 'incident.created').map((i) => [i.incidentId, i]));
    const assigned = new Map<string, Set<string>>();
    for (const event of ofType(events, 'unit.statusChanged')) {
      if (event.status !== 'DISPATCHED' || event.incidentId === null) continue;
      assigned.set(event.incidentId, (assigned.get(event.incidentId) ?? new Set()).add(event.unitId));
    }
    for (const [incidentId, units] of assigned) {
      const priority = incidents.get(incidentId)?.priority ?? 0;
      expect(units.size).toBeLessThanOrEqual(priority <= 2 ? 2 : 1);
    }
    expect([...assigned.values()].some((units) => units.size === 2)).toBe(true);
  });

  it('links duplicate calls to an open incident', () => {
    const linked = ofType(events, 'incident.updated').filter((u) => u.callIds !== undefined);
    expect(linked.length).toBeGreaterThan(0);
    for (const update of linked) expect(update.callIds?.length).toBeGreaterThan(1);
  });

  it('takes a few cameras offline and brings them back', () => {
    const known = new Set(ofType(initial, 'camera.discovered').map((c) => c.cameraId));
    const changes = ofType(events, 'camera.statusChanged');
    expect(changes.some((c) => c.status === 'OFFLINE')).toBe(true);
    expect(changes.some((c) => c.status === 'ONLINE')).toBe(true);
    const status = new Map(ofType(initial, 'camera.discovered').map((c) => [c.cameraId, c.status]));
    for (const change of changes) {
      expect(known.has(change.cameraId)).toBe(true);
      expect(change.status).not.toBe(status.get(change.cameraId));
      status.set(change.cameraId, change.status);
    }
    expect([...status.values()].filter((s) => s === 'OFFLINE').length).toBeLessThan(30);
  });
});

describe('createCitySimulation: incident numbers after a restart', () => {
  const numbersOf = (simulation: ReturnType<typeof createCitySimulation>, minutes: number) => {
    const events: DomainEvent[] = [];
    for (let minute = 1; minute <= minutes; minute += 1) events.push(...simulation.advance(new Date(START.getTime() + minute * MINUTE)));
    return ofType(events, 'incident.created').map((incident) => incident.number);
  };

  it("continues each day's sequence after the highest number already issued, ignoring other forms", () => {
    const simulation = createCitySimulation({ seed: 1, startAt: START });
    simulation.continueIncidentNumbers(['MPD2611230041', 'MPD2611230007', 'XYZ2611239999', 'MPD261123', 'MPD2611220500']);
    const numbers = numbersOf(simulation, 60);
    expect(numbers.length).toBeGreaterThan(3);
    expect(numbers.slice(0, 3)).toEqual(['MPD2611230042', 'MPD2611230043', 'MPD2611230044']);
  });

  it('raises the running sequence when told of higher numbers mid-day', () => {
    const simulation = createCitySimulation({ seed: 1, startAt: START });
    const first = numbersOf(simulation, 30);
    expect(first[0]).toBe('MPD2611230001');
    simulation.continueIncidentNumbers(['MPD2611230300']);
    const later = ofType(simulation.advance(new Date(START.getTime() + 120 * MINUTE)), 'incident.created').map((incident) => incident.number);
    expect(later[0]).toBe('MPD2611230301');
  });
});

describe('createCitySimulation: beginning later', () => {
  const LATER = new Date(START.getTime() + 45 * MINUTE);

  it('is the city a simulation created at that time would be, with the incident numbers it was told of', () => {
    const begunLater = createCitySimulation({ seed: 4, startAt: START });
    begunLater.continueIncidentNumbers(['MPD2611230120']);
    begunLater.beginLater(LATER);
    const fresh = createCitySimulation({ seed: 4, startAt: LATER });
    fresh.continueIncidentNumbers(['MPD2611230120']);
    expect(begunLater.now()).toEqual(LATER);
    expect(JSON.stringify(begunLater.initialEvents())).toBe(JSON.stringify(fresh.initialEvents()));
    const until = new Date(LATER.getTime() + 30 * MINUTE);
    const events = begunLater.advance(until);
    expect(JSON.stringify(events)).toBe(JSON.stringify(fresh.advance(until)));
    const numbers = ofType(events, 'incident.created').map((incident) => incident.number);
    expect(numbers[0]).toBe('MPD2611230121');
  });

  it('refuses once the city has advanced, and a time before its start or not a time', () => {
    const simulation = createCitySimulation({ seed: 4, startAt: START });
    expect(() => simulation.beginLater(new Date(START.getTime() - 1))).toThrow(RangeError);
    expect(() => simulation.beginLater(new Date('not a date'))).toThrow(RangeError);
    simulation.advance(new Date(START.getTime() + MINUTE));
    expect(() => simulation.beginLater(LATER)).toThrow('already advanced');
  });
});

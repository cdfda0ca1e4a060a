import { translateAvlPayload } from '../../../adapters/avl';
import { translateCameraCsv } from '../../../adapters/camera-csv';
import { type DomainEvent } from '../../../contract';
import { createApcoIncidentCodeTable, translateEido } from '../../../adapters/eido';
import { translateCallFeedMessage } from '../../../adapters/live911';
import { createNmeaFixAssembler } from '../../../adapters/nmea';
import {
  type CameraRow,
  createEidoIncidentTracker,
  deviceAssignmentsOf,
  deviceIdForUnit,
  encodeCallFeedMessage,
  encodeCameraCsv,
  encodeNmeaFix,
} from '../../../simulator/devices';
import { createTaipFixAssembler } from '../../../adapters/taip';
import {
  START,
  cameraAsCsvCarries,
  cameraDifferences,
  cameraRowOf,
  expectSameHistories,
  fixDifferences,
  incidentHistories,
  ofType,
  playCity,
  unitEventsOnIncidents,
  unitHistories,
} from './protocolEquivalence';

const SEED = 20261123;
const HOUR_SECONDS = 3600;
const codeTable = createApcoIncidentCodeTable();
/** The events a CAD reports, and so EIDO carries. */
const CAD_TYPES: ReadonlySet<DomainEvent['type']> = new Set(['incident.created', 'incident.updated', 'unit.statusChanged']);

describe('an hour of the simulated city through the real translators', () => {
  const events: DomainEvent[] = playCity(SEED, HOUR_SECONDS);

  it('has enough of every kind of event to mean something', () => {
    const counts = (type: DomainEvent['type']) => events.filter((event) => event.type === type).length;
    expect(counts('position.fix')).toBeGreaterThan(60_000);
    expect(counts('call.received')).toBeGreaterThan(150);
    expect(counts('incident.created')).toBeGreaterThan(50);
    expect(counts('incident.updated')).toBeGreaterThan(200);
    expect(counts('camera.statusChanged')).toBeGreaterThan(10);
  });

  it('NMEA: every fix comes back from translateAvlPayload for its unit, within 1e-9° and 0.0002 km/h', () => {
    const units = new Map(deviceAssignmentsOf(events).map(({ deviceId, unitId }) => [deviceId, unitId]));
    const options = {
      source: 'avl',
      nmea: createNmeaFixAssembler(),
      taip: createTaipFixAssembler({ now: () => START }),
      unitFor: (deviceId: string) => units.get(deviceId),
    };
    const problems: string[] = [];
    for (const fix of ofType(events, 'position.fix')) {
      const deviceId = deviceIdForUnit(fix.unitId ?? '');
      const { fixes: decoded, rejections } = translateAvlPayload(encodeNmeaFix(fix, deviceId), 'udp:127.0.0.1:9', options);
      const [back] = decoded;
      if (rejections.length > 0 || decoded.length !== 1 || !back) {
        problems.push(`${fix.eventId}: ${decoded.length} fixes, ${JSON.stringify(rejections)}`);
        continue;
      }
      if (back.deviceId !== deviceId || back.eventId !== `${deviceId}@${fix.fixAt}`) problems.push(`${fix.eventId}: ids ${back.eventId}`);
      problems.push(...fixDifferences(back, fix));
    }
    expect(problems).toEqual([]);
  });

  it('Live911: every call event comes back from translateCallFeedMessage identical but for its source', () => {
    const calls = events.filter((event) => event.type === 'call.received' || event.type === 'call.updated');
    for (const call of calls) {
      const raw = JSON.stringify(encodeCallFeedMessage(call));
      const translation = translateCallFeedMessage(raw, { source: 'live911' });
      expect(translation).toEqual({ ok: true, event: { ...call, source: 'live911' } });
    }
  });

  it('camera CSV: every version of the inventory comes back from translateCameraCsv as the cameras then stood', () => {
    const cameras = new Map<string, CameraRow>();
    const problems: string[] = [];
    let versions = 0;
    for (const event of events) {
      if (event.type === 'camera.discovered') cameras.set(event.cameraId, cameraRowOf(event));
      else if (event.type === 'camera.statusChanged') {
        const camera = cameras.get(event.cameraId);
        if (camera) cameras.set(event.cameraId, { ...camera, status: event.status });
      } else continue;
      // The initial inventory is one file; after that, one file per change.
      if (event.type === 'camera.discovered' && cameras.size < ofType(events, 'camera.discovered').length) continue;
      versions += 1;
      const rows = [...cameras.values()];
      const translation = translateCameraCsv(encodeCameraCsv(rows), {
        source: 'camera-csv',
        fileName: '/var/spool/rtcc/sim-cameras.csv',
        now: new Date(event.occurredAt),
      });
      if (translation.rejections.length > 0) problems.push(JSON.stringify(translation.rejections.slice(0, 3)));
      const expected = rows.map((row) => cameraAsCsvCarries(row, 'sim-cameras'));
      const received = translation.events.map(cameraRowOf);
      problems.push(...cameraDifferences(received, expected).slice(0, 3).map((problem) => `version ${versions}: ${problem}`));
    }
    expect(problems).toEqual([]);
    expect(versions).toBe(1 + ofType(events, 'camera.statusChanged').length);
  });

  describe('EIDO: the incident and unit events, as a CAD restates them', () => {
    const tracker = createEidoIncidentTracker();
    const cad = events.filter((event) => CAD_TYPES.has(event.type));
    const translated: DomainEvent[] = [];
    const notCarried: DomainEvent[] = [];
    const rejections: unknown[] = [];
    let documents = 0;

    beforeAll(() => {
      for (const event of events) {
        const document = tracker.accept(event);
        if (document === null) {
          if (CAD_TYPES.has(event.type)) notCarried.push(event);
          continue;
        }
        documents += 1;
        // Through JSON, as the HTTP adapter receives it.
        const result = translateEido(JSON.parse(JSON.stringify(document)), {
          source: 'eido-http',
          codeTable,
          receivedAt: event.occurredAt,
        });
        translated.push(...result.events);
        rejections.push(...result.rejections);
      }
    });

    it('sends one full document per change and the translator rejects none of it', () => {
      expect(documents).toBe(cad.length - notCarried.length);
      expect(rejections).toEqual([]);
    });

    it('carries every incident and unit event except each unit’s first status (the roster, on no incident)', () => {
      const roster = ofType(events, 'unit.statusChanged').filter((event, index, all) => all.findIndex((other) => other.unitId === event.unitId) === index);
      expect(notCarried).toEqual(roster);
      expect(roster.every((event) => event.incidentId === null && event.status === 'AVAILABLE')).toBe(true);
    });

    it('gives every incident the same states in the same order, each dated within 1 s of the simulation', () => {
      const expected = incidentHistories(events);
      const received = incidentHistories(translated);
      expectSameHistories(received, expected, 1000);
      // Collapsing identical restatements leaves exactly the simulation's incident events.
      const simulated = events.filter((event) => event.type === 'incident.created' || event.type === 'incident.updated');
      expect([...received.values()].flat()).toHaveLength(simulated.length);
    });

    it('gives every unit the same states (call sign, status, incident) at the same instants', () => {
      const expected = unitHistories(unitEventsOnIncidents(events));
      const received = unitHistories(translated);
      expectSameHistories(received, expected, 0);
      expect([...received.values()].flat()).toHaveLength(unitEventsOnIncidents(events).length);
    });

    it('takes the type text and priority from the hub’s APCO table, not from the document', () => {
      for (const incident of ofType(translated, 'incident.created')) {
        const entry = codeTable.lookup(incident.typeCode);
        expect(entry.known).toBe(true);
        expect({ typeText: incident.typeText, priority: incident.priority }).toEqual({ typeText: entry.text, priority: entry.priority });
      }
    });

    it('restates an incident as incident.created, which the CAD store upserts', () => {
      expect(ofType(translated, 'incident.updated')).toHaveLength(0);
      expect(tracker.openIncidents()).toBeGreaterThan(0);
    });
  });
});

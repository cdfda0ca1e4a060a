import fc from 'fast-check';
import { translateAvlPayload } from '../../../adapters/avl';
import { type DomainEvent, type EventLocation, type PositionFix } from '../../../contract';
import { createApcoIncidentCodeTable, translateEido } from '../../../adapters/eido';
import { translateCallFeedMessage } from '../../../adapters/live911';
import { createNmeaFixAssembler, parseNmeaSentence } from '../../../adapters/nmea';
import { parsePidfLocation } from '../../../adapters/pidf';
import {
  createEidoIncidentTracker,
  encodeCallFeedMessage,
  encodeCivicAddress,
  encodeEido,
  encodeNmeaFix,
  encodePidfLocation,
  type EidoIncidentState,
} from '../../../simulator/devices';
import { createTaipFixAssembler } from '../../../adapters/taip';
import { haversineMeters } from '../../../geo/geodesy';

/** Checksums computed independently of the encoder: over latin-1 bytes, with reduce. */
const xorHex = (text: string): string =>
  Buffer.from(text, 'latin1')
    .reduce((sum, byte) => sum ^ byte, 0)
    .toString(16)
    .toUpperCase()
    .padStart(2, '0');

const fix = (fields: Partial<PositionFix> = {}): PositionFix => ({
  type: 'position.fix',
  eventId: 'sim-1',
  source: 'simulator',
  occurredAt: '2026-11-23T15:04:05.000Z',
  unitId: 'unit-07',
  point: { lat: 33.412345, lon: -111.834567 },
  headingDegrees: 87.5,
  speedKph: 52.3,
  fixAt: '2026-11-23T15:04:05.000Z',
  ...fields,
});

function decode(payload: string): PositionFix[] {
  const { fixes, rejections } = translateAvlPayload(payload, 'udp:127.0.0.1:9', {
    source: 'avl',
    nmea: createNmeaFixAssembler(),
    taip: createTaipFixAssembler({ now: () => new Date() }),
    unitFor: () => 'unit-07',
  });
  expect(rejections).toEqual([]);
  return fixes;
}

describe('encodeNmeaFix', () => {
  it('writes an RMC and a GGA of the same epoch, each behind the modem id, with valid checksums', () => {
    const payload = encodeNmeaFix(fix(), 'modem-unit-07');
    const lines = payload.split('\r\n');
    expect(lines).toEqual([
      expect.stringMatching(/^modem-unit-07,\$GPRMC,150405\.00,A,3324\.740700,N,11150\.074020,W,28\.2397,87\.5,231126,,,A\*[0-9A-F]{2}$/),
      expect.stringMatching(/^modem-unit-07,\$GPGGA,150405\.00,3324\.740700,N,11150\.074020,W,1,,,,,,,,\*[0-9A-F]{2}$/),
    ]);
    for (const line of lines) {
      const sentence = line.slice('modem-unit-07,'.length);
      const star = sentence.lastIndexOf('*');
      expect(sentence.slice(star + 1)).toBe(xorHex(sentence.slice(1, star)));
      expect(parseNmeaSentence(sentence).ok).toBe(true);
      expect(sentence.length).toBeLessThanOrEqual(82);
    }
  });

  it('keeps centiseconds, the hemispheres, and empty fields for an unknown course and speed', () => {
    const [back] = decode(
      encodeNmeaFix(
        fix({ point: { lat: -45.457633, lon: 167.152750 }, headingDegrees: null, speedKph: null, fixAt: '2026-02-28T23:59:59.987Z' }),
        'm1',
      ),
    );
    expect(back).toMatchObject({ headingDegrees: null, speedKph: null, fixAt: '2026-02-28T23:59:59.980Z' });
    expect(back?.point.lat).toBeCloseTo(-45.457633, 9);
    expect(back?.point.lon).toBeCloseTo(167.15275, 9);
  });

  it('carries minutes that round up to 60 into the degrees', () => {
    const payload = encodeNmeaFix(fix({ point: { lat: 33.99999999999, lon: -111.99999999999 } }), 'm1');
    expect(payload).toContain(',3400.000000,N,11200.000000,W,');
  });

  it('decodes within 0.2 m, 0.0002 km/h and the exact course for any fix', () => {
    const arbitrary = fc.record({
      lat: fc.double({ min: -89.999, max: 89.999, noNaN: true }),
      lon: fc.double({ min: -179.999, max: 179.999, noNaN: true }),
      heading: fc.integer({ min: 0, max: 3599 }).map((tenths) => tenths / 10),
      speed: fc.integer({ min: 0, max: 3000 }).map((tenths) => tenths / 10),
      at: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2079, 11, 31) }),
    });
    fc.assert(
      fc.property(arbitrary, ({ lat, lon, heading, speed, at }) => {
        const sent = fix({ point: { lat, lon }, headingDegrees: heading, speedKph: speed, fixAt: new Date(at).toISOString() });
        const [back] = decode(encodeNmeaFix(sent, 'm1'));
        expect(haversineMeters(back!.point, sent.point)).toBeLessThan(0.2);
        expect(back!.headingDegrees).toBe(heading);
        expect(Math.abs(back!.speedKph! - speed)).toBeLessThanOrEqual(0.0002);
        expect(Date.parse(back!.fixAt)).toBe(Math.floor(at / 10) * 10);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a fix time that is not a date', () => {
    expect(() => encodeNmeaFix(fix({ fixAt: 'yesterday' }), 'm1')).toThrow(RangeError);
  });
});

describe('encodePidfLocation', () => {
  const location: EventLocation = { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: 35, address: '1234 E Main St' };
  const encode = (fields: Partial<EventLocation>) =>
    encodePidfLocation({ entity: 'pres:a&b@example.com', location: { ...location, ...fields }, method: 'GPS', timestamp: 'now' });

  it('writes a gs:Circle, or a gml:Point when the uncertainty is unknown, that the hub’s reader reads back', () => {
    expect(encode({})).toContain('<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">');
    expect(parsePidfLocation(encode({}))).toEqual({
      ok: true,
      location: { point: location.point, uncertaintyMeters: 35, address: '1234 E Main St', shape: 'Circle' },
    });
    expect(parsePidfLocation(encode({ uncertaintyMeters: null, address: null }))).toEqual({
      ok: true,
      location: { point: location.point, uncertaintyMeters: null, address: null, shape: 'Point' },
    });
  });

  it.each([
    ['1234 E Main St', '<ca:HNO>1234</ca:HNO><ca:PRD>E</ca:PRD><ca:RD>Main</ca:RD><ca:STS>St</ca:STS>'],
    ['805 N Sycamore', '<ca:HNO>805</ca:HNO><ca:PRD>N</ca:PRD><ca:RD>Sycamore</ca:RD>'],
    ['12 W Country Club Dr', '<ca:HNO>12</ca:HNO><ca:PRD>W</ca:PRD><ca:RD>Country Club</ca:RD><ca:STS>Dr</ca:STS>'],
    ['Main St & Center St <NE>', '<ca:LOC>Main St &amp; Center St &lt;NE&gt;</ca:LOC>'],
  ])('encodes the address %j as RFC 5139 elements and reads it back unchanged', (address, elements) => {
    expect(encodeCivicAddress(address)).toBe(`<ca:civicAddress>${elements}</ca:civicAddress>`);
    const parsed = parsePidfLocation(encode({ address }));
    expect(parsed.ok && parsed.location.address).toBe(address);
  });
});

describe('encodeCallFeedMessage', () => {
  const envelope = { eventId: 'sim-9', source: 'simulator', occurredAt: '2026-11-23T15:00:09.000Z', callId: 'call-x-1' };

  it('sends a call with no location yet as ringing with a null location', () => {
    const received: DomainEvent = {
      ...envelope,
      type: 'call.received',
      state: 'RINGING',
      location: null,
      classOfService: null,
      callbackNumber: null,
    };
    const message = encodeCallFeedMessage(received);
    expect(message).toEqual({ eventId: 'sim-9', type: 'ringing', callId: 'call-x-1', at: envelope.occurredAt, ani: null, classOfService: null, location: null });
    expect(translateCallFeedMessage(JSON.stringify(message), { source: 'simulator' })).toEqual({ ok: true, event: received });
  });

  it('refuses what the feed cannot say: a call ringing again, or only a class of service', () => {
    expect(() => encodeCallFeedMessage({ ...envelope, type: 'call.updated', state: 'RINGING' })).toThrow(RangeError);
    expect(() => encodeCallFeedMessage({ ...envelope, type: 'call.updated', classOfService: 'WPH2' })).toThrow(RangeError);
  });
});

describe('encodeEido and the incident tracker', () => {
  const codeTable = createApcoIncidentCodeTable();
  const at = (second: number) => new Date(Date.UTC(2026, 10, 23, 15, 0, second)).toISOString();
  const envelope = (second: number) => ({ eventId: `sim-${second}`, source: 'simulator', occurredAt: at(second) });
  const created: DomainEvent = {
    ...envelope(1),
    type: 'incident.created',
    incidentId: 'inc-x-1',
    number: 'MPD2611230001',
    typeCode: 'BURGLARY',
    typeText: 'Burglary',
    priority: 3,
    status: 'PENDING',
    location: { point: { lat: 33.41, lon: -111.83 }, uncertaintyMeters: null, address: '20 E Main St' },
    reportedAt: at(0),
    narrative: 'Simulated: "quote" & <tag>.',
    callIds: ['call-x-1'],
  };
  const unit = (second: number, status: 'DISPATCHED' | 'AVAILABLE', incidentId: string | null): DomainEvent => ({
    ...envelope(second),
    type: 'unit.statusChanged',
    unitId: 'unit-03',
    callSign: '3A31',
    status,
    incidentId,
  });

  it('cross-links every component: each $ref names a $id in the document', () => {
    const state: EidoIncidentState = {
      incidentId: 'inc-x-1',
      number: 'MPD2611230001',
      typeCode: 'BURGLARY',
      typeText: 'Burglary',
      status: 'DISPATCHED',
      location: { point: { lat: 33.41, lon: -111.83 }, uncertaintyMeters: null, address: null },
      narrative: 'n',
      calls: [{ callId: 'call-x-1', startedAt: at(0) }],
      resources: [{ unitId: 'unit-03', callSign: '3A31', status: 'DISPATCHED', incidentId: 'inc-x-1', updatedAt: at(1) }],
      updatedAt: at(2),
    };
    const json = JSON.stringify(encodeEido(state));
    const ids = new Set([...json.matchAll(/"\$id":"([^"]+)"/g)].map((match) => match[1]));
    const refs = [...json.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((ref) => !ids.has(ref))).toEqual([]);
  });

  it('restates the incident on every change with a strictly newer lastUpdateTimeStamp, and lists a released unit once', () => {
    const tracker = createEidoIncidentTracker();
    const documents = [
      tracker.accept(created),
      tracker.accept(unit(1, 'DISPATCHED', 'inc-x-1')),
      tracker.accept({ ...envelope(1), type: 'incident.updated', incidentId: 'inc-x-1', status: 'DISPATCHED' }),
      tracker.accept({ ...envelope(9), type: 'incident.updated', incidentId: 'inc-x-1', status: 'CLOSED' }),
      tracker.accept(unit(9, 'AVAILABLE', null)),
    ];
    expect(documents.every((document) => document !== null)).toBe(true);
    const stamps = documents.map((document) => String(document?.lastUpdateTimeStamp));
    expect(stamps).toEqual([at(1), '2026-11-23T15:00:01.001Z', '2026-11-23T15:00:01.002Z', at(9), '2026-11-23T15:00:09.001Z']);
    const resources = documents.map((document) => (document?.emergencyResourceComponent as unknown[]).length);
    expect(resources).toEqual([0, 1, 1, 1, 1]);
    // Closed and every unit released: the CAD is done with it.
    expect(tracker.openIncidents()).toBe(0);
    expect(tracker.accept({ ...envelope(10), type: 'incident.updated', incidentId: 'inc-x-1', status: 'CLOSED' })).toBeNull();

    const translated = documents.flatMap(
      (document) => translateEido(document, { source: 'eido-http', codeTable, receivedAt: at(20) }).events,
    );
    const last = translated.filter((event) => event.type === 'unit.statusChanged').pop();
    expect(last).toMatchObject({ unitId: 'unit-03', callSign: '3A31', status: 'AVAILABLE', incidentId: null, occurredAt: at(9) });
    expect(translated.find((event) => event.type === 'incident.created')).toMatchObject({ narrative: created.narrative, reportedAt: at(0) });
  });

  it('has nothing to say about a unit on no incident, or an incident it never saw created', () => {
    const tracker = createEidoIncidentTracker();
    expect(tracker.accept(unit(1, 'AVAILABLE', null))).toBeNull();
    expect(tracker.accept({ ...envelope(2), type: 'incident.updated', incidentId: 'inc-unknown', status: 'CLOSED' })).toBeNull();
  });
});

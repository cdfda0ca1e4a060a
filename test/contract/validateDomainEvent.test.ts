import { type DomainEvent } from '../../contract';
import { validateDomainEvent, type ValidationReason } from '../../contract/validateDomainEvent';

const envelope = { eventId: 'e-1', source: 'test', occurredAt: '2026-11-23T15:00:00.000Z' };
const location = { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: 25, address: '20 E Main St' };

/** One valid event of every type. */
const VALID: Record<DomainEvent['type'], DomainEvent> = {
  'call.received': {
    ...envelope,
    type: 'call.received',
    callId: 'c-1',
    state: 'RINGING',
    location,
    classOfService: 'WPH2',
    callbackNumber: '480-555-0100',
  },
  'call.updated': { ...envelope, type: 'call.updated', callId: 'c-1', state: 'ACTIVE' },
  'incident.created': {
    ...envelope,
    type: 'incident.created',
    incidentId: 'i-1',
    number: 'MPD2611230001',
    typeCode: 'ROBBERY',
    typeText: 'Robbery',
    priority: 1,
    status: 'PENDING',
    location,
    reportedAt: '2026-11-23T14:59:00Z',
    narrative: null,
    callIds: ['c-1'],
  },
  'incident.updated': { ...envelope, type: 'incident.updated', incidentId: 'i-1', status: 'DISPATCHED' },
  'unit.statusChanged': {
    ...envelope,
    type: 'unit.statusChanged',
    unitId: 'u-1',
    callSign: '1A11',
    status: 'DISPATCHED',
    incidentId: 'i-1',
  },
  'position.fix': {
    ...envelope,
    type: 'position.fix',
    unitId: 'u-1',
    point: { lat: 33.42, lon: -111.83 },
    headingDegrees: 359.9,
    speedKph: 48,
    fixAt: '2026-11-23T15:00:00Z',
  },
  'camera.discovered': {
    ...envelope,
    type: 'camera.discovered',
    cameraId: 'cam-1',
    name: 'Main St & Mesa Dr (NE)',
    cameraSource: 'CITY_VMS',
    location,
    headingDegrees: 0,
    fieldOfViewDegrees: 70,
    rangeMeters: 120,
    mountHeightMeters: 8,
    ptz: true,
    status: 'ONLINE',
    streams: [{ protocol: 'RTSP', url: 'rtsp://vms.example.invalid/1', profile: 'Profile_1' }],
    snapshotUrl: null,
  },
  'camera.statusChanged': { ...envelope, type: 'camera.statusChanged', cameraId: 'cam-1', status: 'OFFLINE' },
  'camera.withdrawn': { ...envelope, type: 'camera.withdrawn', cameraId: 'community:reg-1', erased: true },
};

const variant = (type: DomainEvent['type'], changes: Record<string, unknown>): Record<string, unknown> => ({
  ...VALID[type],
  ...changes,
});
const stamped = (occurredAt: unknown) => variant('call.updated', { occurredAt });
const callAt = (callerLocation: unknown) => variant('call.received', { location: callerLocation });
const camera = (changes: Record<string, unknown>) => variant('camera.discovered', changes);

const without = (type: DomainEvent['type'], field: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...VALID[type] };
  delete copy[field];
  return copy;
};

describe('validateDomainEvent: accepted', () => {
  it.each(Object.entries(VALID))('accepts a valid %s', (_, event) => {
    expect(validateDomainEvent(event)).toEqual({ ok: true, event });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a fix identified by device only', { ...without('position.fix', 'unitId'), deviceId: 'modem-7' }],
    ['a fix with unknown heading and speed', variant('position.fix', { headingDegrees: null, speedKph: null })],
    ['a call with no location yet', variant('call.received', { location: null, classOfService: null })],
    ['a call update that only refines the location', { ...without('call.updated', 'state'), location }],
    ['an incident update that only links calls', { ...without('incident.updated', 'status'), callIds: ['c-1', 'c-2'] }],
    ['a unit freed from its incident', variant('unit.statusChanged', { status: 'AVAILABLE', incidentId: null })],
    ['a timestamp with an offset', variant('camera.statusChanged', { occurredAt: '2026-11-23T08:00:00-07:00' })],
    ['a location without uncertainty or address', camera({ location: { point: location.point } })],
    [
      'a camera with no optics known',
      camera({ headingDegrees: null, fieldOfViewDegrees: null, rangeMeters: null, mountHeightMeters: null }),
    ],
    ['priority 9', variant('incident.created', { priority: 9 })],
  ])('accepts %s', (_, input) => {
    expect(validateDomainEvent(input).ok).toBe(true);
  });

  it('returns a copy without fields the contract does not know', () => {
    const input = {
      ...VALID['camera.discovered'],
      faceMatches: [{ personId: 'p-1' }],
      location: { ...location, vendorExtra: 1 },
    };
    const result = validateDomainEvent(input);
    expect(result).toEqual({ ok: true, event: VALID['camera.discovered'] });
    expect(result.ok && result.event).not.toBe(input);
  });
});

describe('validateDomainEvent: rejected', () => {
  it.each<[string, unknown, ValidationReason, string]>([
    ['a string', 'call.received', 'bad-type', 'event'],
    ['null', null, 'bad-type', 'event'],
    ['an array', [VALID['call.updated']], 'bad-type', 'event'],
    ['no type', without('call.updated', 'type'), 'missing-field', 'type'],
    ['a numeric type', variant('call.updated', { type: 7 }), 'bad-type', 'type'],
    ['an unknown type', variant('call.updated', { type: 'call.exploded' }), 'unknown-type', 'call.exploded'],
    ['a prototype key as type', variant('call.updated', { type: 'constructor' }), 'unknown-type', 'constructor'],
    ['no eventId', without('call.updated', 'eventId'), 'missing-field', 'eventId'],
    ['an empty eventId', variant('call.updated', { eventId: '' }), 'missing-field', 'eventId'],
    ['a numeric source', variant('call.updated', { source: 3 }), 'bad-type', 'source'],
    ['occurredAt in words', stamped('yesterday'), 'bad-timestamp', 'occurredAt'],
    ['occurredAt without zone', stamped('2026-11-23T15:00:00'), 'bad-timestamp', 'occurredAt'],
    ['an impossible date', stamped('2026-13-45T99:00:00Z'), 'bad-timestamp', 'occurredAt'],
    ['occurredAt as epoch ms', stamped(1_790_000_000_000), 'bad-type', 'occurredAt'],
    ['an unknown call state', variant('call.received', { state: 'RINGGG' }), 'bad-enum', 'state'],
    ['a call without its location field', without('call.received', 'location'), 'missing-field', 'location'],
    ['latitude 95', callAt({ point: { lat: 95, lon: -111.8 } }), 'out-of-range', 'location.point.lat'],
    ['longitude -200', callAt({ point: { lat: 33, lon: -200 } }), 'out-of-range', 'location.point.lon'],
    ['latitude as a string', callAt({ point: { lat: '33.4', lon: -111.8 } }), 'bad-type', 'location.point.lat'],
    ['a location without point', callAt({ uncertaintyMeters: 5 }), 'missing-field', 'location.point'],
    ['negative uncertainty', callAt({ ...location, uncertaintyMeters: -5 }), 'out-of-range', 'uncertaintyMeters'],
    ['a null state on update', variant('call.updated', { state: null }), 'bad-type', 'state'],
    ['priority 0', variant('incident.created', { priority: 0 }), 'out-of-range', 'priority'],
    ['priority 10', variant('incident.created', { priority: 10 }), 'out-of-range', 'priority'],
    ['a fractional priority', variant('incident.created', { priority: 2.5 }), 'bad-type', 'priority'],
    ['an unknown incident status', variant('incident.created', { status: 'OPEN' }), 'bad-enum', 'status'],
    ['callIds not an array', variant('incident.created', { callIds: 'c-1' }), 'bad-type', 'callIds'],
    ['a numeric call id', variant('incident.created', { callIds: ['c-1', 2] }), 'bad-type', 'callIds[1]'],
    ['a bad reportedAt', variant('incident.created', { reportedAt: '23/11/2026' }), 'bad-timestamp', 'reportedAt'],
    ['a bad status on update', variant('incident.updated', { status: 'DONE' }), 'bad-enum', 'status'],
    ['an unknown unit status', variant('unit.statusChanged', { status: 'LUNCH' }), 'bad-enum', 'status'],
    ['a unit without incidentId', without('unit.statusChanged', 'incidentId'), 'missing-field', 'incidentId'],
    ['a fix with no unitId or deviceId', without('position.fix', 'unitId'), 'missing-field', 'unitId or deviceId'],
    ['heading 360', variant('position.fix', { headingDegrees: 360 }), 'out-of-range', 'headingDegrees'],
    ['heading -1', variant('position.fix', { headingDegrees: -1 }), 'out-of-range', 'headingDegrees'],
    ['negative speed', variant('position.fix', { speedKph: -3 }), 'out-of-range', 'speedKph'],
    ['NaN speed', variant('position.fix', { speedKph: Number.NaN }), 'bad-type', 'speedKph'],
    ['a fix without fixAt', without('position.fix', 'fixAt'), 'missing-field', 'fixAt'],
    ['a zero field of view', camera({ fieldOfViewDegrees: 0 }), 'out-of-range', 'fieldOfViewDegrees'],
    ['an unknown camera source', camera({ cameraSource: 'VMS' }), 'bad-enum', 'cameraSource'],
    [
      'the camera program in source only',
      { ...without('camera.discovered', 'cameraSource'), source: 'CITY_VMS' },
      'missing-field',
      'cameraSource',
    ],
    ['ptz as text', camera({ ptz: 'yes' }), 'bad-type', 'ptz'],
    ['a stream without url', camera({ streams: [{ protocol: 'RTSP' }] }), 'missing-field', 'streams[0].url'],
    ['negative range', camera({ rangeMeters: -1 }), 'out-of-range', 'rangeMeters'],
    ['an unknown camera status', variant('camera.statusChanged', { status: 'BROKEN' }), 'bad-enum', 'status'],
    ['a withdrawal without erased', without('camera.withdrawn', 'erased'), 'missing-field', 'erased'],
    ['a withdrawal with erased as text', variant('camera.withdrawn', { erased: 'yes' }), 'bad-type', 'erased'],
    ['a withdrawal of no camera', variant('camera.withdrawn', { cameraId: '' }), 'missing-field', 'cameraId'],
  ])('rejects %s', (_, input, reason, mention) => {
    const result = validateDomainEvent(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.detail).toContain(mention);
  });
});

describe('validateDomainEvent: characters no store can take', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a NUL in an incident id', variant('incident.created', { incidentId: 'a\u0000b' }), 'incidentId'],
    ['a NUL in the eventId', variant('call.updated', { eventId: 'e\u0000' }), 'eventId'],
    ['a line feed in a unit id', variant('unit.statusChanged', { unitId: 'u\n1' }), 'unitId'],
    ['a TAB in a type code', variant('incident.created', { typeCode: 'ROB\tBERY' }), 'typeCode'],
    ['DEL in a call sign', variant('unit.statusChanged', { callSign: '1A\u007f' }), 'callSign'],
    ['a C1 control in a call id', variant('incident.created', { callIds: ['c\u0085'] }), 'callIds[0]'],
    ['a lone surrogate in a camera id', camera({ cameraId: 'cam-\ud800' }), 'cameraId'],
    ['a NUL in the narrative', variant('incident.created', { narrative: 'caller\u0000says' }), 'narrative'],
    ['a lone low surrogate in the narrative', variant('incident.created', { narrative: 'x\udfff' }), 'narrative'],
    ['a NUL in an address', callAt({ ...location, address: '20 E Main\u0000' }), 'location.address'],
    ['a line feed in an address', callAt({ ...location, address: '20 E Main\nSt' }), 'location.address'],
    ['an escape in a stream URL', camera({ streams: [{ protocol: 'RTSP', url: 'rtsp://x/\u001b[2J' }] }), 'streams[0].url'],
  ])('rejects %s as bad-character, naming the field and the code point', (_, input, mention) => {
    const result = validateDomainEvent(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('bad-character');
    expect(result.detail).toContain(mention);
    expect(result.detail).toMatch(/U\+[0-9A-F]{4}/);
  });
});

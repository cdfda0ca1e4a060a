import { MAX_CALL_FEED_MESSAGE_LENGTH, translateCallFeedMessage } from '../../../adapters/live911';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { circle, civicOnly, feedJson, pidf, point } from './callFeedFixtures';

const translate = (raw: string) => translateCallFeedMessage(raw, { source: 'live911' });

function eventOf(raw: string) {
  const translation = translate(raw);
  if (!translation.ok) throw new Error(`rejected (${translation.reason}): ${translation.detail}`);
  expect(validateDomainEvent(translation.event)).toEqual({ ok: true, event: translation.event });
  return translation.event;
}

describe('translateCallFeedMessage: the mapping', () => {
  it('turns ringing into call.received with the callback number, class of service and PIDF-LO location', () => {
    const raw = feedJson({ eventId: 'f-123', location: { pidfLo: pidf(circle('33.4152 -111.8315', '850')) } });
    expect(eventOf(raw)).toEqual({
      type: 'call.received',
      eventId: 'f-123',
      source: 'live911',
      occurredAt: '2026-11-23T19:20:00.000Z',
      callId: 'psap-1-20261123-0042',
      state: 'RINGING',
      location: { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: 850, address: null },
      classOfService: 'WPH2',
      callbackNumber: '4805550123',
    });
  });

  it.each([
    ['answered', 'ACTIVE'],
    ['held', 'ON_HOLD'],
    ['ended', 'ENDED'],
    ['abandoned', 'ABANDONED'],
  ])('turns %s into call.updated %s', (type, state) => {
    expect(eventOf(feedJson({ type, eventId: `f-${type}` }))).toEqual({
      type: 'call.updated',
      eventId: `f-${type}`,
      source: 'live911',
      occurredAt: '2026-11-23T19:20:00.000Z',
      callId: 'psap-1-20261123-0042',
      state,
      classOfService: 'WPH2',
    });
  });

  it('refines the location and its uncertainty from a PIDF-LO circle, leaving the state alone', () => {
    const event = eventOf(feedJson({ type: 'location', classOfService: undefined, location: { pidfLo: pidf(circle('33.41523 -111.83151', '12.5')) } }));
    expect(event).toEqual({
      type: 'call.updated',
      eventId: 'f-1',
      source: 'live911',
      occurredAt: '2026-11-23T19:20:00.000Z',
      callId: 'psap-1-20261123-0042',
      location: { point: { lat: 33.41523, lon: -111.83151 }, uncertaintyMeters: 12.5, address: null },
    });
  });

  it('takes a location given as coordinates, with uncertainty and address', () => {
    const event = eventOf(feedJson({ type: 'location', location: { lat: 33.4, lon: -111.8, uncertaintyMeters: 50, address: '20 Main St' } }));
    expect(event).toMatchObject({ location: { point: { lat: 33.4, lon: -111.8 }, uncertaintyMeters: 50, address: '20 Main St' } });
  });

  it('gives a call whose PIDF-LO is civic-only no location yet', () => {
    expect(eventOf(feedJson({ location: { pidfLo: civicOnly } }))).toMatchObject({ type: 'call.received', location: null });
    expect(eventOf(feedJson({ type: 'answered', location: { pidfLo: civicOnly } }))).not.toHaveProperty('location');
  });

  it('treats absent, null and blank optional fields as unknown, and ignores fields it does not know', () => {
    const event = eventOf(feedJson({ ani: undefined, classOfService: '', location: null, vendorExtra: { a: 1 } }));
    expect(event).toMatchObject({ callbackNumber: null, classOfService: null, location: null });
    expect(event).not.toHaveProperty('vendorExtra');
    expect(eventOf(feedJson({ type: 'held', classOfService: null }))).not.toHaveProperty('classOfService');
  });

  it('keeps the feed time as given, with any offset', () => {
    expect(eventOf(feedJson({ at: '2026-11-23T12:20:00-07:00' })).occurredAt).toBe('2026-11-23T12:20:00-07:00');
  });

  it('takes the point of a PIDF-LO point with no stated uncertainty', () => {
    expect(eventOf(feedJson({ location: { pidfLo: pidf(point('33.4 -111.8')) } }))).toMatchObject({
      location: { point: { lat: 33.4, lon: -111.8 }, uncertaintyMeters: null },
    });
  });
});

describe('translateCallFeedMessage: what it rejects', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['not JSON', 'ringing at 19:20', 'malformed-json'],
    ['truncated JSON', feedJson().slice(0, 30), 'malformed-json'],
    ['empty message', '', 'malformed-json'],
    ['a JSON array', '[{"type":"ringing"}]', 'not-an-object'],
    ['a JSON string', '"ringing"', 'not-an-object'],
    ['JSON null', 'null', 'not-an-object'],
    ['missing eventId', feedJson({ eventId: undefined }), 'missing-field'],
    ['blank eventId', feedJson({ eventId: '  ' }), 'missing-field'],
    ['numeric eventId', feedJson({ eventId: 123 }), 'bad-field'],
    ['missing type', feedJson({ type: undefined }), 'missing-field'],
    ['unknown type', feedJson({ type: 'transferred' }), 'unknown-type'],
    ['type named like an object member', feedJson({ type: 'constructor' }), 'unknown-type'],
    ['type in the wrong case', feedJson({ type: 'RINGING' }), 'unknown-type'],
    ['missing callId', feedJson({ callId: undefined }), 'missing-field'],
    ['null callId', feedJson({ callId: null }), 'missing-field'],
    ['callId as an object', feedJson({ callId: { id: 1 } }), 'bad-field'],
    ['missing at', feedJson({ at: undefined }), 'missing-field'],
    ['at without a zone', feedJson({ at: '2026-11-23T19:20:00' }), 'bad-timestamp'],
    ['at as epoch milliseconds', feedJson({ at: 1795461600000 }), 'bad-timestamp'],
    ['at on 31 February', feedJson({ at: '2026-02-31T19:20:00Z' }), 'bad-timestamp'],
    ['at as a date only', feedJson({ at: '2026-11-23' }), 'bad-timestamp'],
    ['ani as a number', feedJson({ ani: 4805550123 }), 'bad-field'],
    ['classOfService as a number', feedJson({ classOfService: 2 }), 'bad-field'],
    ['location as a string', feedJson({ location: '33.4,-111.8' }), 'bad-location'],
    ['location with neither form', feedJson({ location: { address: '20 Main St' } }), 'bad-location'],
    ['location with both forms', feedJson({ location: { pidfLo: pidf(point('33.4 -111.8')), lat: 33.4, lon: -111.8 } }), 'bad-location'],
    ['lat without lon', feedJson({ location: { lat: 33.4 } }), 'bad-location'],
    ['lat as a string', feedJson({ location: { lat: '33.4', lon: -111.8 } }), 'bad-location'],
    ['latitude 91', feedJson({ location: { lat: 91, lon: -111.8 } }), 'out-of-range'],
    ['longitude -181', feedJson({ location: { lat: 33.4, lon: -181 } }), 'out-of-range'],
    ['negative uncertainty', feedJson({ location: { lat: 33.4, lon: -111.8, uncertaintyMeters: -5 } }), 'out-of-range'],
    ['uncertainty as a string', feedJson({ location: { lat: 33.4, lon: -111.8, uncertaintyMeters: '50' } }), 'bad-location'],
    ['address as a number', feedJson({ location: { lat: 33.4, lon: -111.8, address: 20 } }), 'bad-location'],
    ['pidfLo that is not XML', feedJson({ location: { pidfLo: 'lat=33.4' } }), 'malformed-xml'],
    ['pidfLo with an unclosed element', feedJson({ location: { pidfLo: '<presence><unclosed>' } }), 'malformed-xml'],
    ['pidfLo as an object', feedJson({ location: { pidfLo: { lat: 1 } } }), 'bad-location'],
    ['pidfLo with no location-info', feedJson({ location: { pidfLo: '<presence xmlns="urn:ietf:params:xml:ns:pidf"/>' } }), 'no-geometry'],
    ['pidfLo circle at latitude 95', feedJson({ location: { pidfLo: pidf(circle('95 -111.8', '10')) } }), 'out-of-range'],
    ['pidfLo point with one coordinate', feedJson({ location: { pidfLo: pidf(point('33.4')) } }), 'bad-coordinates'],
    ['location message without a location', feedJson({ type: 'location' }), 'no-usable-location'],
    ['location message with a civic-only PIDF-LO', feedJson({ type: 'location', location: { pidfLo: civicOnly } }), 'no-usable-location'],
    ['a message over the size limit', feedJson({ padding: 'x'.repeat(MAX_CALL_FEED_MESSAGE_LENGTH) }), 'too-large'],
  ];

  it.each(cases.map(([name, raw, reason]) => [name, reason, raw] as const))('%s → %s', (_name, reason, raw) => {
    const translation = translate(raw);
    expect(translation).toMatchObject({ ok: false, reason });
    if (!translation.ok) expect(translation.detail.length).toBeGreaterThan(0);
  });
});

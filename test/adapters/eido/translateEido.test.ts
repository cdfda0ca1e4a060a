import { translateEido, type EidoTranslation } from '../../../adapters/eido';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { CALL_1, CALL_2, INCIDENT_ID, OPTIONS, ofType, richEido, toPascalCase } from './eidoFixtures';
import { NS, pidf, point, readReferenceJson } from './pidfFixtures';

const translate = (document: unknown): EidoTranslation => translateEido(document, OPTIONS);

/** Every event is valid and every rejection names a reason and a path. */
function expectWellFormed({ events, rejections }: EidoTranslation): void {
  for (const event of events) expect(validateDomainEvent(event)).toEqual({ ok: true, event });
  for (const rejection of rejections) {
    expect(rejection.reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(rejection.detail.length).toBeGreaterThan(0);
    expect(rejection.path).toMatch(/^\$/);
  }
}

describe('translateEido: reference sample sample-eido.json (older draft, malformed PIDF-LO)', () => {
  const result = translate(readReferenceJson('sample-eido.json'));

  it('reports the malformed PIDF-LO at its path, naming its defects', () => {
    expectWellFormed(result);
    const [malformed] = result.rejections.filter((rejection) => rejection.reason === 'malformed-xml');
    expect(malformed).toEqual({
      reason: 'malformed-xml',
      detail: expect.stringMatching(/<gs:semiMinorAxis>.*undeclared namespace prefix\(es\): gs, con/),
      path: '$.locationInformationComponent[0].locationByValue',
    });
  });

  it('cannot create the incident without a location, but still carries what it states as an update', () => {
    expect(result.rejections.map(({ reason, path }) => ({ reason, path }))).toEqual([
      { reason: 'malformed-xml', path: '$.locationInformationComponent[0].locationByValue' },
      { reason: 'no-usable-location', path: '$.incidentComponent[0]' },
    ]);
    expect(result.events).toEqual([
      {
        type: 'incident.updated',
        eventId: expect.stringMatching(/^eido:[0-9a-f]{32}$/),
        source: 'eido-test',
        // PascalCase header keys are read: this is LastUpdateTimeStamp.
        occurredAt: '2020-10-29T18:40:04.337Z',
        incidentId: 'urn:emergency:uid:incidentid:0:psap.allegheny.pa.us',
        // CU1 is not an APCO code; the agency's own text and the default priority stand in.
        typeCode: 'CU1',
        typeText: 'CIVIL UNREST; REQUEST MUTUAL AID',
        priority: 5,
      },
    ]);
  });
});

describe('translateEido: reference sample sample-call-transfer-eido.json (EIDO 1.0)', () => {
  const document = readReferenceJson('sample-call-transfer-eido.json');
  const result = translate(document);

  it('reads its well-formed PIDF-LO (a civic address) and links the call, but has no coordinates or type', () => {
    expectWellFormed(result);
    expect(result.rejections).toEqual([
      {
        reason: 'no-usable-location',
        detail: expect.stringContaining(
          '$.locationComponent[0] has a civic address only ("42 W Cellular Street, Wilmington, DE, US")',
        ),
        path: '$',
      },
      { reason: 'missing-incident-type', detail: expect.any(String), path: '$' },
    ]);
    expect(result.rejections[0]?.detail).toContain('$.locationComponent[1] is by reference only');
    expect(result.events).toEqual([
      {
        type: 'incident.updated',
        eventId: expect.stringMatching(/^eido:/),
        source: 'eido-test',
        occurredAt: '2021-04-30T14:43:49.439-04:00',
        // The document's $id is the incident tracking identifier in EIDO 1.0.
        incidentId: 'urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us',
        reportedAt: '2021-04-30T14:40:00.0-04:00',
        callIds: ['urn:emergency:uid:callid:a56e556d871:bcf.state.pa.us'],
      },
    ]);
  });

  it('carries the location once its PIDF-LO has coordinates as well as the civic address', () => {
    const located = structuredClone(document) as { locationComponent: { locationByValue: string }[] };
    const [routing] = located.locationComponent;
    if (!routing) throw new Error('sample has no location component');
    routing.locationByValue = routing.locationByValue
      .replace('<presence ', `<presence xmlns:gml="${NS.gml}" `)
      .replace('<civicAddress', `${point('39.7447 -75.5484')}<civicAddress`);
    const { events, rejections } = translate(located);
    expect(rejections.map((rejection) => rejection.reason)).toEqual(['missing-incident-type']);
    expect(ofType(events, 'incident.updated')[0]?.location).toEqual({
      point: { lat: 39.7447, lon: -75.5484 },
      uncertaintyMeters: null,
      address: '42 W Cellular Street, Wilmington, DE, US',
    });
  });
});

describe('translateEido: a complete EIDO', () => {
  it('creates the incident with its type, status, preferred location, narrative and calls', () => {
    const result = translate(richEido());
    expectWellFormed(result);
    expect(ofType(result.events, 'incident.created')).toEqual([
      {
        type: 'incident.created',
        eventId: expect.stringMatching(/^eido:[0-9a-f]{32}$/),
        source: 'eido-test',
        occurredAt: '2026-11-23T15:05:00.0-07:00',
        incidentId: INCIDENT_ID,
        number: 'MPD2611230001',
        typeCode: 'ROBBERY',
        typeText: 'Robbery',
        priority: 1,
        status: 'DISPATCHED',
        // The location the incident references wins over the caller's.
        location: { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: null, address: '20 E Main St, Mesa, AZ, US' },
        reportedAt: '2026-11-23T15:00:30.0-07:00',
        narrative: 'Caller reports two suspects.\nSuspects left northbound on foot.',
        callIds: [CALL_1, CALL_2],
      },
    ]);
  });

  it('emits unit status changes through $ref from dispatch, and reports the dangling reference', () => {
    const { events, rejections } = translate(richEido());
    expect(ofType(events, 'unit.statusChanged').map(({ unitId, callSign, status, incidentId, occurredAt }) => ({
      unitId,
      callSign,
      status,
      incidentId,
      occurredAt,
    }))).toEqual([
      { unitId: 'unit-1A11', callSign: '1A11', status: 'ENROUTE', incidentId: INCIDENT_ID, occurredAt: '2026-11-23T15:03:10.0-07:00' },
      { unitId: 'unit-2B22', callSign: '2B22', status: 'AVAILABLE', incidentId: null, occurredAt: '2026-11-23T15:02:00.0-07:00' },
    ]);
    expect(rejections).toEqual([
      {
        reason: 'unresolved-reference',
        detail: expect.stringContaining('unit-missing'),
        path: '$.dispatchComponent[0].emergencyResourceReference[1]',
      },
    ]);
  });

  it('reads PascalCase keys like camelCase ones', () => {
    const camel = translate(richEido());
    const pascal = translate(toPascalCase(richEido()));
    expect(pascal.events.map(({ eventId: _id, ...event }) => event)).toEqual(
      camel.events.map(({ eventId: _id, ...event }) => event),
    );
    expect(pascal.rejections.map((rejection) => rejection.reason)).toEqual(camel.rejections.map((rejection) => rejection.reason));
  });

  it('closes the incident when it has a disposition, nested or at top level', () => {
    const nested = richEido();
    (nested.incidentComponent as Record<string, unknown>).dispositionComponent = [
      { $id: 'disp-1', dispositionCommonRegistryCode: 'ReportTaken' },
    ];
    expect(ofType(translate(nested).events, 'incident.created')[0]?.status).toBe('CLOSED');
    const topLevel = { ...richEido(), dispositionComponent: [{ $id: 'disp-2', dispositionCommonRegistryCode: 'Arrest' }] };
    expect(ofType(translate(topLevel).events, 'incident.created')[0]?.status).toBe('CLOSED');
  });

  it('falls back to the internal code when the common code is unknown, and defaults for unknown codes', () => {
    const internal = richEido();
    Object.assign(internal.incidentComponent as object, { incidentTypeCommonRegistryText: 'XYZ', incidentTypeInternalCode: 'mva' });
    expect(ofType(translate(internal).events, 'incident.created')[0]).toMatchObject({
      typeCode: 'MVA',
      typeText: 'Collision, no injuries',
      priority: 3,
    });
    const unknown = richEido();
    Object.assign(unknown.incidentComponent as object, { incidentTypeCommonRegistryText: 'XYZ', incidentTypeInternalCode: '10-99' });
    expect(ofType(translate(unknown).events, 'incident.created')[0]).toMatchObject({
      typeCode: 'XYZ',
      typeText: 'ARMED ROBBERY',
      priority: 5,
    });
  });

  it('defaults status to PENDING and reportedAt to the incident time when the document is silent', () => {
    const quiet = richEido();
    const incident = quiet.incidentComponent as Record<string, unknown>;
    delete incident.incidentStatusCommonRegistryText;
    delete quiet.callComponent;
    expect(ofType(translate(quiet).events, 'incident.created')[0]).toMatchObject({
      status: 'PENDING',
      reportedAt: '2026-11-23T15:04:00.0-07:00',
      callIds: [],
    });
  });
});

describe('translateEido: partial success', () => {
  it('uses another location when the preferred one is malformed, and reports the malformed one', () => {
    const document = richEido();
    const [, incidentLocation] = document.locationComponent as Record<string, unknown>[];
    if (!incidentLocation) throw new Error('fixture has two locations');
    incidentLocation.locationByValue = '   <?xml version="1.0"?><presence><gs:Circle></presence>';
    const { events, rejections } = translate(document);
    expect(rejections).toContainEqual({
      reason: 'malformed-xml',
      detail: expect.any(String),
      path: '$.locationComponent[1].locationByValue',
    });
    // The caller's location, referenced by the first call, stands in.
    expect(ofType(events, 'incident.created')[0]?.location).toEqual({
      point: { lat: 33.415, lon: -111.83 },
      uncertaintyMeters: 35,
      address: null,
    });
  });

  it('without any usable location, rejects the creation and still emits the units', () => {
    const document = richEido();
    for (const location of document.locationComponent as Record<string, unknown>[]) {
      location.locationByValue = pidf(point('95 -111.8'));
    }
    const result = translate(document);
    expectWellFormed(result);
    expect(result.rejections.map(({ reason, path }) => ({ reason, path }))).toEqual([
      { reason: 'out-of-range', path: '$.locationComponent[0].locationByValue' },
      { reason: 'out-of-range', path: '$.locationComponent[1].locationByValue' },
      { reason: 'no-usable-location', path: '$.incidentComponent' },
      { reason: 'unresolved-reference', path: '$.dispatchComponent[0].emergencyResourceReference[1]' },
    ]);
    expect(ofType(result.events, 'incident.created')).toEqual([]);
    expect(ofType(result.events, 'incident.updated')[0]).toMatchObject({
      incidentId: INCIDENT_ID,
      status: 'DISPATCHED',
      typeCode: 'ROBBERY',
      callIds: [CALL_1, CALL_2],
    });
    expect(ofType(result.events, 'unit.statusChanged')).toHaveLength(2);
  });

  it('rejects a unit whose status it cannot map, and keeps the others', () => {
    const document = richEido();
    const [first] = document.emergencyResourceComponent as Record<string, unknown>[];
    Object.assign(first as object, { primaryUnitStatusRegistryText: 'Meal break' });
    const { events, rejections } = translate(document);
    expect(rejections).toContainEqual({
      reason: 'unknown-unit-status',
      detail: expect.stringContaining('Meal break'),
      path: '$.emergencyResourceComponent[0]',
    });
    expect(ofType(events, 'unit.statusChanged').map((event) => event.unitId)).toEqual(['unit-2B22']);
  });

  it('without an incident id, keeps units that name their incident and rejects the rest', () => {
    const document = richEido();
    delete document.$id;
    const [, second] = document.emergencyResourceComponent as Record<string, unknown>[];
    Object.assign(second as object, { primaryUnitStatusRegistryText: 'On Scene', activeOnIncidentId: 'urn:other-incident' });
    const { events, rejections } = translate(document);
    expect(ofType(events, 'incident.created')).toEqual([]);
    expect(ofType(events, 'unit.statusChanged').map(({ unitId, incidentId }) => ({ unitId, incidentId }))).toEqual([
      { unitId: 'unit-2B22', incidentId: 'urn:other-incident' },
    ]);
    expect(rejections.map(({ reason, path }) => ({ reason, path }))).toEqual(
      expect.arrayContaining([
        { reason: 'missing-incident-id', path: '$' },
        { reason: 'missing-incident-id', path: '$.emergencyResourceComponent[0]' },
      ]),
    );
  });

  it('reports components of the wrong shape by path', () => {
    const document = { ...richEido(), callComponent: 'not a list', notesComponent: [42, null] };
    const { rejections } = translate(document);
    expect(rejections).toEqual(
      expect.arrayContaining([
        { reason: 'bad-component', detail: expect.any(String), path: '$.callComponent' },
        { reason: 'bad-component', detail: expect.any(String), path: '$.notesComponent[0]' },
        { reason: 'bad-component', detail: expect.any(String), path: '$.notesComponent[1]' },
      ]),
    );
  });

  it('rejects an event the contract refuses instead of emitting it', () => {
    const document = richEido();
    delete document.lastUpdateTimeStamp;
    delete (document.incidentComponent as Record<string, unknown>).lastUpdateTimeStamp;
    const { events, rejections } = translateEido(document, { ...OPTIONS, receivedAt: 'yesterday' });
    expect(ofType(events, 'incident.created')).toEqual([]);
    expect(rejections).toContainEqual({
      reason: 'invalid-event',
      detail: expect.stringMatching(/^incident\.created \(bad-timestamp\)/),
      path: '$.incidentComponent',
    });
  });

  it.each([null, undefined, 42, 'EIDO', [], [richEido()], true])('rejects a document that is not an object: %p', (document) => {
    expect(translate(document)).toEqual({
      events: [],
      rejections: [{ reason: 'bad-document', detail: expect.any(String), path: '$' }],
    });
  });
});

describe('translateEido: idempotence', () => {
  it('yields the same events, with the same ids, for the same document posted twice', () => {
    const first = translate(richEido());
    const second = translate(JSON.parse(JSON.stringify(richEido())) as unknown);
    expect(second).toEqual(first);
    expect(new Set(first.events.map((event) => event.eventId)).size).toBe(first.events.length);
  });

  it('does not depend on key order or on when the document arrived', () => {
    const reordered = Object.fromEntries(Object.entries(richEido()).reverse());
    const later = translateEido(reordered, { ...OPTIONS, receivedAt: '2030-01-01T00:00:00Z' });
    expect(later.events.map((event) => event.eventId)).toEqual(translate(richEido()).events.map((event) => event.eventId));
  });

  it('gives changed content new event ids', () => {
    const changed = richEido();
    changed.lastUpdateTimeStamp = '2026-11-23T15:09:00.0-07:00';
    const [unit] = changed.emergencyResourceComponent as Record<string, unknown>[];
    Object.assign(unit as object, { primaryUnitStatusRegistryText: 'On Scene' });
    const before = new Set(translate(richEido()).events.map((event) => event.eventId));
    for (const event of translate(changed).events) expect(before.has(event.eventId)).toBe(false);
  });
});

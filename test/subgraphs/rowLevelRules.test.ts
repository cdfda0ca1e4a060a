import type { CameraDiscovered, CameraOwner, DomainEvent, GeoPoint } from '../../contract';
import { type Area, areaContains } from '../../geo/area';
import { destinationPoint } from '../../geo/geodesy';
import type { ForwardedCaller } from '../../wire/forwardedCaller';
import { fetchKeysetConnection } from '../../storage/keysetConnection';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type Body, type OpenSubgraphs, callerWith, openSubgraphs } from './openSubgraphs';

const CENTER: GeoPoint = { lat: 33.415, lon: -111.83 };
const T0 = Date.parse('2026-11-23T18:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
let sequence = 0;
const envelope = (seconds: number) => ({ eventId: `rows-${(sequence += 1)}`, source: 'test', occurredAt: at(seconds) });

/** A field officer's geofence: 1 km around the centre of the grid. */
const CIRCLE: Area = { kind: 'circle', center: CENTER, radiusMeters: 1000 };
/** A triangle west of the centre, to check an exact test beyond the SQL box. */
const TRIANGLE: Area = {
  kind: 'polygon',
  outer: [
    { lat: 33.4, lon: -111.85 },
    { lat: 33.43, lon: -111.85 },
    { lat: 33.4, lon: -111.82 },
    { lat: 33.4, lon: -111.85 },
  ],
  holes: [],
};

/** 240 places on a 12 × 20 grid 250 m apart around the centre; with ties in time, so that ids break them. */
const GRID = Array.from({ length: 240 }, (_, index) => {
  const north = (Math.floor(index / 20) - 6) * 250;
  const east = ((index % 20) - 10) * 250;
  const point = destinationPoint(destinationPoint(CENTER, 0, north), 90, east);
  return { index, point: { lat: Number(point.lat.toFixed(6)), lon: Number(point.lon.toFixed(6)) }, seconds: Math.floor(index / 3) };
});
const pad = (index: number) => String(index).padStart(3, '0');

function cityEvents(): DomainEvent[] {
  const calls: DomainEvent[] = GRID.map(({ index, point, seconds }) => ({
    type: 'call.received',
    ...envelope(seconds),
    callId: `call-${pad(index)}`,
    state: index % 4 === 0 ? 'ENDED' : 'ACTIVE',
    location: { point, uncertaintyMeters: 20, address: null },
    classOfService: 'WPH2',
    callbackNumber: null,
  }));
  // Calls whose location is not known yet: inside no geofence.
  const unlocated: DomainEvent[] = [0, 1, 2].map((n) => ({
    type: 'call.received',
    ...envelope(30 + n),
    callId: `call-unlocated-${n}`,
    state: 'RINGING',
    location: null,
    classOfService: null,
    callbackNumber: null,
  }));
  const incidents: DomainEvent[] = GRID.filter(({ index }) => index % 2 === 0).map(({ index, point, seconds }) => ({
    type: 'incident.created',
    ...envelope(seconds),
    incidentId: `inc-${pad(index)}`,
    number: `MPD26112300${pad(index)}`,
    typeCode: 'THEFT',
    typeText: 'Theft',
    priority: 3,
    status: index % 4 === 0 ? 'CLOSED' : 'DISPATCHED',
    location: { point, uncertaintyMeters: null, address: null },
    reportedAt: at(seconds),
    narrative: `Narrative ${index}`,
    callIds: [`call-${pad(index)}`],
  }));
  return [...calls, ...unlocated, ...incidents];
}

const inside = (area: Area) => GRID.filter(({ point }) => areaContains(area, point));
/** Newest first, ids breaking ties the way the lists do. */
const newestFirst = (a: { seconds: number; id: string }, b: { seconds: number; id: string }) =>
  b.seconds - a.seconds || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every page of a list, following endCursor, as the given caller. */
async function allPages(open: OpenSubgraphs, subgraph: 'calls' | 'cad' | 'cameras', field: string, first: number, caller: ForwardedCaller | null, filter?: object) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const body: Body = await open.run(
      open[subgraph],
      `query ($first: Int, $after: String, $filter: ${filterType(field)}) { ${field}(first: $first, after: $after, filter: $filter) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
      { first, after, filter: filter ?? null },
      caller,
    );
    expect(body.errors).toBeUndefined();
    const page = body.data?.[field] as Page;
    pages += 1;
    expect(page.edges.length).toBeLessThanOrEqual(first);
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) {
      // The last page says so: no empty page after it.
      return { ids, pages };
    }
    expect(page.edges).toHaveLength(first);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
    after = page.pageInfo.endCursor;
  }
}

const filterType = (field: string) => ({ calls: 'CallFilter', incidents: 'IncidentFilter', cameras: 'CameraFilter' })[field] ?? 'String';

/** The next event of a subscription, or 'nothing' when none comes within 200 ms. */
async function nextOrNothing(iterator: AsyncIterator<Body>): Promise<Body | 'nothing'> {
  const timeout = new Promise<'nothing'>((resolve) => setTimeout(() => resolve('nothing'), 200));
  const step = await Promise.race([iterator.next(), timeout]);
  return step === 'nothing' ? step : (step.value as Body);
}

describe.each(STORAGE_TARGETS)('row-level rules in the subgraphs ($name)', (target) => {
  let open: OpenSubgraphs;
  const officer = callerWith(['officer'], { geofence: CIRCLE });
  const triangleOfficer = callerWith(['officer'], { geofence: TRIANGLE });
  const operator = callerWith(['operator']);

  beforeAll(async () => {
    open = await openSubgraphs(target);
    await open.emit(...cityEvents());
  });
  afterAll(() => open?.close());

  describe('field officers: calls outside their geofence are invisible', () => {
    const expectedCalls = (area: Area) => inside(area).map(({ index, seconds }) => ({ id: `call-${pad(index)}`, seconds })).sort(newestFirst).map(({ id }) => id);

    it('the geofences hold some of the grid, not all', () => {
      expect(inside(CIRCLE).length).toBeGreaterThan(30);
      expect(inside(CIRCLE).length).toBeLessThan(GRID.length / 2);
      expect(inside(TRIANGLE).length).toBeGreaterThan(10);
    });

    it('call(id): a call inside is returned; one outside, or without a location, is null', async () => {
      const [within] = inside(CIRCLE);
      const outside = GRID.find(({ point }) => !areaContains(CIRCLE, point));
      const call = (id: string, caller: ForwardedCaller | null = officer) => open.run(open.calls, 'query ($id: ID!) { call(id: $id) { id } }', { id }, caller);
      expect((await call(`call-${pad(within?.index ?? -1)}`)).data?.call).toEqual({ id: `call-${pad(within?.index ?? -1)}` });
      expect((await call(`call-${pad(outside?.index ?? -1)}`)).data?.call).toBeNull();
      expect((await call('call-unlocated-0')).data?.call).toBeNull();
      // Callers without a geofence see them all.
      expect((await call(`call-${pad(outside?.index ?? -1)}`, operator)).data?.call).toEqual({ id: `call-${pad(outside?.index ?? -1)}` });
      // A request that forwards no caller (the gateway's subscription entity fetches) is not narrowed.
      expect((await call('call-unlocated-0', null)).data?.call).toEqual({ id: 'call-unlocated-0' });
    });

    it.each([
      ['a circle', 7, CIRCLE],
      ['a polygon', 5, TRIANGLE],
      ['a circle', 100, CIRCLE],
    ])('calls: in %s, pages of %i full, in order, each call once, none outside', async (_name, first, area) => {
      const { ids } = await allPages(open, 'calls', 'calls', first, area === CIRCLE ? officer : triangleOfficer);
      expect(ids).toEqual(expectedCalls(area));
    });

    it('calls: the list filter applies on top of the geofence', async () => {
      const { ids } = await allPages(open, 'calls', 'calls', 4, officer, { state: ['ENDED'] });
      const ended = inside(CIRCLE).filter(({ index }) => index % 4 === 0).map(({ index, seconds }) => ({ id: `call-${pad(index)}`, seconds }));
      expect(ids).toEqual(ended.sort(newestFirst).map(({ id }) => id));
    });

    it('calls: a caller without a geofence gets every call', async () => {
      const { ids } = await allPages(open, 'calls', 'calls', 100, operator);
      expect(ids).toHaveLength(GRID.length + 3);
    });

    it('callReceived and callUpdated deliver only calls inside the geofence, and nothing as one leaves it', async () => {
      const received = await open.subscribe(open.calls, 'subscription { callReceived { id } }', officer);
      const updated = await open.subscribe(open.calls, 'subscription { callUpdated { id location { point { lat } } } }', officer);
      const far = destinationPoint(CENTER, 45, 5000);
      const near = destinationPoint(CENTER, 45, 100);
      const call = (callId: string, point: GeoPoint, seconds: number): DomainEvent => ({
        type: 'call.received',
        ...envelope(seconds),
        callId,
        state: 'RINGING',
        location: { point, uncertaintyMeters: 10, address: null },
        classOfService: 'WPH2',
        callbackNumber: null,
      });
      await open.emit(call('live-far', far, 500), call('live-near', near, 501));
      expect(await nextOrNothing(received)).toEqual({ data: { callReceived: { id: 'live-near' } } });
      expect(await nextOrNothing(received)).toBe('nothing');
      // The near call moves out: the officer does not hear where it went.
      await open.emit({ type: 'call.updated', ...envelope(502), callId: 'live-near', location: { point: far, uncertaintyMeters: 10 } });
      await open.emit({ type: 'call.updated', ...envelope(503), callId: 'live-far', location: { point: near, uncertaintyMeters: 10 } });
      const next = (await nextOrNothing(updated)) as Body;
      expect((next.data?.callUpdated as { id: string }).id).toBe('live-far');
      expect(await nextOrNothing(updated)).toBe('nothing');
      await received.return?.();
      await updated.return?.();
    });
  });

  describe('keyset pages with a test SQL cannot make', () => {
    const page = (first: number, after: string | null, accept: (row: { id: string }) => boolean) =>
      fetchKeysetConnection<{ id: string; received_at: Date }, string>({
        query: open.db.calls.table('calls').where('id', 'like', 'call-%'),
        sortColumn: 'received_at',
        idColumn: 'id',
        descending: true,
        first,
        after,
        keyOf: (row) => [row.received_at.toISOString(), row.id],
        toNode: (row) => row.id,
        accept,
      });

    it('reads on past a batch of refused rows to fill the page, and a cursor continues after the last row shown', async () => {
      // Only the 30 oldest calls pass: the 200 newest rows of the first read are all refused.
      const oldest = (row: { id: string }) => /^call-0[0-2]\d$/.test(row.id);
      const first = await page(4, null, oldest);
      expect(first.edges.map((edge) => edge.node)).toEqual(['call-029', 'call-028', 'call-027', 'call-026']);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = await page(100, first.pageInfo.endCursor, oldest);
      expect(rest.edges).toHaveLength(26);
      expect(rest.edges.at(-1)?.node).toBe('call-000');
      expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges.at(-1)?.cursor });
    });

    it('a page that nothing passes is empty, with no next page', async () => {
      expect(await page(10, null, () => false)).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    });
  });

  describe('field officers: incidents outside their geofence are invisible', () => {
    const incidentsInside = (area: Area) =>
      inside(area).filter(({ index }) => index % 2 === 0).map(({ index, seconds }) => ({ id: `inc-${pad(index)}`, seconds }));

    it('incident(id), Unit.incident, Call.incident and the Incident entity are null outside', async () => {
      const within = incidentsInside(CIRCLE)[0]?.id ?? '';
      const outside = GRID.find(({ index, point }) => index % 2 === 0 && !areaContains(CIRCLE, point));
      const outsideId = `inc-${pad(outside?.index ?? -1)}`;
      await open.emit(
        { type: 'unit.statusChanged', ...envelope(600), unitId: 'unit-in', callSign: '1A11', status: 'ON_SCENE', incidentId: within },
        { type: 'unit.statusChanged', ...envelope(600), unitId: 'unit-out', callSign: '1A12', status: 'ON_SCENE', incidentId: outsideId },
      );
      const run = (query: string, variables: Record<string, unknown> = {}, caller = officer) => open.run(open.cad, query, variables, caller);
      expect((await run(`{ incident(id: "${within}") { id narrative } }`)).data?.incident).toMatchObject({ id: within });
      expect((await run(`{ incident(id: "${outsideId}") { id } }`)).data?.incident).toBeNull();
      expect((await run(`{ incident(id: "${outsideId}") { id } }`, {}, operator)).data?.incident).toEqual({ id: outsideId });
      const units = await run('{ in: unit(id: "unit-in") { incident { id } } out: unit(id: "unit-out") { callSign incident { id } } }');
      expect(units.data).toEqual({ in: { incident: { id: within } }, out: { callSign: '1A12', incident: null } });
      const outsideCall = `call-${pad(outside?.index ?? -1)}`;
      const entities = await run('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { id } ... on Call { incident { id } } } }', {
        r: [
          { __typename: 'Incident', id: within },
          { __typename: 'Incident', id: outsideId },
          { __typename: 'Call', id: outsideCall },
        ],
      });
      expect(entities.data?._entities).toEqual([{ id: within }, null, { incident: null }]);
    });

    it.each([
      ['a circle', 6, CIRCLE],
      ['a polygon', 4, TRIANGLE],
    ])('incidents: in %s, pages of %i, complete, none outside', async (_name, first, area) => {
      const { ids } = await allPages(open, 'cad', 'incidents', first, area === CIRCLE ? officer : triangleOfficer);
      expect(ids).toEqual(incidentsInside(area).sort(newestFirst).map(({ id }) => id));
    });

    it('incidents: filters apply on top of the geofence; without a geofence every incident', async () => {
      const { ids } = await allPages(open, 'cad', 'incidents', 3, officer, { status: ['CLOSED'] });
      const closed = inside(CIRCLE).filter(({ index }) => index % 4 === 0).map(({ index, seconds }) => ({ id: `inc-${pad(index)}`, seconds }));
      expect(ids).toEqual(closed.sort(newestFirst).map(({ id }) => id));
      expect((await allPages(open, 'cad', 'incidents', 100, null)).ids).toHaveLength(GRID.length / 2);
    });

    it('incidentChanged delivers only incidents inside the geofence', async () => {
      const changes = await open.subscribe(open.cad, 'subscription { incidentChanged { id } }', officer);
      const outside = GRID.find(({ index, point }) => index % 2 === 0 && !areaContains(CIRCLE, point));
      const within = incidentsInside(CIRCLE)[1]?.id ?? '';
      await open.emit(
        { type: 'incident.updated', ...envelope(700), incidentId: `inc-${pad(outside?.index ?? -1)}`, priority: 1 },
        { type: 'incident.updated', ...envelope(700), incidentId: within, priority: 1 },
      );
      expect(await nextOrNothing(changes)).toEqual({ data: { incidentChanged: { id: within } } });
      expect(await nextOrNothing(changes)).toBe('nothing');
      await changes.return?.();
    });
  });

  describe('community camera owners see their own cameras only', () => {
    const ownerA: CameraOwner = { ownerId: 'owner-a', name: 'Saguaro Market', contactName: 'Rosa Begay', contactPhone: '480-555-0142', contactEmail: 'rosa@saguaro.example' };
    const ownerB: CameraOwner = { ownerId: 'owner-b', name: 'Javelina Tacos' };
    const cam = (cameraId: string, bearing: number, owner: CameraOwner | null, fields: Partial<CameraDiscovered> = {}): CameraDiscovered => ({
      type: 'camera.discovered',
      ...envelope(0),
      cameraId,
      name: `Camera ${cameraId}`,
      cameraSource: owner ? 'COMMUNITY_LIVE' : 'CITY_VMS',
      location: { point: destinationPoint(CENTER, bearing, 60), uncertaintyMeters: null, address: null },
      headingDegrees: (bearing + 180) % 360,
      fieldOfViewDegrees: 90,
      rangeMeters: 100,
      mountHeightMeters: 4,
      ptz: false,
      status: 'ONLINE',
      streams: [],
      snapshotUrl: null,
      ...(owner && { owner }),
      ...fields,
    });
    const camerasOf = (owner: string) => callerWith(['camera-owner'], { cameraOwner: owner });

    beforeAll(async () => {
      await open.emit(
        cam('cam-city-1', 0, null),
        cam('cam-a-1', 90, ownerA),
        cam('cam-b-1', 180, ownerB),
        cam('cam-a-2', 270, ownerA, { ptz: true }),
        cam('cam-city-2', 45, null),
        cam('cam-a-3', 135, ownerA),
      );
    });

    it('camera(id) is null for a camera that is not theirs', async () => {
      const run = (id: string, caller: ForwardedCaller) => open.run(open.cameras, `{ camera(id: "${id}") { id owner { id name } } }`, {}, caller);
      expect((await run('cam-a-1', camerasOf('owner-a'))).data?.camera).toEqual({ id: 'cam-a-1', owner: { id: 'owner-a', name: 'Saguaro Market' } });
      expect((await run('cam-b-1', camerasOf('owner-a'))).data?.camera).toBeNull();
      expect((await run('cam-city-1', camerasOf('owner-a'))).data?.camera).toBeNull();
      expect((await run('cam-b-1', operator)).data?.camera).toMatchObject({ id: 'cam-b-1' });
    });

    it('cameras lists theirs only, paged', async () => {
      expect((await allPages(open, 'cameras', 'cameras', 2, camerasOf('owner-a'))).ids).toEqual(['cam-a-1', 'cam-a-2', 'cam-a-3']);
      expect((await allPages(open, 'cameras', 'cameras', 2, camerasOf('owner-b'))).ids).toEqual(['cam-b-1']);
      expect((await allPages(open, 'cameras', 'cameras', 50, operator)).ids).toHaveLength(6);
      expect((await allPages(open, 'cameras', 'cameras', 50, null)).ids).toHaveLength(6);
    });

    it('a camera owner whose token names no owner id sees no camera', async () => {
      const anonymousOwner = callerWith(['camera-owner']);
      expect((await allPages(open, 'cameras', 'cameras', 10, anonymousOwner)).ids).toEqual([]);
      expect((await open.run(open.cameras, '{ camera(id: "cam-a-1") { id } }', {}, anonymousOwner)).data?.camera).toBeNull();
    });

    it('camerasNear and nearbyCameras give theirs only, the limit counting theirs', async () => {
      const near = await open.run(open.cameras, 'query ($p: GeoPointInput!) { camerasNear(point: $p, radiusMeters: 500, limit: 2) { camera { id } } }', { p: CENTER }, camerasOf('owner-a'));
      expect((near.data?.camerasNear as { camera: { id: string } }[]).map((hit) => hit.camera.id).sort()).toEqual(['cam-a-1', 'cam-a-2']);
      const everyone = await open.run(open.cameras, 'query ($p: GeoPointInput!) { camerasNear(point: $p, radiusMeters: 500, limit: 10) { camera { id } } }', { p: CENTER }, operator);
      expect(everyone.data?.camerasNear).toHaveLength(6);
      const entities = await open.run(
        open.cameras,
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { nearbyCameras(radiusMeters: 500, limit: 10) { camera { id } } } ... on Camera { id } } }',
        { r: [{ __typename: 'Incident', id: 'inc-x', location: { point: CENTER } }, { __typename: 'Camera', id: 'cam-b-1' }, { __typename: 'Camera', id: 'cam-a-3' }] },
        camerasOf('owner-b'),
      );
      expect(entities.data?._entities).toEqual([{ nearbyCameras: [{ camera: { id: 'cam-b-1' } }] }, { id: 'cam-b-1' }, null]);
    });

    it('pointCamera cannot reach another owner\'s camera', async () => {
      const body = await open.run(open.cameras, 'mutation { pointCamera(cameraId: "cam-a-2", target: { lat: 33.415, lon: -111.83 }) { panDegrees } }', {}, camerasOf('owner-b'));
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/names no camera/);
    });

    it('cameraStatusChanged delivers their cameras only', async () => {
      const changes = await open.subscribe(open.cameras, 'subscription { cameraStatusChanged { id status } }', camerasOf('owner-a'));
      await open.emit(
        { type: 'camera.statusChanged', ...envelope(800), cameraId: 'cam-b-1', status: 'OFFLINE' },
        { type: 'camera.statusChanged', ...envelope(800), cameraId: 'cam-city-1', status: 'OFFLINE' },
        { type: 'camera.statusChanged', ...envelope(800), cameraId: 'cam-a-3', status: 'OFFLINE' },
      );
      expect(await nextOrNothing(changes)).toEqual({ data: { cameraStatusChanged: { id: 'cam-a-3', status: 'OFFLINE' } } });
      expect(await nextOrNothing(changes)).toBe('nothing');
      await changes.return?.();
    });
  });
});

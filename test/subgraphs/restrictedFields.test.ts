import type { CallReceived, CameraDiscovered, IncidentCreated } from '../../contract';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type OpenSubgraphs, openSubgraphs } from './openSubgraphs';

const T0 = Date.parse('2026-11-23T18:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
let sequence = 0;
const envelope = (seconds: number) => ({ eventId: `restricted-${(sequence += 1)}`, source: 'test', occurredAt: at(seconds) });

const received = (callId: string, seconds: number, fields: Partial<CallReceived> = {}): CallReceived => ({
  type: 'call.received',
  ...envelope(seconds),
  callId,
  state: 'RINGING',
  location: { point: { lat: 33.415, lon: -111.83 }, uncertaintyMeters: 20, address: null },
  classOfService: 'RESD',
  callbackNumber: '4805550100',
  ...fields,
});

const CALL = '($id: ID!) { call(id: $id) { id state callbackNumber callerName callerAddress audioUrl } }';
const callOf = async (open: OpenSubgraphs, id: string) =>
  (await open.run(open.calls, `query ${CALL}`, { id })).data?.call as Record<string, unknown> | null;

const camera = (cameraId: string, seconds: number, fields: Partial<CameraDiscovered> = {}): CameraDiscovered => ({
  type: 'camera.discovered',
  ...envelope(seconds),
  cameraId,
  name: `Camera ${cameraId}`,
  cameraSource: 'COMMUNITY_LIVE',
  location: { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: null, address: null },
  headingDegrees: 90,
  fieldOfViewDegrees: 90,
  rangeMeters: 40,
  mountHeightMeters: 3,
  ptz: false,
  status: 'ONLINE',
  streams: [],
  snapshotUrl: null,
  ...fields,
});

const OWNER = {
  ownerId: 'owner-saguaro-market',
  name: 'Saguaro Market',
  contactName: 'Rosa Begay',
  contactPhone: '480-555-0142',
  contactEmail: 'rosa@saguaro.example',
} as const;

const CAMERA = '($id: ID!) { camera(id: $id) { id owner { id name contactName contactPhone contactEmail } } }';
const ownerOf = async (open: OpenSubgraphs, id: string) =>
  ((await open.run(open.cameras, `query ${CAMERA}`, { id })).data?.camera as { owner: unknown } | null)?.owner;

describe.each(STORAGE_TARGETS)('restricted fields are stored and served ($name)', (target) => {
  let open: OpenSubgraphs;
  beforeAll(async () => {
    open = await openSubgraphs(target);
  });
  afterAll(() => open?.close());

  describe('calls: caller name, caller address, audio URL', () => {
    it('stores what call.received states and serves it on Call', async () => {
      await open.emit(received('c-1', 0, { callerName: 'Maria Garcia', callerAddress: '123 N Center St, Mesa, AZ', audioUrl: null }));
      expect(await callOf(open, 'c-1')).toEqual({
        id: 'c-1',
        state: 'RINGING',
        callbackNumber: '4805550100',
        callerName: 'Maria Garcia',
        callerAddress: '123 N Center St, Mesa, AZ',
        audioUrl: null,
      });
    });

    it('a call from an adapter that knows none of them has them null', async () => {
      await open.emit(received('c-2', 0));
      expect(await callOf(open, 'c-2')).toMatchObject({ callerName: null, callerAddress: null, audioUrl: null });
    });

    it('call.updated changes the fields it states, leaves absent ones, clears null ones', async () => {
      await open.emit(received('c-3', 0, { callerName: 'Wireless Caller', callerAddress: null }));
      await open.emit({ type: 'call.updated', ...envelope(5), callId: 'c-3', state: 'ACTIVE', audioUrl: 'https://recorder.example/c-3.m3u8' });
      expect(await callOf(open, 'c-3')).toMatchObject({
        state: 'ACTIVE',
        callerName: 'Wireless Caller',
        audioUrl: 'https://recorder.example/c-3.m3u8',
      });
      await open.emit({ type: 'call.updated', ...envelope(6), callId: 'c-3', callerName: null, callerAddress: '9 W Main St' });
      expect(await callOf(open, 'c-3')).toMatchObject({ state: 'ACTIVE', callerName: null, callerAddress: '9 W Main St', audioUrl: 'https://recorder.example/c-3.m3u8' });
    });

    it('a CAD that states the caller after the feed moved the call on is still heard; older statements of the caller are not', async () => {
      await open.emit(received('c-4', 0));
      await open.emit({ type: 'call.updated', ...envelope(60), callId: 'c-4', state: 'ENDED' });
      // An EIDO dated 20 s: older than the call's state, but the first word on its caller.
      await open.emit({ type: 'call.updated', ...envelope(20), callId: 'c-4', callerName: 'Daniel Yazzie' });
      expect(await callOf(open, 'c-4')).toMatchObject({ state: 'ENDED', callerName: 'Daniel Yazzie' });
      await open.emit({ type: 'call.updated', ...envelope(10), callId: 'c-4', callerName: 'Stale Name' });
      expect(await callOf(open, 'c-4')).toMatchObject({ callerName: 'Daniel Yazzie' });
    });

    it('delivering call.received again changes nothing, not even a caller stated since', async () => {
      const first = received('c-5', 0, { callerName: 'From The Feed' });
      await open.emit(first);
      await open.emit({ type: 'call.updated', ...envelope(30), callId: 'c-5', callerName: 'From The CAD' });
      await open.emit(first);
      expect(await callOf(open, 'c-5')).toMatchObject({ state: 'RINGING', callerName: 'From The CAD' });
    });

    it('keeps the columns in the calls table', async () => {
      const row = (await open.db.calls.table('calls').where('id', 'c-1').first()) as Record<string, unknown>;
      expect(row).toMatchObject({ caller_name: 'Maria Garcia', caller_address: '123 N Center St, Mesa, AZ', audio_url: null });
      expect(row.caller_updated_at).toBeInstanceOf(Date);
    });
  });

  describe('incidents: narrative', () => {
    const incident = (seconds: number, narrative: string | null): IncidentCreated => ({
      type: 'incident.created',
      ...envelope(seconds),
      incidentId: 'inc-n',
      number: 'MPD2611230009',
      typeCode: 'ROBBERY',
      typeText: 'Robbery',
      priority: 1,
      status: 'PENDING',
      location: { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: null, address: null },
      reportedAt: at(0),
      narrative,
      callIds: [],
    });
    const narrativeOf = async () =>
      ((await open.run(open.cad, '{ incident(id: "inc-n") { narrative } }')).data?.incident as { narrative: string | null }).narrative;

    it('serves the narrative CAD reported, and its updates', async () => {
      await open.emit(incident(0, 'Caller reports two suspects.'));
      expect(await narrativeOf()).toBe('Caller reports two suspects.');
      await open.emit({ type: 'incident.updated', ...envelope(10), incidentId: 'inc-n', narrative: 'Caller reports two suspects.\nSuspects left on foot.' });
      expect(await narrativeOf()).toBe('Caller reports two suspects.\nSuspects left on foot.');
      await open.emit({ type: 'incident.updated', ...envelope(20), incidentId: 'inc-n', status: 'DISPATCHED' });
      expect(await narrativeOf()).toBe('Caller reports two suspects.\nSuspects left on foot.');
    });
  });

  describe('cameras: owner and contact details', () => {
    it('stores a community camera owner with contacts and serves them on Camera.owner', async () => {
      await open.emit(camera('cam-o1', 0, { owner: OWNER }));
      expect(await ownerOf(open, 'cam-o1')).toEqual({
        id: 'owner-saguaro-market',
        name: 'Saguaro Market',
        contactName: 'Rosa Begay',
        contactPhone: '480-555-0142',
        contactEmail: 'rosa@saguaro.example',
      });
      const row = (await open.db.cameras.table('cameras').where('id', 'cam-o1').first()) as Record<string, unknown>;
      expect(row).toMatchObject({ owner_id: 'owner-saguaro-market', owner_contact_phone: '480-555-0142' });
    });

    it('a camera without an owner (a city camera) has owner null', async () => {
      await open.emit(camera('cam-city', 0, { cameraSource: 'CITY_VMS' }));
      expect(await ownerOf(open, 'cam-city')).toBeNull();
    });

    it('a restatement without owner keeps it; owner null removes it; missing contacts are null', async () => {
      await open.emit(camera('cam-o2', 0, { owner: OWNER }));
      await open.emit(camera('cam-o2', 10, { status: 'OFFLINE' }));
      expect(await ownerOf(open, 'cam-o2')).toMatchObject({ id: 'owner-saguaro-market', contactName: 'Rosa Begay' });
      await open.emit(camera('cam-o2', 20, { owner: { ownerId: 'owner-2' } }));
      expect(await ownerOf(open, 'cam-o2')).toEqual({ id: 'owner-2', name: null, contactName: null, contactPhone: null, contactEmail: null });
      await open.emit(camera('cam-o2', 30, { owner: null }));
      expect(await ownerOf(open, 'cam-o2')).toBeNull();
    });

    it('a camera status change keeps the owner', async () => {
      await open.emit({ type: 'camera.statusChanged', ...envelope(40), cameraId: 'cam-o1', status: 'OFFLINE' });
      expect(await ownerOf(open, 'cam-o1')).toMatchObject({ id: 'owner-saguaro-market' });
    });
  });
});

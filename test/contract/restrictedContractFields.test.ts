import type { CallReceived, CameraDiscovered } from '../../contract';
import { createCitySimulation } from '../../simulator';
import { validateDomainEvent } from '../../contract/validateDomainEvent';

const envelope = { eventId: 'e-1', source: 'test', occurredAt: '2026-11-23T15:00:00.000Z' };
const location = { point: { lat: 33.4152, lon: -111.8315 }, uncertaintyMeters: 25, address: '20 E Main St' };

/** A call.received as adapters wrote it before the restricted caller fields existed. */
const call: CallReceived = { ...envelope, type: 'call.received', callId: 'c-1', state: 'RINGING', location, classOfService: 'WPH2', callbackNumber: '480-555-0100' };

const camera: CameraDiscovered = {
  ...envelope,
  type: 'camera.discovered',
  cameraId: 'cam-1',
  name: 'Corner Shop - Front door',
  cameraSource: 'COMMUNITY_LIVE',
  location,
  headingDegrees: 0,
  fieldOfViewDegrees: 90,
  rangeMeters: 30,
  mountHeightMeters: 3,
  ptz: false,
  status: 'ONLINE',
  streams: [],
  snapshotUrl: null,
};

describe('the contract keeps its restricted fields optional and checks their form', () => {
  it('events without the new fields stay valid and gain none', () => {
    expect(validateDomainEvent(call)).toEqual({ ok: true, event: call });
    expect(validateDomainEvent(camera)).toEqual({ ok: true, event: camera });
  });

  it('passes valid caller fields and camera owners through, and nulls', () => {
    const withCaller = { ...call, callerName: 'Maria Garcia', callerAddress: '123 N Center St, Mesa, AZ', audioUrl: 'sips:rec-1@recorder.example' };
    expect(validateDomainEvent(withCaller)).toEqual({ ok: true, event: withCaller });
    const cleared = { ...envelope, type: 'call.updated', callId: 'c-1', callerName: null, callerAddress: null, audioUrl: null };
    expect(validateDomainEvent(cleared)).toEqual({ ok: true, event: cleared });
    const owned = { ...camera, owner: { ownerId: 'owner-1', name: 'Corner Shop', contactName: 'Ann Lee', contactPhone: '+1 480 555 0100', contactEmail: 'ann@corner.example' } };
    expect(validateDomainEvent(owned)).toEqual({ ok: true, event: owned });
    expect(validateDomainEvent({ ...camera, owner: { ownerId: 'owner-1' } })).toMatchObject({ ok: true });
    expect(validateDomainEvent({ ...camera, owner: null })).toMatchObject({ ok: true });
  });

  it('drops fields an owner record does not define', () => {
    const verdict = validateDomainEvent({ ...camera, owner: { ownerId: 'owner-1', faceTemplate: 'AAAA' } });
    expect(verdict.ok && (verdict.event as CameraDiscovered).owner).toEqual({ ownerId: 'owner-1' });
  });

  it.each<[string, unknown, string, string]>([
    ['an audio URL that is not one', { ...call, audioUrl: 'tape 42' }, 'bad-format', 'audioUrl'],
    ['a caller name over two lines', { ...call, callerName: 'A\nB' }, 'bad-format', 'callerName'],
    ['a caller address that is a number', { ...envelope, type: 'call.updated', callId: 'c-1', callerAddress: 7 }, 'bad-type', 'callerAddress'],
    ['an owner without an id', { ...camera, owner: { name: 'Shop' } }, 'missing-field', 'owner.ownerId'],
    ['an owner phone with letters', { ...camera, owner: { ownerId: 'o', contactPhone: 'call me' } }, 'bad-format', 'owner.contactPhone'],
    ['an owner email without @', { ...camera, owner: { ownerId: 'o', contactEmail: 'ann.corner.example' } }, 'bad-format', 'owner.contactEmail'],
  ])('refuses %s', (_name, input, reason, path) => {
    const verdict = validateDomainEvent(input);
    expect(verdict).toMatchObject({ ok: false, reason });
    if (!verdict.ok) expect(verdict.detail.startsWith(path)).toBe(true);
  });
});

describe('the simulated city fills them', () => {
  const city = createCitySimulation({ seed: 7, startAt: new Date('2026-11-23T15:00:00.000Z') });
  const events = [...city.initialEvents(), ...city.advance(new Date('2026-11-23T15:20:00.000Z'))];

  it('every call has its subscriber name; lines with a civic address their address; answered calls their audio', () => {
    const calls = events.filter((event): event is CallReceived => event.type === 'call.received');
    expect(calls.length).toBeGreaterThan(20);
    for (const received of calls) {
      expect(received.callerName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      if (['RESD', 'BUSN', 'VOIP'].includes(received.classOfService ?? '')) expect(received.callerAddress).toMatch(/\S/);
      else expect(received.callerAddress).toBeNull();
    }
    const answered = events.filter((event) => event.type === 'call.updated' && event.state === 'ACTIVE');
    expect(answered.length).toBeGreaterThan(10);
    for (const update of answered) expect(update).toMatchObject({ audioUrl: expect.stringMatching(/^https:\/\/recorder\.sim\.invalid\/calls\/.+\/audio\.m3u8$/) });
    for (const event of events) expect(validateDomainEvent(event)).toMatchObject({ ok: true });
  });

  it('community cameras have owners with contacts, one owner per business; city cameras none', () => {
    const cameras = events.filter((event): event is CameraDiscovered => event.type === 'camera.discovered');
    const community = cameras.filter((camera) => camera.cameraSource !== 'CITY_VMS');
    expect(community.length).toBeGreaterThan(100);
    for (const camera of community) {
      expect(camera.owner).toEqual({
        ownerId: expect.stringMatching(/^owner-[a-z0-9-]+$/),
        name: expect.any(String),
        contactName: expect.any(String),
        contactPhone: expect.stringMatching(/^480-555-01\d\d$/),
        contactEmail: expect.stringMatching(/@connect\.sim\.invalid$/),
      });
      expect(camera.name.startsWith(`${camera.owner?.name} - `)).toBe(true);
    }
    const owners = new Map(community.map((camera) => [camera.owner?.ownerId, camera.owner]));
    expect(owners.size).toBeLessThan(community.length); // some businesses have several cameras
    for (const camera of community) expect(owners.get(camera.owner?.ownerId)).toEqual(camera.owner);
    for (const camera of cameras.filter((candidate) => candidate.cameraSource === 'CITY_VMS')) expect(camera).not.toHaveProperty('owner');
  });
});

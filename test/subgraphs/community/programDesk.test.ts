import { STORAGE_TARGETS } from '../../support/storageTargets';
import {
  APPROVE,
  PROFILE,
  REGISTER,
  SET_TERMS,
  WITHDRAW,
  type OpenCommunity,
  accessOf,
  enrol,
  openCommunity,
  operatorCaller,
  ownerCaller,
  staffCaller,
} from './openCommunity';

describe.each(STORAGE_TARGETS)('the community program desk ($name)', (target) => {
  let community: OpenCommunity;

  beforeEach(async () => {
    community = await openCommunity(target);
  });
  afterEach(async () => {
    await community.close();
  });

  test('a registration waits for staff; approval puts the camera in the directory without personal data', async () => {
    await community.run(PROFILE, { input: { displayName: 'Ada Lovelace', phone: '480-555-0142', email: 'ada@example.org' } }, ownerCaller('owner-1'));
    const registered = await community.run(
      REGISTER,
      { input: { name: 'Rear lot', point: { lat: 33.41, lon: -111.83 }, address: '1 Main St', headingDegrees: 90, level: 'INTEGRATED', streamUrl: 'http://cam.example.org/live.mjpg' } },
      ownerCaller('owner-1'),
    );
    expect(registered.errors).toBeUndefined();
    const registration = registered.data?.registerCamera as { id: string; status: string; camera: { id: string }; terms: { mode: string; timeZone: string } };
    expect(registration).toMatchObject({ status: 'PENDING', terms: { mode: 'ALWAYS', timeZone: 'America/Chicago' } });
    expect(registration.id).toMatch(/^reg-[a-z2-7]{16}$/);
    expect(registration.camera.id).toBe(`community:${registration.id}`);
    expect(community.events).toEqual([]);

    const pending = await accessOf(community, registration.camera.id, operatorCaller());
    expect(pending.data?._entities).toMatchObject([{ access: { level: 'INTEGRATED', liveNow: false, canRequestFootage: false } }]);

    const approved = await community.run(APPROVE, { id: registration.id, approve: true }, staffCaller());
    expect(approved.data?.approveRegistration).toMatchObject({ status: 'APPROVED' });
    expect(community.events).toHaveLength(1);
    const [event] = community.events;
    expect(event).toMatchObject({
      type: 'camera.discovered',
      source: 'community',
      cameraId: registration.camera.id,
      cameraSource: 'COMMUNITY_LIVE',
      streams: [],
      snapshotUrl: null,
      owner: { ownerId: 'owner-1', name: null, contactName: null, contactPhone: null, contactEmail: null },
    });
    const text = JSON.stringify(community.events);
    for (const personal of ['Ada', 'Lovelace', '555-0142', 'ada@example.org', 'cam.example.org']) expect(text).not.toContain(personal);

    const again = await community.run(APPROVE, { id: registration.id, approve: true }, staffCaller());
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('an approval the camera directory could not be told of is put back, so that staff can approve again', async () => {
    const registered = await community.run(REGISTER, { input: { name: 'Porch', point: { lat: 33.41, lon: -111.83 }, level: 'REGISTERED' } }, ownerCaller('owner-1'));
    const { id } = registered.data?.registerCamera as { id: string };
    community.failSink = true;
    const failed = await community.run(APPROVE, { id, approve: true }, staffCaller());
    expect(failed.errors).toHaveLength(1);
    community.failSink = false;
    const listed = await community.run('{ registrations { edges { node { status } } } }', {}, staffCaller());
    expect(listed.data?.registrations).toEqual({ edges: [{ node: { status: 'PENDING' } }] });
    expect((await community.run(APPROVE, { id, approve: true }, staffCaller())).data?.approveRegistration).toMatchObject({ status: 'APPROVED' });
    expect(community.events).toHaveLength(1);
  });

  test('a rejection needs a note, and is told to the owner', async () => {
    const registered = await community.run(REGISTER, { input: { name: 'Porch', point: { lat: 33.41, lon: -111.83 }, level: 'REGISTERED' } }, ownerCaller('owner-1'));
    const { id } = registered.data?.registerCamera as { id: string };
    const bare = await community.run(APPROVE, { id, approve: false }, staffCaller());
    expect(bare.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
    const rejected = await community.run(APPROVE, { id, approve: false, note: 'The camera faces a neighbour\'s window' }, staffCaller());
    expect(rejected.data?.approveRegistration).toMatchObject({ status: 'REJECTED', decisionNote: 'The camera faces a neighbour\'s window' });
    expect(community.events).toEqual([]);
  });

  test('owners see only their own registrations; staff see all; other callers none', async () => {
    await enrol(community, 'owner-1', { name: 'One' });
    await enrol(community, 'owner-2', { name: 'Two' });
    const list = `{ registrations { edges { node { name owner { id } } } } }`;
    const names = async (caller: Parameters<OpenCommunity['run']>[2]) =>
      ((await community.run(list, {}, caller)).data?.registrations as { edges: { node: { name: string } }[] }).edges.map((edge) => edge.node.name).sort();
    expect(await names(ownerCaller('owner-1'))).toEqual(['One']);
    expect(await names(ownerCaller('owner-2'))).toEqual(['Two']);
    expect(await names(staffCaller())).toEqual(['One', 'Two']);
    expect(await names({ ...ownerCaller('x'), cameraOwner: null })).toEqual([]);
    expect(await names(operatorCaller())).toEqual([]);
  });

  test('an owner cannot change, withdraw or read the access of another owner\'s camera', async () => {
    const { cameraId } = await enrol(community, 'owner-1', {});
    const terms = await community.run(SET_TERMS, { cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-2'));
    expect(terms.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'cameraId' });
    const withdraw = await community.run(WITHDRAW, { cameraId, erase: true }, ownerCaller('owner-2'));
    expect(withdraw.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const access = await accessOf(community, cameraId, ownerCaller('owner-2'));
    expect(access.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await accessOf(community, cameraId, ownerCaller('owner-1'));
    expect(own.errors).toBeUndefined();
  });

  test('live links only while the terms allow; none in subscription-style requests without a caller', async () => {
    await community.run(PROFILE, { input: { displayName: 'Shop', email: 'shop@example.org' } }, ownerCaller('owner-1'));
    const { cameraId } = await enrol(community, 'owner-1', { snapshotUrl: 'http://127.0.0.1:9/still.jpg' });
    const live = await accessOf(community, cameraId, operatorCaller());
    const access = (live.data?._entities as { access: { liveNow: boolean; streams: { url: string; protocol: string }[]; snapshotUrl: string; contact: unknown } }[])[0]?.access;
    expect(access?.liveNow).toBe(true);
    expect(access?.streams).toHaveLength(1);
    expect(access?.streams[0]?.protocol).toBe('MJPEG');
    expect(access?.streams[0]?.url).toMatch(/^\/community\/media\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(access?.snapshotUrl).toMatch(/^\/community\/media\//);
    expect(JSON.stringify(access)).not.toContain('127.0.0.1');
    // An operator has no owner contacts scope; a supervisor does.
    expect(access?.contact).toBeNull();
    const staff = await accessOf(community, cameraId, staffCaller());
    expect((staff.data?._entities as { access: { contact: unknown } }[])[0]?.access.contact).toMatchObject({ name: 'Shop', email: 'shop@example.org' });

    const anonymous = await accessOf(community, cameraId, null);
    expect((anonymous.data?._entities as { access: { streams: unknown; snapshotUrl: unknown; contact: unknown } }[])[0]?.access).toMatchObject({ streams: null, snapshotUrl: null, contact: null });

    await community.run(SET_TERMS, { cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-1'));
    const closed = await accessOf(community, cameraId, operatorCaller());
    expect((closed.data?._entities as { access: { liveNow: boolean; streams: unknown[] } }[])[0]?.access).toMatchObject({ liveNow: false, streams: [], snapshotUrl: null });
  });

  test('a city camera is CITY and always live, with no signed links', async () => {
    const city = await accessOf(community, 'cam-17', operatorCaller());
    expect((city.data?._entities as { access: unknown }[])[0]?.access).toMatchObject({ level: 'CITY', liveNow: true, canRequestFootage: false, terms: null, streams: null });
  });

  test('changing the level re-announces the camera with its new source; withdrawing keeps it registered only', async () => {
    const { cameraId } = await enrol(community, 'owner-1', {});
    await community.run(SET_TERMS, { cameraId, terms: { mode: 'NEVER', level: 'REGISTERED' } }, ownerCaller('owner-1'));
    expect(community.events.map((event) => [event.type, 'cameraSource' in event ? event.cameraSource : null])).toEqual([
      ['camera.discovered', 'COMMUNITY_LIVE'],
      ['camera.discovered', 'COMMUNITY_REGISTERED'],
    ]);
    const withdrawn = await community.run(WITHDRAW, { cameraId, erase: false }, ownerCaller('owner-1'));
    expect(withdrawn.data?.withdrawCamera).toMatchObject({ cameraId, erased: false, registration: { status: 'WITHDRAWN' } });
    expect(community.events.at(-1)).toMatchObject({ type: 'camera.withdrawn', cameraId, erased: false });
    const access = await accessOf(community, cameraId, operatorCaller());
    expect((access.data?._entities as { access: unknown }[])[0]?.access).toMatchObject({ liveNow: false, canRequestFootage: true });
  });

  test('an integrated camera withdrawn and kept is registered only: its access says REGISTERED, and the program view counts it so', async () => {
    const { cameraId } = await enrol(community, 'owner-1', {});
    expect((await accessOf(community, cameraId, operatorCaller())).data?._entities).toMatchObject([{ access: { level: 'INTEGRATED', liveNow: true } }]);
    await community.run(WITHDRAW, { cameraId, erase: false }, ownerCaller('owner-1'));
    expect((await accessOf(community, cameraId, operatorCaller())).data?._entities).toMatchObject([{ access: { level: 'REGISTERED', liveNow: false, canRequestFootage: true } }]);
    const program = await community.run('{ communityProgram { camerasByLevel { level count } } }', {}, staffCaller());
    expect(program.errors).toBeUndefined();
    expect(program.data?.communityProgram).toEqual({ camerasByLevel: [{ level: 'REGISTERED', count: 1 }, { level: 'INTEGRATED', count: 0 }] });
  });

  test('the program view counts the registrations waiting for staff beside the approved cameras', async () => {
    await enrol(community, 'owner-1', {});
    for (const name of ['Porch', 'Garage']) {
      const registered = await community.run(REGISTER, { input: { name, point: { lat: 33.41, lon: -111.83 }, level: 'REGISTERED' } }, ownerCaller('owner-2'));
      expect(registered.errors).toBeUndefined();
    }
    const program = await community.run('{ communityProgram { pendingRegistrations camerasByLevel { level count } } }', {}, staffCaller());
    expect(program.errors).toBeUndefined();
    expect(program.data?.communityProgram).toMatchObject({ pendingRegistrations: 2, camerasByLevel: expect.arrayContaining([{ level: 'INTEGRATED', count: 1 }]) });
  });

  test('a pending or rejected registration can only be withdrawn with erasure: it never reaches the directory', async () => {
    const registered = await community.run(REGISTER, { input: { name: 'Porch', point: { lat: 33.41, lon: -111.83 }, level: 'INTEGRATED', streamUrl: 'http://127.0.0.1:9/x' } }, ownerCaller('owner-1'));
    const { id, camera } = registered.data?.registerCamera as { id: string; camera: { id: string } };
    const keep = await community.run(WITHDRAW, { cameraId: camera.id, erase: false }, ownerCaller('owner-1'));
    expect(keep.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'erase' });
    await community.run(APPROVE, { id, approve: false, note: 'Not a public view' }, staffCaller());
    expect((await community.run(WITHDRAW, { cameraId: camera.id, erase: false }, ownerCaller('owner-1'))).errors?.[0]?.extensions?.argument).toBe('erase');
    expect((await community.run(SET_TERMS, { cameraId: camera.id, terms: { mode: 'ALWAYS' } }, ownerCaller('owner-1'))).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const erased = await community.run(WITHDRAW, { cameraId: camera.id, erase: true }, ownerCaller('owner-1'));
    expect(erased.data?.withdrawCamera).toMatchObject({ erased: true, linksRevoked: 0 });
    expect(community.events).toEqual([]);
  });

  test('the alarm webhook URL and a secret shown once', async () => {
    const rotate = await community.run('mutation { rotateAlarmSecret { url secret configured activeUntil } }', {}, ownerCaller('owner-1'));
    const webhook = rotate.data?.rotateAlarmSecret as { url: string; secret: string; configured: boolean };
    expect(webhook.url).toBe('/community/alarm/owner-1');
    expect(webhook.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(webhook.configured).toBe(true);
    const me = await community.run('{ me { id alarmWebhook { secret configured } } }', {}, ownerCaller('owner-1'));
    expect(me.data?.me).toEqual({ id: 'owner-1', alarmWebhook: { secret: null, configured: true } });
  });

  test('me is null for a caller who is no owner', async () => {
    expect((await community.run('{ me { id } }', {}, operatorCaller())).data?.me).toBeNull();
    expect((await community.run('{ me { id } }', {}, { ...ownerCaller('x'), cameraOwner: null })).data?.me).toBeNull();
  });
});

import { STORAGE_TARGETS } from '../../support/storageTargets';
import { type Body, SET_TERMS, WITHDRAW, type OpenCommunity, enrol, openCommunity, operatorCaller, ownerCaller } from './openCommunity';

const CHANGES = `subscription Changes($cameraIds: [ID!]) {
  cameraAccessChanged(cameraIds: $cameraIds) { cameraId reason at camera { id } access { level liveNow liveUntil liveFrom streams { url } snapshotUrl contact { name } } }
}`;

interface Change {
  cameraId: string;
  reason: string;
  at: string;
  camera: { id: string } | null;
  access: { level: string; liveNow: boolean; liveUntil: string | null; liveFrom: string | null; streams: unknown; snapshotUrl: unknown; contact: unknown };
}

const next = async (iterator: AsyncIterator<Body>): Promise<Change> => ((await iterator.next()).value as Body).data?.cameraAccessChanged as Change;

describe.each(STORAGE_TARGETS)('cameraAccessChanged ($name)', (target) => {
  let community: OpenCommunity;

  beforeEach(async () => {
    community = await openCommunity(target);
  });
  afterEach(async () => {
    await community.close();
  });

  test('approval, a schedule window closing and opening by the clock, withdrawal and erasure, each once, without links or contacts', async () => {
    const changes = await community.subscribe(CHANGES);
    // Monday 2026-11-23 18:00Z is 12:00 in Chicago: inside 11:00–13:00.
    const { cameraId } = await enrol(community, 'owner-1', { snapshotUrl: 'http://127.0.0.1:9/s.jpg', terms: { mode: 'SCHEDULE', schedule: [{ day: 'MONDAY', from: '11:00', to: '13:00' }, { day: 'MONDAY', from: '14:00', to: '15:00' }] } });
    const approved = await next(changes);
    expect(approved).toEqual({
      cameraId,
      reason: 'APPROVED',
      at: '2026-11-23T18:00:00.000Z',
      camera: { id: cameraId },
      access: { level: 'INTEGRATED', liveNow: true, liveUntil: '2026-11-23T19:00:00.000Z', liveFrom: '2026-11-23T20:00:00.000Z', streams: null, snapshotUrl: null, contact: null },
    });

    // Nothing changes by the clock inside the window: the sweep publishes nothing.
    community.setNow('2026-11-23T18:30:00.000Z');
    await community.subgraph.sweep();
    community.setNow('2026-11-23T19:00:00.000Z');
    await community.subgraph.sweep();
    await community.subgraph.sweep();
    expect(await next(changes)).toMatchObject({ cameraId, reason: 'SCHEDULE', access: { liveNow: false, liveFrom: '2026-11-23T20:00:00.000Z' } });
    community.setNow('2026-11-23T20:00:00.000Z');
    await community.subgraph.sweep();
    expect(await next(changes)).toMatchObject({ cameraId, reason: 'SCHEDULE', access: { liveNow: true, liveUntil: '2026-11-23T21:00:00.000Z' } });

    await community.run(SET_TERMS, { cameraId, terms: { mode: 'ALWAYS' } }, ownerCaller('owner-1'));
    expect(await next(changes)).toMatchObject({ cameraId, reason: 'TERMS_CHANGED', access: { liveNow: true, liveUntil: null } });
    await community.run(WITHDRAW, { cameraId, erase: false }, ownerCaller('owner-1'));
    expect(await next(changes)).toMatchObject({ cameraId, reason: 'WITHDRAWN', access: { liveNow: false } });
    await community.run(WITHDRAW, { cameraId, erase: true }, ownerCaller('owner-1'));
    expect(await next(changes)).toMatchObject({ cameraId, reason: 'ERASED', camera: null, access: { liveNow: false } });
    await changes.return?.();
  });

  test('cameraIds narrows the stream; a pending camera\'s changes are nobody\'s business but its owner\'s and staff\'s', async () => {
    const first = await enrol(community, 'owner-1', {});
    const second = await enrol(community, 'owner-2', {});
    const changes = await community.subscribe(CHANGES, { cameraIds: [second.cameraId] });
    const registered = await community.run('mutation { registerCamera(input: { name: "Pending", point: { lat: 33.4, lon: -111.8 }, level: INTEGRATED, streamUrl: "http://127.0.0.1:9/x" }) { camera { id } } }', {}, ownerCaller('owner-1'));
    expect(registered.errors).toBeUndefined();
    const pendingId = (registered.data?.registerCamera as { camera: { id: string } }).camera.id;
    const everything = await community.subscribe(CHANGES);
    await community.run(SET_TERMS, { cameraId: pendingId, terms: { mode: 'NEVER' } }, ownerCaller('owner-1'));
    await community.run(SET_TERMS, { cameraId: first.cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-1'));
    await community.run(SET_TERMS, { cameraId: second.cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-2'));
    expect((await next(changes)).cameraId).toBe(second.cameraId);
    expect((await next(everything)).cameraId).toBe(first.cameraId);
    expect((await next(everything)).cameraId).toBe(second.cameraId);
    await changes.return?.();
    await everything.return?.();
  });

  test('a caller who is an owner only hears of their own cameras', async () => {
    const first = await enrol(community, 'owner-1', {});
    const second = await enrol(community, 'owner-2', {});
    const mine = await community.subscribe(CHANGES, {}, ownerCaller('owner-2'));
    const operator = await community.subscribe(CHANGES, {}, operatorCaller());
    await community.run(SET_TERMS, { cameraId: first.cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-1'));
    await community.run(SET_TERMS, { cameraId: second.cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-2'));
    expect((await next(mine)).cameraId).toBe(second.cameraId);
    expect((await next(operator)).cameraId).toBe(first.cameraId);
    await mine.return?.();
    await operator.return?.();
  });
});

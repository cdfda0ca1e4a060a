import { nearestRank, summarizeProgram } from '../../../../subgraphs/community/footage/summarizeProgram';
import { STORAGE_TARGETS } from '../../../support/storageTargets';
import { ANSWER, type OpenDesk, REQUEST_FOOTAGE, camera, openFootageDesk, owner, police, reviewer, shareEmbedded, windowBefore } from './openFootageDesk';

const PROGRAM = `query ($area: AreaInput, $since: DateTime) { communityProgram(area: $area, since: $since) {
  camerasByLevel { level count } camerasByArea { area level count } pendingRegistrations
  requestsByStatus { status count } medianAnswerSeconds p90AnswerSeconds } }`;

describe('nearestRank', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9, 10],
  ])('of %j at %d is %s', (values, p, expected) => expect(nearestRank(values, p)).toBe(expected));
});

describe('summarizeProgram', () => {
  it('names the quadrants around the cameras, and one district "all" for an area', () => {
    const cameras = [
      camera(0, 'a', { point: { lat: 1, lon: 1 }, level: 'INTEGRATED' }),
      camera(1, 'a', { point: { lat: 1, lon: -1 } }),
      camera(2, 'a', { point: { lat: -1, lon: -1 } }),
      camera(3, 'a', { point: { lat: -1, lon: 1 } }),
      camera(4, 'a', { point: { lat: -1, lon: 1 }, status: 'PENDING' }),
    ];
    const whole = summarizeProgram(cameras, [], null);
    expect(whole.camerasByArea.filter((c) => c.count > 0)).toEqual([
      { area: 'NW', level: 'REGISTERED', count: 1 },
      { area: 'NE', level: 'INTEGRATED', count: 1 },
      { area: 'SW', level: 'REGISTERED', count: 1 },
      { area: 'SE', level: 'REGISTERED', count: 1 },
    ]);
    expect(whole.pendingRegistrations).toBe(1);
    const north = summarizeProgram(cameras, [], { kind: 'boundingBox', south: 0, west: -2, north: 2, east: 2 });
    expect(north.camerasByArea).toEqual([
      { area: 'all', level: 'REGISTERED', count: 1 },
      { area: 'all', level: 'INTEGRATED', count: 1 },
    ]);
    expect(north.pendingRegistrations).toBe(0);
  });
});

describe.each(STORAGE_TARGETS)('communityProgram ($name)', (target) => {
  const embedded = shareEmbedded(target);
  let open: OpenDesk;
  beforeEach(async () => {
    open = await openFootageDesk(target, embedded.current ? { embedded: embedded.current } : {});
    open.cameras.set('community:reg-1', camera(1, 'own-1', { level: 'INTEGRATED' }));
    open.cameras.set('community:reg-2', camera(2, 'own-1'));
    open.cameras.set('community:reg-3', camera(3, 'own-2'));
    open.cameras.set('community:reg-4', camera(4, 'own-2', { status: 'PENDING' }));
  });
  afterEach(() => open.close());

  it('counts cameras by level, requests by status, and the answer times', async () => {
    const made = await open.run(REQUEST_FOOTAGE, { input: { cameraIds: ['community:reg-1', 'community:reg-2', 'community:reg-3'], ...windowBefore(open.now(), 15) } }, police());
    const [r1, r2] = (made.data?.requestFootage as { id: string }[]).map((r) => r.id);
    open.advance(60_000);
    await open.run(ANSWER, { id: r1, approve: true }, owner('own-1'));
    open.advance(240_000);
    await open.run(ANSWER, { id: r2, approve: false }, owner('own-1'));
    const body = await open.run(PROGRAM, {}, reviewer());
    expect(body.errors).toBeUndefined();
    const program = body.data?.communityProgram as Record<string, unknown>;
    expect(program.camerasByLevel).toEqual([
      { level: 'REGISTERED', count: 2 },
      { level: 'INTEGRATED', count: 1 },
    ]);
    expect(program.pendingRegistrations).toBe(1);
    expect(program.requestsByStatus).toEqual([
      { status: 'OPEN', count: 1 },
      { status: 'APPROVED', count: 1 },
      { status: 'DENIED', count: 1 },
      { status: 'FULFILLED', count: 0 },
      { status: 'EXPIRED', count: 0 },
    ]);
    expect(program.medianAnswerSeconds).toBe(60);
    expect(program.p90AnswerSeconds).toBe(300);
    // Since after the requests: none counted.
    const later = await open.run(PROGRAM, { since: new Date(open.now().getTime() + 1000).toISOString() }, reviewer());
    expect((later.data?.communityProgram as { requestsByStatus: { count: number }[] }).requestsByStatus.every((s) => s.count === 0)).toBe(true);
  });

  it('is for reviewers only, and refuses a bad area', async () => {
    expect((await open.run(PROGRAM, {}, owner('own-1'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await open.run(PROGRAM, {}, police())).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await open.run(PROGRAM, { area: { circle: { center: { lat: 95, lon: 0 }, radiusMeters: 10 } } }, reviewer());
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

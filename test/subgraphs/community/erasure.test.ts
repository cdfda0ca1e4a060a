import { STORAGE_TARGETS } from '../../support/storageTargets';
import { PROFILE, WITHDRAW, type OpenCommunity, enrol, openCommunity, operatorCaller, ownerCaller } from './openCommunity';

const PERSONAL = ['Grace Hopper', 'Grace H.', '480-555-0199', 'grace@example.org', 'grace-cam.example.org'];

/** Every row of every table in the community schema, as text. */
async function everyRow(community: OpenCommunity): Promise<string> {
  const tables = (await community.db.knex('information_schema.tables').where('table_schema', community.db.schema).select('table_name')) as { table_name: string }[];
  expect(tables.length).toBeGreaterThan(2);
  const rows: unknown[] = [];
  for (const { table_name: table } of tables) rows.push(table, ...(await community.db.table(table).select()));
  return JSON.stringify(rows, (_, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
}

describe.each(STORAGE_TARGETS)('erasure ($name)', (target) => {
  let community: OpenCommunity;

  beforeEach(async () => {
    community = await openCommunity(target);
  });
  afterEach(async () => {
    await community.close();
  });

  test('erasing the owner\'s last camera leaves none of their personal data in any community table', async () => {
    const owner = ownerCaller('owner-g');
    await community.run(PROFILE, { input: { displayName: 'Grace Hopper', contactName: 'Grace H.', phone: '480-555-0199', email: 'grace@example.org' } }, owner);
    await community.run('mutation { rotateAlarmSecret { secret } }', {}, owner);
    const first = await enrol(community, 'owner-g', { name: 'Front door', streamUrl: 'http://grace-cam.example.org/front.mjpg', snapshotUrl: 'http://grace-cam.example.org/front.jpg' });
    const second = await enrol(community, 'owner-g', { name: 'Yard', streamUrl: 'https://grace-cam.example.org/yard.m3u8' });
    // A footage request, so that the footage desk's tables (and its notification) hold rows too.
    const asked = await community.run(
      'mutation Ask($input: RequestFootageInput!) { requestFootage(input: $input) { id } }',
      { input: { cameraIds: [first.cameraId], from: '2026-11-23T16:00:00.000Z', to: '2026-11-23T17:00:00.000Z', message: 'A break-in on the block' } },
      operatorCaller(),
    );
    expect(asked.errors).toBeUndefined();
    const before = await everyRow(community);
    for (const personal of PERSONAL) expect(before).toContain(personal);

    const kept = await community.run(WITHDRAW, { cameraId: first.cameraId, erase: true }, owner);
    expect(kept.data?.withdrawCamera).toMatchObject({ cameraId: first.cameraId, erased: true, registration: null });
    // The owner has a camera left: their profile stays.
    expect(await everyRow(community)).toContain('grace@example.org');
    expect(community.erasedOwners).toEqual([]);

    await community.run(WITHDRAW, { cameraId: second.cameraId, erase: true }, owner);
    const after = await everyRow(community);
    for (const personal of PERSONAL) expect(after).not.toContain(personal);
    expect(community.erasedOwners).toEqual(['owner-g']);
    expect(community.events.filter((event) => event.type === 'camera.withdrawn')).toEqual([
      expect.objectContaining({ cameraId: first.cameraId, erased: true }),
      expect.objectContaining({ cameraId: second.cameraId, erased: true }),
    ]);
    const trail = JSON.stringify([community.events, community.audits]);
    for (const personal of PERSONAL) expect(trail).not.toContain(personal);

    const me = await community.run('{ me { id displayName contact { email } registrations { id } alarmWebhook { configured } } }', {}, owner);
    expect(me.data?.me).toEqual({ id: 'owner-g', displayName: null, contact: null, registrations: [], alarmWebhook: { configured: false } });
  });

  test('an erased camera is unknown to the program: no access, no footage request, no directory entry', async () => {
    const { cameraId } = await enrol(community, 'owner-g', {});
    await community.run(WITHDRAW, { cameraId, erase: true }, ownerCaller('owner-g'));
    expect(await community.subgraph.directory.cameraOf(cameraId)).toBeNull();
    const asked = await community.run(
      'mutation Ask($input: RequestFootageInput!) { requestFootage(input: $input) { id } }',
      { input: { cameraIds: [cameraId], from: '2026-11-23T16:00:00.000Z', to: '2026-11-23T17:00:00.000Z' } },
      operatorCaller(),
    );
    expect(asked.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const again = await community.run(WITHDRAW, { cameraId, erase: true }, ownerCaller('owner-g'));
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'cameraId' });
  });
});

import { type IncomingMessage, type Server, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { type TestHub, startTestHub } from '../../support/startTestHub';
import { createGatewayClient, record, waitUntil } from '../../support/subscribeThroughGateway';

const STILL = Buffer.from('a still of the corner');

/** The owner's camera: a still and an endless MJPEG-ish stream, counting the requests it gets. */
async function startCamera(): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url !== '/live.mjpg') {
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(STILL);
      return;
    }
    response.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
    const timer = setInterval(() => response.write(`--frame\r\n\r\n${STILL.toString()}\r\n`), 20);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const REGISTER = `mutation Register($input: RegisterCameraInput!) { registerCamera(input: $input) { id camera { id } status } }`;
const APPROVE = `mutation Approve($id: ID!) { approveRegistration(id: $id) { status } }`;
const CAMERA = `query Camera($id: ID!) { camera(id: $id) { id source access { level liveNow canRequestFootage snapshotUrl streams { url } contact { name email } } } }`;
interface SeenCamera {
  readonly source: string;
  readonly access: { readonly liveNow: boolean; readonly canRequestFootage: boolean; readonly snapshotUrl: string | null; readonly streams: readonly { readonly url: string }[] | null; readonly contact: unknown };
}

const SET_TERMS = `mutation Terms($cameraId: ID!, $terms: SharingTermsInput!) { setSharingTerms(cameraId: $cameraId, terms: $terms) { id } }`;
const WITHDRAW = `mutation Withdraw($cameraId: ID!, $erase: Boolean!) { withdrawCamera(cameraId: $cameraId, erase: $erase) { erased linksRevoked } }`;

describe.each(STORAGE_TARGETS)('Community Connect through the gateway ($name)', (target) => {
  let hub: TestHub;
  let camera: Awaited<ReturnType<typeof startCamera>>;
  let origin: string;
  let owner: Record<string, string>;
  let otherOwner: Record<string, string>;

  beforeAll(async () => {
    camera = await startCamera();
    hub = await startTestHub(target, { env: { COMMUNITY_RELAY_PRIVATE_ADDRESSES: 'true', COMMUNITY_LINK_SECRET: 'a-test-link-secret-of-32-characters-or-more' } });
    origin = new URL(hub.gatewayUrl).origin;
    owner = { authorization: `Bearer ${await hub.token({ subject: 'resident-1', roles: ['camera-owner'], cameraOwner: 'owner-1' })}` };
    otherOwner = { authorization: `Bearer ${await hub.token({ subject: 'resident-2', roles: ['camera-owner'], cameraOwner: 'owner-2' })}` };
  });
  afterAll(async () => {
    await hub?.close();
    await camera?.close();
  });

  /** The camera as the default supervisor sees it, once `until` holds (events reach the directory through the sink: asynchronous). */
  async function cameraWhen(id: string, until: (camera: SeenCamera | null) => boolean): Promise<SeenCamera | null> {
    for (let attempt = 0; ; attempt += 1) {
      const found = (await hub.query<{ camera: SeenCamera | null }>(CAMERA, { id })).data?.camera ?? null;
      if (until(found) || attempt === 50) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('register → approve → the operator sees it with a signed still → withdraw: the link is refused; erase: it is gone', async () => {
    await hub.post('mutation P($input: OwnerProfileInput!) { saveOwnerProfile(input: $input) { id } }', { input: { displayName: 'Corner Deli', email: 'deli@example.org' } }, owner);
    const registered = await hub.post<{ registerCamera: { id: string; camera: { id: string }; status: string } }>(
      REGISTER,
      { input: { name: 'Corner Deli, front', point: { lat: 33.415, lon: -111.83 }, level: 'INTEGRATED', streamUrl: `${camera.origin}/live.mjpg`, snapshotUrl: `${camera.origin}/still.jpg` } },
      owner,
    );
    expect(registered.body.errors).toBeUndefined();
    const { id, camera: { id: cameraId } } = registered.body.data?.registerCamera as { id: string; camera: { id: string } };
    // Pending: not in the camera directory yet.
    expect((await hub.query<{ camera: unknown }>(CAMERA, { id: cameraId })).data?.camera).toBeNull();

    expect((await hub.query(APPROVE, { id })).errors).toBeUndefined();
    // The approval reaches the directory through the ingest sink.
    const seen = await cameraWhen(cameraId, (found) => found !== null);
    expect(seen).toMatchObject({ source: 'COMMUNITY_LIVE', access: { liveNow: true, canRequestFootage: true, contact: { name: 'Corner Deli', email: 'deli@example.org' } } });
    const link = seen?.access.snapshotUrl ?? '';
    expect(link).toMatch(/^\/community\/media\//);

    // Another owner can neither see the camera nor withdraw it.
    expect((await hub.post<{ camera: unknown }>(CAMERA, { id: cameraId }, otherOwner)).body.data?.camera ?? null).toBeNull();
    expect((await hub.post(WITHDRAW, { cameraId, erase: true }, otherOwner)).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const relayed = await fetch(`${origin}${link}`);
    expect(relayed.status).toBe(200);
    expect(Buffer.from(await relayed.arrayBuffer()).equals(STILL)).toBe(true);

    const withdrawn = await hub.post<{ withdrawCamera: { erased: boolean; linksRevoked: number } }>(WITHDRAW, { cameraId, erase: false }, owner);
    // The still link and the stream link handed out with the camera.
    expect(withdrawn.body.data?.withdrawCamera).toEqual({ erased: false, linksRevoked: 2 });
    const refused = await fetch(`${origin}${link}`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('LINK_REFUSED');
    expect(camera.requests).toEqual(['/still.jpg']);

    const auditor = { authorization: `Bearer ${await hub.token({ subject: 'auditor-1', roles: ['auditor'] })}`, 'x-purpose': 'AUDIT-0001' };
    const trail = await hub.post<{ auditRecords: { edges: { node: { kind: string; outcome: string; recordIds: string[]; details: unknown } }[] } }>(
      'query Trail($filter: AuditRecordFilter) { auditRecords(filter: $filter) { edges { node { kind outcome recordIds details } } } }',
      { filter: { kinds: ['MEDIA_LINK'] } },
      auditor,
    );
    expect(trail.body.errors).toBeUndefined();
    const uses = trail.body.data?.auditRecords.edges.map((edge) => edge.node) ?? [];
    expect(uses.every((use) => use.recordIds.includes(`Camera:${cameraId}`))).toBe(true);
    expect(uses.map((use) => use.outcome).sort()).toEqual(['DENIED', 'OK']);
    expect(JSON.stringify(uses)).not.toContain(camera.origin);

    await hub.post(WITHDRAW, { cameraId, erase: true }, owner);
    expect(await cameraWhen(cameraId, (found) => found === null)).toBeNull();
  });

  test('a live stream relayed through the gateway ends when the owner withdraws', async () => {
    const registered = await hub.post<{ registerCamera: { id: string; camera: { id: string } } }>(
      REGISTER,
      { input: { name: 'Bakery, door', point: { lat: 33.416, lon: -111.831 }, level: 'INTEGRATED', streamUrl: `${camera.origin}/live.mjpg` } },
      owner,
    );
    const { id, camera: { id: cameraId } } = registered.body.data?.registerCamera as { id: string; camera: { id: string } };
    await hub.query(APPROVE, { id });
    const seen = await cameraWhen(cameraId, (found) => found !== null);
    const stream = seen?.access.streams?.[0]?.url ?? '';
    expect(stream).toMatch(/^\/community\/media\//);
    const response = await new Promise<IncomingMessage>((resolve, reject) => get(`${origin}${stream}`, resolve).on('error', reject));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('multipart/x-mixed-replace');
    response.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => response.on('close', () => resolve()));
    await new Promise((resolve) => response.once('data', resolve));
    await hub.post(WITHDRAW, { cameraId, erase: false }, owner);
    // Cut at the subgraph, and the cut passed on by the gateway's relay: the viewer's stream ends.
    await ended;
    expect(response.complete).toBe(false);
  });

  test('operators hear of a withdrawal over cameraAccessChanged, with the directory\'s camera and no links; owners may not subscribe', async () => {
    const registered = await hub.post<{ registerCamera: { id: string; camera: { id: string } } }>(
      REGISTER,
      { input: { name: 'Florist, side', point: { lat: 33.417, lon: -111.829 }, level: 'INTEGRATED', streamUrl: `${camera.origin}/live.mjpg` } },
      owner,
    );
    const { id, camera: { id: cameraId } } = registered.body.data?.registerCamera as { id: string; camera: { id: string } };
    await hub.query(APPROVE, { id });
    await cameraWhen(cameraId, (found) => found !== null);
    const operator = createGatewayClient(hub.gatewayUrl);
    const asOwner = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: owner.authorization as string } });
    try {
      const changes = record<{ cameraAccessChanged: { cameraId: string; reason: string; access: { liveNow: boolean; streams: unknown }; camera: { name: string } | null } }>(
        operator,
        'subscription Access($ids: [ID!]) { cameraAccessChanged(cameraIds: $ids) { cameraId reason access { liveNow streams { url } } camera { name } } }',
        { ids: [cameraId] },
      );
      const refused = record(asOwner, 'subscription { cameraAccessChanged { cameraId } }');
      // The subscription is in place once the gateway has started it upstream; a terms change proves it.
      let events: typeof changes.events = [];
      for (let attempt = 0; attempt < 50 && events.length === 0; attempt += 1) {
        await hub.post(SET_TERMS, { cameraId, terms: { mode: 'ALWAYS' } }, owner);
        events = await changes.waitFor(1, 200).catch(() => []);
      }
      await hub.post(WITHDRAW, { cameraId, erase: false }, owner);
      await waitUntil(() => changes.events.some((event) => event.cameraAccessChanged.reason === 'WITHDRAWN'), 10_000, () => JSON.stringify(changes.events));
      expect(changes.events.find((event) => event.cameraAccessChanged.reason === 'WITHDRAWN')?.cameraAccessChanged).toEqual({
        cameraId,
        reason: 'WITHDRAWN',
        access: { liveNow: false, streams: null },
        camera: { name: 'Florist, side' },
      });
      await waitUntil(() => refused.errors.length > 0 || refused.completed);
      expect(refused.events).toEqual([]);
      expect(JSON.stringify(refused.errors)).toContain('FORBIDDEN');
      changes.stop();
    } finally {
      await operator.dispose();
      await asOwner.dispose();
    }
  });

  test('after erasure no table of any of the hub\'s schemas holds the owner\'s name, phone, email or camera URLs', async () => {
    const personal = ['Margaret Hamilton', 'M. Hamilton', '480-555-0123', 'margaret@example.org', 'hamilton-cam.example.org'];
    const resident = { authorization: `Bearer ${await hub.token({ subject: 'resident-3', roles: ['camera-owner'], cameraOwner: 'owner-3' })}` };
    await hub.post('mutation P($input: OwnerProfileInput!) { saveOwnerProfile(input: $input) { id } }', { input: { displayName: 'Margaret Hamilton', contactName: 'M. Hamilton', phone: '480-555-0123', email: 'margaret@example.org' } }, resident);
    await hub.post('mutation { rotateAlarmSecret { secret } }', {}, resident);
    const registered = await hub.post<{ registerCamera: { id: string; camera: { id: string } } }>(
      REGISTER,
      { input: { name: 'Workshop', point: { lat: 33.418, lon: -111.832 }, level: 'INTEGRATED', streamUrl: 'https://hamilton-cam.example.org/live.mjpg', snapshotUrl: 'https://hamilton-cam.example.org/still.jpg' } },
      resident,
    );
    const { id, camera: { id: cameraId } } = registered.body.data?.registerCamera as { id: string; camera: { id: string } };
    await hub.query(APPROVE, { id });
    // Staff read the owner's contact (a restricted field) and an operator's console takes links.
    const seen = await cameraWhen(cameraId, (found) => found !== null);
    expect(seen?.access.contact).toMatchObject({ email: 'margaret@example.org' });
    const before = await everyRow();
    expect(personal.filter((text) => before.includes(text))).toEqual(personal);

    const erased = await hub.post(WITHDRAW, { cameraId, erase: true }, resident);
    expect(erased.body.errors).toBeUndefined();
    expect(await cameraWhen(cameraId, (found) => found === null)).toBeNull();
    const after = await everyRow();
    expect(personal.filter((text) => after.includes(text))).toEqual([]);
  });

  /** Every row of every table in every schema of this hub (one prefix), as text. */
  async function everyRow(): Promise<string> {
    const { db } = hub.subgraphs.community;
    const prefix = db.schema.slice(0, -'community'.length);
    const tables = (await db.knex('information_schema.tables').where('table_schema', 'like', `${prefix}%`).select('table_schema', 'table_name')) as { table_schema: string; table_name: string }[];
    expect(tables.length).toBeGreaterThan(10);
    const rows: unknown[] = [];
    for (const { table_schema: schema, table_name: table } of tables) rows.push(...(await db.knex.withSchema(schema).table(table).select()));
    return JSON.stringify(rows, (_, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
  }
});

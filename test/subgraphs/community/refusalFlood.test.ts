import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditKind, AuditRecord } from '../../../audit';
import { signAlarm } from '../../../subgraphs/community/createAlarmWebhook';
import type { AuditSubgraph } from '../../../subgraphs/audit';
import { expectAuditChainIntact } from '../../support/hostileInput';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { type TestHub, startTestHub } from '../../support/startTestHub';

const STILL = Buffer.from('a still of the driveway');
const FLOOD = 500;
/** The refusal window the hub runs with here (COMMUNITY_REFUSAL_WINDOW_MS): short, so that its end comes while the test waits. */
const WINDOW_MS = 200;

const REGISTER = `mutation Register($input: RegisterCameraInput!) { registerCamera(input: $input) { id camera { id } } }`;
const APPROVE = `mutation Approve($id: ID!) { approveRegistration(id: $id) { status } }`;
const CAMERA = `query Camera($id: ID!) { camera(id: $id) { id access { liveNow snapshotUrl } } }`;

/** The owner's camera: a still, counting the requests it gets. */
async function startCamera(): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/jpeg' }).end(STILL);
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

/** `count` calls of `call`, `width` at a time, in order of their index; their statuses. */
async function inParallel(count: number, width: number, call: (index: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = new Array<number>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let index = next++; index < count; index = next++) statuses[index] = await call(index);
    }),
  );
  return statuses;
}

describe.each(STORAGE_TARGETS)('a flood of refused links and alarm calls through the hub ($name)', (target) => {
  let hub: TestHub;
  let camera: Awaited<ReturnType<typeof startCamera>>;
  let origin: string;
  let owner: Record<string, string>;
  let clock = new Date(Date.UTC(2026, 11, 6, 15, 0, 0));

  beforeAll(async () => {
    camera = await startCamera();
    hub = await startTestHub(target, {
      now: () => clock,
      env: { COMMUNITY_RELAY_PRIVATE_ADDRESSES: 'true', COMMUNITY_LINK_SECRET: 'a-test-link-secret-of-32-characters-or-more', COMMUNITY_REFUSAL_WINDOW_MS: String(WINDOW_MS) },
    });
    origin = new URL(hub.gatewayUrl).origin;
    owner = { authorization: `Bearer ${await hub.token({ subject: 'resident-9', roles: ['camera-owner'], cameraOwner: 'owner-9' })}` };
  });
  afterAll(async () => {
    await hub?.close();
    await camera?.close();
  });

  /** Every record of a kind on the trail, oldest first. */
  const trail = async (kind: AuditKind): Promise<AuditRecord[]> => {
    const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
    const records: AuditRecord[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await auditLog.list({ kinds: [kind] }, 100, after);
      records.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) return records.reverse();
      after = page.pageInfo.endCursor;
    }
  };
  const denied = async (kind: AuditKind) => (await trail(kind)).filter((record) => record.outcome === 'denied');
  const countOf = (records: readonly AuditRecord[]) => records.reduce((sum, record) => sum + Number((record.details as { count?: number }).count), 0);

  async function liveCamera(): Promise<{ cameraId: string; link: string }> {
    const registered = await hub.post<{ registerCamera: { id: string; camera: { id: string } } }>(
      REGISTER,
      { input: { name: 'Driveway', point: { lat: 33.42, lon: -111.84 }, level: 'INTEGRATED', snapshotUrl: `${camera.origin}/still.jpg` } },
      owner,
    );
    expect(registered.body.errors).toBeUndefined();
    const { id, camera: { id: cameraId } } = registered.body.data?.registerCamera as { id: string; camera: { id: string } };
    expect((await hub.query(APPROVE, { id })).errors).toBeUndefined();
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const link = (await hub.query<{ camera: { access: { snapshotUrl: string | null } } | null }>(CAMERA, { id: cameraId })).data?.camera?.access.snapshotUrl;
      if (link) return { cameraId, link };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the approved camera never reached the directory');
  }

  test(`${FLOOD} tampered media links from one address: each 403, the trail gains the first at once and the count when the window ends; a good link in the middle still works`, async () => {
    const { cameraId, link } = await liveCamera();
    const before = (await denied('media-link')).length;
    // One character of the token's signature changed (one in its first 20, all full 6 bits): it no longer matches.
    const dot = link.lastIndexOf('.');
    const tampered = (index: number) => {
      const at = dot + 1 + (index % 20);
      return `${link.slice(0, at)}${link[at] === 'A' ? 'B' : 'A'}${link.slice(at + 1)}`;
    };
    const first = await inParallel(FLOOD / 2, 8, async (index) => (await fetch(`${origin}${tampered(index)}`)).status);
    const good = await fetch(`${origin}${link}`);
    expect(good.status).toBe(200);
    expect(Buffer.from(await good.arrayBuffer()).equals(STILL)).toBe(true);
    const second = await inParallel(FLOOD / 2, 8, async (index) => {
      const answer = await fetch(`${origin}${tampered(index)}`);
      const body = (await answer.json()) as { error?: { code?: string } };
      return body.error?.code === 'LINK_REFUSED' ? answer.status : -answer.status;
    });
    expect([...first, ...second].filter((status) => status !== 403)).toEqual([]);
    expect(camera.requests).toEqual(['/still.jpg']);

    // The hub's clock has not moved: the window is open, and only its first refusal is on the trail.
    const atOnce = (await denied('media-link')).slice(before);
    expect(atOnce).toHaveLength(1);
    expect(atOnce[0]).toMatchObject({ kind: 'media-link', outcome: 'denied', details: { clientAddress: expect.stringMatching(/127\.0\.0\.1/), status: 403, count: 1 } });
    // The good link's use: one record of its own, written before the still was fetched.
    expect((await trail('media-link')).filter((record) => record.outcome === 'ok' && record.recordIds.includes(`Camera:${cameraId}`))).toHaveLength(1);

    clock = new Date(clock.getTime() + WINDOW_MS + 1);
    let records: AuditRecord[] = [];
    for (let attempt = 0; attempt < 500 && countOf(records) < FLOOD; attempt += 1) {
      records = (await denied('media-link')).slice(before);
      if (countOf(records) < FLOOD) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(records.map((record) => (record.details as { count: number }).count)).toEqual([1, FLOOD - 1]);
    // The count is of the window the first opened.
    expect((records[1]?.details as { since: string }).since).toBe((atOnce[0]?.details as { since: string }).since);
    await expectAuditChainIntact(hub);
  });

  test(`${FLOOD} badly signed alarm calls from one address: each 401, a bounded number of records whose counts add up; a good alarm in the middle still opens`, async () => {
    const rotated = await hub.post<{ rotateAlarmSecret: { url: string; secret: string } }>('mutation { rotateAlarmSecret { url secret } }', {}, owner);
    expect(rotated.body.errors).toBeUndefined();
    const { url, secret } = rotated.body.data?.rotateAlarmSecret as { url: string; secret: string };
    const before = (await denied('alarm')).length;
    const call = async (key: string, body: string) => {
      const timestamp = String(Math.floor(clock.getTime() / 1000));
      const answer = await fetch(`${origin}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rtcc-timestamp': timestamp, 'x-rtcc-signature': signAlarm(key, timestamp, body) }, body });
      return { status: answer.status, body: (await answer.json()) as { ok?: boolean; error?: { code: string } } };
    };
    const bad = async (index: number) => {
      const answer = await call(`not-the-secret-${index}`, '{"active":true}');
      return answer.body.error?.code === 'UNAUTHENTICATED' ? answer.status : -answer.status;
    };
    const first = await inParallel(FLOOD / 2, 8, bad);
    const good = await call(secret, '{"active":true}');
    expect(good).toMatchObject({ status: 200, body: { ok: true } });
    const second = await inParallel(FLOOD / 2, 8, bad);
    expect([...first, ...second].filter((status) => status !== 401)).toEqual([]);
    const accepted = (await trail('alarm')).filter((record) => record.outcome === 'ok');
    expect(accepted.at(-1)).toMatchObject({ subject: 'owner-9', details: { ownerId: 'owner-9', active: true } });

    const atOnce = (await denied('alarm')).slice(before);
    expect(atOnce.map((record) => (record.details as { count: number }).count)).toEqual([1]);
    expect(atOnce[0]).toMatchObject({ kind: 'alarm', reason: 'bad-signature', details: { ownerId: 'owner-9', status: 401, clientAddress: expect.stringMatching(/127\.0\.0\.1/) } });

    clock = new Date(clock.getTime() + WINDOW_MS + 1);
    let records: AuditRecord[] = [];
    for (let attempt = 0; attempt < 500 && countOf(records) < FLOOD; attempt += 1) {
      records = (await denied('alarm')).slice(before);
      if (countOf(records) < FLOOD) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(records.map((record) => (record.details as { count: number }).count)).toEqual([1, FLOOD - 1]);
    // Ids only: neither the secret nor anything the callers signed with is on the trail.
    expect(JSON.stringify(records)).not.toContain('not-the-secret');
    expect(JSON.stringify(records)).not.toContain(secret);
    await expectAuditChainIntact(hub);
  });
});

import { createHash } from 'node:crypto';
import { STORAGE_TARGETS } from '../../../support/storageTargets';
import { type TestHub, startTestHub } from '../../../support/startTestHub';
import { httpCall } from './openFootageDesk';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A clip of 1.5 MiB: past fastify's default 1 MiB body limit, so that neither the relay nor the route applies it. */
const CLIP = Buffer.from(Array.from({ length: 1536 * 1024 }, (_, i) => (i * 131) % 251));

type Body<T> = { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
function ok<T>(body: Body<T>): T {
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

describe.each(STORAGE_TARGETS)('footage requests through the gateway ($name)', (target) => {
  let hub: TestHub;
  let origin: string;
  let ownerHeaders: Record<string, string>;
  let cameraId: string;

  const asOwner = async <T>(query: string, variables: Record<string, unknown> = {}) => (await hub.post<T>(query, variables, ownerHeaders)).body;

  beforeAll(async () => {
    hub = await startTestHub(target);
    origin = new URL(hub.gatewayUrl).origin;
    ownerHeaders = { authorization: `Bearer ${await hub.token({ subject: 'resident-f1', roles: ['camera-owner'], cameraOwner: 'owner-f1' })}` };
    ok(await asOwner('mutation ($input: OwnerProfileInput!) { saveOwnerProfile(input: $input) { id } }', { input: { displayName: 'Mesa Bikes', contactName: 'Rosa Diaz', email: 'rosa@example.org', notifyBy: 'EMAIL' } }));
    const { registerCamera } = ok(await asOwner<{ registerCamera: { id: string; camera: { id: string } } }>(
      'mutation ($input: RegisterCameraInput!) { registerCamera(input: $input) { id camera { id } } }',
      { input: { name: 'Mesa Bikes, rear door', point: { lat: 33.4152, lon: -111.8315 }, headingDegrees: 90, level: 'REGISTERED' } },
    ));
    cameraId = registerCamera.camera.id;
    ok(await hub.query('mutation ($id: ID!) { approveRegistration(id: $id) { status } }', { id: registerCamera.id }));
  });
  afterAll(async () => {
    await hub?.close();
  });

  test('request → the owner is notified → approves → uploads → the operator downloads the same bytes; each step in the audit trail, ids only', async () => {
    const now = Date.now();
    const { requestFootage } = ok(await hub.query<{ requestFootage: { id: string; status: string; caseNumber: string }[] }>(
      'mutation ($input: RequestFootageInput!) { requestFootage(input: $input) { id status caseNumber } }',
      { input: { cameraIds: [cameraId], from: new Date(now - 40 * 60_000).toISOString(), to: new Date(now - 10 * 60_000).toISOString(), message: 'Bike theft from the rack' } },
    ));
    const [request] = requestFootage;
    expect(request).toMatchObject({ status: 'OPEN', caseNumber: 'TEST-0001' });
    const id = request?.id ?? '';

    // The development outbox, through the gateway's relay, from this machine.
    const outbox = await httpCall(`${origin}/community/outbox.json`);
    expect(outbox.status).toBe(200);
    expect(outbox.json<{ messages: { to: string; topic: string; text: string }[] }>().messages).toEqual([
      expect.objectContaining({ to: 'rosa@example.org', topic: `footage-request:${id}`, text: expect.stringContaining('Bike theft from the rack') }),
    ]);

    // The owner sees it without the police's fields, approves it and uploads the clip.
    const mine = await asOwner<{ footageRequests: { edges: { node: { id: string; caseNumber: string | null } }[] } }>('{ footageRequests { edges { node { id caseNumber } } } }');
    expect(mine.data?.footageRequests.edges.map((e) => e.node)).toEqual([{ id, caseNumber: null }]);
    expect(mine.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(ok(await asOwner<{ answerFootageRequest: { status: string } }>('mutation ($id: ID!) { answerFootageRequest(id: $id, approve: true, note: "Uploading now") { status } }', { id })).answerFootageRequest.status).toBe('APPROVED');
    const { footageUploadLink } = ok(await asOwner<{ footageUploadLink: { url: string } }>('mutation ($id: ID!) { footageUploadLink(requestId: $id) { url } }', { id }));
    const stored = await httpCall(new URL(footageUploadLink.url, origin).href, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: CLIP, chunked: true });
    expect(stored.status).toBe(201);
    expect(stored.json()).toMatchObject({ sha256: sha256(CLIP), sizeBytes: CLIP.length, status: 'FULFILLED' });

    const { footageRequest } = ok(await hub.query<{ footageRequest: { status: string; clips: { sha256: string; uploadedBy: string; download: { url: string } }[] } }>(
      'query ($id: ID!) { footageRequest(id: $id) { status clips { sha256 uploadedBy download { url } } } }',
      { id },
    ));
    expect(footageRequest.status).toBe('FULFILLED');
    const [clip] = footageRequest.clips;
    expect(clip).toMatchObject({ sha256: sha256(CLIP), uploadedBy: 'owner-f1' });
    const got = await httpCall(new URL(clip?.download.url ?? '', origin).href);
    expect(got.status).toBe(200);
    expect(got.headers['x-content-sha256']).toBe(sha256(CLIP));
    expect(got.headers['content-disposition']).toMatch(/^attachment; /);
    expect(sha256(got.body)).toBe(sha256(CLIP));

    // The owner's download link is withheld (police only).
    const ownView = await asOwner<{ footageRequest: { clips: { download: unknown }[] } }>('query ($id: ID!) { footageRequest(id: $id) { clips { download { url } } } }', { id });
    expect(ownView.data?.footageRequest?.clips[0]?.download ?? null).toBeNull();

    const auditor = { authorization: `Bearer ${await hub.token({ subject: 'auditor-1', roles: ['auditor'] })}` };
    const trail = (await hub.post<{ auditRecords: { edges: { node: { kind: string; subject: string | null; details: { action?: string } | null } }[] } }>(
      '{ auditRecords(filter: { kinds: [EVIDENCE, NOTIFICATION] }, first: 100) { edges { node { kind subject details } } } }',
      {},
      auditor,
    )).body;
    const steps = ok(trail).auditRecords.edges.map((e) => [e.node.kind, e.node.details?.action, e.node.subject]);
    expect(steps).toEqual(expect.arrayContaining([
      ['EVIDENCE', 'footage-requested', 'test-supervisor'],
      ['NOTIFICATION', 'notification-sent', null],
      ['EVIDENCE', 'footage-answered', 'resident-f1'],
      ['EVIDENCE', 'clip-stored', 'owner-f1'],
      ['EVIDENCE', 'clip-downloaded', 'test-supervisor'],
    ]));
    const text = JSON.stringify(trail);
    for (const personal of ['Rosa', 'rosa@example.org', 'Mesa Bikes']) expect(text).not.toContain(personal);
  });

  test('the outbox, through the relay, refuses a request forwarded for another machine (x-forwarded-for)', async () => {
    const relayed = await httpCall(`${origin}/community/outbox.json`, { headers: { 'x-forwarded-for': '203.0.113.50' } });
    expect(relayed.status).toBe(403);
  });
});

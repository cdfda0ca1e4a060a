import { createHash } from 'node:crypto';
import { STORAGE_TARGETS } from '../../../support/storageTargets';
import { ANSWER, LIST, type OpenDesk, REQUEST_FOOTAGE, UPLOAD_LINK, camera, httpCall, openFootageDesk, owner, police, shareEmbedded, windowBefore } from './openFootageDesk';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const clipBytes = (size: number, seed = 1) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed * 7) % 256));
const actionsOf = (open: OpenDesk) => open.audit.map((r) => (r.details as { action: string }).action);

interface ClipNode {
  sha256: string;
  sizeBytes: number;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
  download: { url: string; expiresAt: string } | null;
}

describe.each(STORAGE_TARGETS)('footage clips ($name)', (target) => {
  let open: OpenDesk;
  const embedded = shareEmbedded(target);
  let requestIds: string[];
  let uploadUrl: string;

  beforeEach(async () => {
    open = await openFootageDesk(target, embedded.current ? { embedded: embedded.current } : {});
    open.cameras.set('community:reg-1', camera(1, 'own-1'));
    open.cameras.set('community:reg-2', camera(2, 'own-1'));
    open.cameras.set('community:reg-3', camera(3, 'own-2'));
    const made = await open.run(REQUEST_FOOTAGE, { input: { cameraIds: ['community:reg-1', 'community:reg-2', 'community:reg-3'], ...windowBefore(open.now(), 30) } }, police());
    requestIds = (made.data?.requestFootage as { id: string }[]).map((r) => r.id);
    await open.run(ANSWER, { id: requestIds[0], approve: true }, owner('own-1'));
    uploadUrl = ((await open.run(UPLOAD_LINK, { id: requestIds[0] }, owner('own-1'))).data?.footageUploadLink as { url: string }).url;
  });
  afterEach(() => open.close());

  const put = (url: string, body: Buffer, contentType = 'video/mp4', chunked = false) =>
    httpCall(`${open.origin}${url}`, { method: 'PUT', headers: { 'content-type': contentType }, body, chunked });

  it('stores the clip under its SHA-256, fulfils the request, and the operator downloads the same bytes through an audited link', async () => {
    const bytes = clipBytes(3000);
    const stored = await put(uploadUrl, bytes);
    expect(stored.status).toBe(201);
    expect(stored.json()).toMatchObject({ requestId: requestIds[0], sha256: sha256(bytes), sizeBytes: 3000, contentType: 'video/mp4', status: 'FULFILLED' });
    expect(stored.headers['x-content-sha256']).toBe(sha256(bytes));
    expect(actionsOf(open)).toContain('clip-stored');
    const storedRecord = open.audit.find((r) => (r.details as { action: string }).action === 'clip-stored');
    expect(storedRecord).toMatchObject({ kind: 'evidence', subject: 'own-1', outcome: 'ok', details: { requestId: requestIds[0], ownerId: 'own-1', sha256: sha256(bytes), sizeBytes: 3000 } });

    const listed = await open.run(LIST, { filter: { status: ['FULFILLED'] } }, police('CASE-2026-0042', 'op-cy'));
    const [node] = (listed.data?.footageRequests as { edges: { node: { id: string; clips: ClipNode[] } }[] }).edges.map((e) => e.node);
    expect(node?.id).toBe(requestIds[0]);
    const [clip] = node?.clips ?? [];
    expect(clip).toMatchObject({ sha256: sha256(bytes), sizeBytes: 3000, contentType: 'video/mp4', uploadedBy: 'own-1', uploadedAt: open.now().toISOString() });
    expect(clip?.download?.url).toMatch(/^\/community\/download\//);

    const before = open.audit.length;
    const got = await httpCall(`${open.origin}${clip?.download?.url}`);
    expect(got.status).toBe(200);
    expect(sha256(got.body)).toBe(sha256(bytes));
    expect(got.headers['x-content-sha256']).toBe(sha256(bytes));
    expect(got.headers['content-type']).toBe('video/mp4');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="${sha256(bytes)}.mp4"`);
    // Audited, naming whom the link was issued to.
    // A HEAD is no download (and is not recorded as one).
    expect((await httpCall(`${open.origin}${clip?.download?.url}`, { method: 'HEAD' })).status).toBe(404);
    expect(open.audit.slice(before)).toEqual([
      expect.objectContaining({ kind: 'evidence', subject: 'op-cy', outcome: 'ok', details: { action: 'clip-downloaded', requestId: requestIds[0], sha256: sha256(bytes), sizeBytes: 3000 } }),
    ]);
  });

  it('gives owners no download link', async () => {
    await put(uploadUrl, clipBytes(100));
    const listed = await open.run(LIST, {}, owner('own-1'));
    const clips = (listed.data?.footageRequests as { edges: { node: { clips: ClipNode[] } }[] }).edges.flatMap((e) => e.node.clips);
    expect(clips).toHaveLength(1);
    expect(clips[0]?.download).toBeNull();
  });

  it('stores the same bytes once, and a repeated upload is answered without a second clip or record', async () => {
    const bytes = clipBytes(2000, 5);
    expect((await put(uploadUrl, bytes)).status).toBe(201);
    const again = await put(uploadUrl, bytes);
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ sha256: sha256(bytes) });
    await open.run(ANSWER, { id: requestIds[1], approve: true }, owner('own-1'));
    const second = ((await open.run(UPLOAD_LINK, { id: requestIds[1] }, owner('own-1'))).data?.footageUploadLink as { url: string }).url;
    expect((await put(second, bytes, 'video/mp4')).status).toBe(201);
    expect(await open.rows('footage_blobs')).toHaveLength(1);
    expect((await open.rows('footage_clips')).map((c) => c.request_id).sort()).toEqual([requestIds[0], requestIds[1]].sort());
    expect(actionsOf(open).filter((a) => a === 'clip-stored')).toHaveLength(2);
  });

  it.each([
    ['declared by content-length', false],
    ['found while the chunked body streams', true],
  ])('refuses a clip over COMMUNITY_FOOTAGE_MAX_BYTES (%s) with 413, storing nothing', async (_name, chunked) => {
    const answer = await put(uploadUrl, clipBytes(4097), 'video/mp4', chunked);
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({ error: { code: 'CLIP_TOO_LARGE', message: expect.stringContaining('4096') } });
    expect(await open.rows('footage_blobs')).toHaveLength(0);
    expect(await open.rows('footage_clips')).toHaveLength(0);
    const [row] = (await open.rows('footage_requests')).filter((r) => r.id === requestIds[0]);
    expect(row?.status).toBe('APPROVED');
    expect(open.audit.at(-1)).toMatchObject({ kind: 'evidence', outcome: 'denied', details: { action: 'clip-upload-refused' } });
    // The desk still takes a clip of the right size afterwards.
    expect((await put(uploadUrl, clipBytes(4096))).status).toBe(201);
  });

  it('stores nothing when the audit record cannot be written (no record, no operation)', async () => {
    open.auditFails = true;
    const answer = await put(uploadUrl, clipBytes(500));
    expect(answer.status).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'AUDIT_UNAVAILABLE' } });
    expect(await open.rows('footage_blobs')).toHaveLength(0);
    expect(await open.rows('footage_clips')).toHaveLength(0);
    expect((await open.rows('footage_requests')).find((r) => r.id === requestIds[0])?.status).toBe('APPROVED');
  });

  it('sends nothing when the download cannot be audited', async () => {
    await put(uploadUrl, clipBytes(500));
    const listed = await open.run(LIST, { filter: { status: ['FULFILLED'] } }, police());
    const url = (listed.data?.footageRequests as { edges: { node: { clips: ClipNode[] } }[] }).edges[0]?.node.clips[0]?.download?.url;
    open.auditFails = true;
    const got = await httpCall(`${open.origin}${url}`);
    expect(got.status).toBe(503);
    expect(got.json()).toMatchObject({ error: { code: 'AUDIT_UNAVAILABLE' } });
    expect(got.headers['x-content-sha256']).toBeUndefined();
  });

  it.each([
    ['text/html', 'text/html'],
    ['no media type', ''],
    ['a media type with a header break', 'video/mp4\r\nx-evil: 1'],
  ])('refuses a clip sent as %s with 415', async (_name, contentType) => {
    if (/[\r\n]/.test(contentType)) {
      // Node refuses to send such a header at all; nothing to ask the server.
      await expect(put(uploadUrl, clipBytes(10), contentType)).rejects.toThrow();
      return;
    }
    const answer = await httpCall(`${open.origin}${uploadUrl}`, { method: 'PUT', headers: contentType ? { 'content-type': contentType } : {}, body: clipBytes(10) });
    expect(answer.status).toBe(415);
    expect(await open.rows('footage_clips')).toHaveLength(0);
  });

  it('refuses an empty clip', async () => {
    const answer = await put(uploadUrl, Buffer.alloc(0));
    expect(answer.status).toBe(400);
    expect(await open.rows('footage_clips')).toHaveLength(0);
  });

  it('refuses tampered, foreign, wrong-kind and expired upload links with 403, audited', async () => {
    const token = uploadUrl.split('/').pop() ?? '';
    const [payload = '', signature = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: string; e: number; c: Record<string, string> };
    const forged = Buffer.from(JSON.stringify({ ...claims, c: { ...claims.c, requestId: requestIds[2] } })).toString('base64url');
    const foreign = open.links.sign('upload', { requestId: requestIds[2] ?? '', ownerId: 'own-1' }, 60_000).url;
    const download = open.links.sign('download', { requestId: requestIds[0] ?? '', sha256: 'a'.repeat(64), subject: 'x' }, 60_000).url.replace('/download/', '/upload/');
    for (const [url, reason] of [
      [`/community/upload/${forged}.${signature}`, /bad-signature/],
      [`/community/upload/${token}x`, /bad-signature|malformed/],
      ['/community/upload/not-a-token', /malformed/],
      [`/community/upload/${'A'.repeat(5000)}.B`, /malformed/],
      [foreign, /no request of this owner/],
      [download, /wrong-kind/],
    ] as const) {
      const answer = await put(url, clipBytes(10));
      expect(answer.status).toBe(403);
      expect(answer.json<{ error: { code: string; message: string } }>().error).toEqual({ code: 'LINK_REFUSED', message: expect.stringMatching(reason) });
    }
    open.advance(600_001);
    const late = await put(uploadUrl, clipBytes(10));
    expect(late.status).toBe(403);
    expect(late.json<{ error: { message: string } }>().error.message).toMatch(/expired/);
    expect(await open.rows('footage_clips')).toHaveLength(0);
    // Refusals from one address in one window: the first recorded at once, the rest as one record with their count.
    const denied = open.audit.filter((r) => r.outcome === 'denied');
    expect(denied.length).toBeLessThanOrEqual(3);
    expect(denied.reduce((sum, r) => sum + (r.details as { count: number }).count, 0)).toBe(7);
  });

  it('issues upload links that live no longer than their request, and refuses a clip for a request that expired (409)', async () => {
    open.advance(72 * 3_600_000 - 60_000);
    const link = (await open.run(UPLOAD_LINK, { id: requestIds[0] }, owner('own-1'))).data?.footageUploadLink as { url: string; expiresAt: string };
    expect(link.expiresAt).toBe(new Date(open.now().getTime() + 60_000).toISOString());
    // A link that outlives its request (signed by hand: the desk issues none) is still refused once the request expired.
    const outliving = open.links.sign('upload', { requestId: requestIds[0] ?? '', ownerId: 'own-1' }, 3_600_000).url;
    open.advance(60_000);
    const late = await put(outliving, clipBytes(10));
    expect(late.status).toBe(409);
    expect(late.json<{ error: { code: string; message: string } }>().error).toEqual({ code: 'FOOTAGE_REQUEST_CLOSED', message: expect.stringMatching(/EXPIRED/) });
    expect(await open.rows('footage_clips')).toHaveLength(0);
    await open.desk.sweep();
    await open.desk.settle();
    expect((await open.rows('footage_requests')).find((r) => r.id === requestIds[0])?.status).toBe('EXPIRED');
  });

  it('refuses tampered, wrong-kind and expired download links, and one for a clip not held', async () => {
    await put(uploadUrl, clipBytes(100));
    const listed = await open.run(LIST, { filter: { status: ['FULFILLED'] } }, police());
    const url = (listed.data?.footageRequests as { edges: { node: { clips: ClipNode[] } }[] }).edges[0]?.node.clips[0]?.download?.url ?? '';
    expect(url).toMatch(/^\/community\/download\//);
    expect((await httpCall(`${open.origin}${url}x`)).status).toBe(403);
    expect((await httpCall(`${open.origin}${uploadUrl.replace('/upload/', '/download/')}`)).status).toBe(403);
    const missing = open.links.sign('download', { requestId: requestIds[0] ?? '', sha256: 'f'.repeat(64), subject: 'op-ana' }, 60_000).url;
    expect((await httpCall(`${open.origin}${missing}`)).status).toBe(404);
    open.advance(600_001);
    const late = await httpCall(`${open.origin}${url}`);
    expect(late.status).toBe(403);
    expect(late.headers['x-content-sha256']).toBeUndefined();
    expect(actionsOf(open).filter((a) => a === 'clip-downloaded')).toHaveLength(0);
    const refused = open.audit.filter((r) => (r.details as { action: string }).action === 'clip-download-refused');
    expect(refused.length).toBeLessThanOrEqual(3);
    expect(refused.reduce((sum, r) => sum + (r.details as { count: number }).count, 0)).toBe(4);
  });
});

describe.each(STORAGE_TARGETS)('footage retention ($name)', (target) => {
  const embedded = shareEmbedded(target);

  it('purges expired requests with their clips, and the bytes no clip names any more', async () => {
    const open = await openFootageDesk(target, embedded.current ? { embedded: embedded.current } : {});
    try {
      open.cameras.set('community:reg-1', camera(1, 'own-1'));
      const upload = async (bytes: Buffer) => {
        const made = await open.run(REQUEST_FOOTAGE, { input: { cameraIds: ['community:reg-1'], ...windowBefore(open.now(), 30) } }, police());
        const [id] = (made.data?.requestFootage as { id: string }[]).map((r) => r.id);
        await open.run(ANSWER, { id, approve: true }, owner('own-1'));
        const url = ((await open.run(UPLOAD_LINK, { id }, owner('own-1'))).data?.footageUploadLink as { url: string }).url;
        expect((await httpCall(`${open.origin}${url}`, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: bytes })).status).toBe(201);
        return id ?? '';
      };
      const shared = clipBytes(100, 9);
      const old = await upload(shared);
      const oldOnly = await upload(clipBytes(100, 10));
      open.advance(86_400_000);
      const cutoff = open.now();
      const recent = await upload(shared);
      const { retention } = open.desk;
      const [dataClass] = retention.dataClasses;
      expect(dataClass).toMatchObject({ name: 'community-footage', table: 'footage_requests', retentionSetting: 'retentionCommunityFootageDays' });
      if (!dataClass) return;
      const outcome = await retention.purge({
        dataClass,
        scope: { kind: 'expired', cutoff },
        selectRows: (query) => void query.where('requested_at', '<', cutoff),
        batchSize: 1,
        audit: { subject: 'system:retention', details: {} },
      });
      expect(outcome).toEqual({
        kind: 'deleted',
        ids: expect.arrayContaining([old, oldOnly]),
        dependentsDeleted: { [`${open.db.schema}.footage_clips`]: 2, [`${open.db.schema}.footage_blobs`]: 1 },
      });
      expect((await open.rows('footage_requests')).map((r) => r.id)).toEqual([recent]);
      // The bytes the recent request shares stay; the old request's own go.
      expect((await open.rows('footage_blobs')).map((b) => b.sha256)).toEqual([sha256(shared)]);
    } finally {
      await open.close();
    }
  });
});

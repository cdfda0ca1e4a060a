import { type IncomingMessage, type Server, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { SET_TERMS, WITHDRAW, type OpenCommunity, accessOf, enrol, openCommunity, operatorCaller, ownerCaller } from './openCommunity';

const STILL = Buffer.from('\xff\xd8 a still image \xff\xd9', 'latin1');

/** An owner's camera: an endless MJPEG-ish stream and a still, counting the requests it gets. */
async function startCamera(): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/still.jpg') {
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(STILL);
      return;
    }
    response.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
    const timer = setInterval(() => response.write(`--frame\r\ncontent-type: image/jpeg\r\n\r\n${STILL.toString('latin1')}\r\n`), 20);
    timers.add(timer);
    response.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface LinkAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

async function fetchLink(url: string): Promise<LinkAnswer> {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.from(await response.arrayBuffer()) };
}

/** Opens a relayed stream; resolves once its first bytes came, with a promise of its end. */
function openStream(url: string): Promise<{ response: IncomingMessage; ended: Promise<number> }> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let bytes = 0;
      const ended = new Promise<number>((done) => response.on('close', () => done(bytes)));
      response.on('error', () => undefined);
      response.once('data', (chunk: Buffer) => {
        bytes += chunk.length;
        response.on('data', (more: Buffer) => (bytes += more.length));
        resolve({ response, ended });
      });
    }).on('error', reject);
  });
}

interface Links {
  streams: { url: string; protocol: string }[];
  snapshotUrl: string | null;
  liveNow: boolean;
}

async function linksOf(community: OpenCommunity, cameraId: string): Promise<Links> {
  const answer = await accessOf(community, cameraId, operatorCaller());
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return (answer.data?._entities as { access: Links }[])[0]?.access as Links;
}

describe.each(STORAGE_TARGETS)('the media relay ($name)', (target) => {
  let community: OpenCommunity;
  let camera: Awaited<ReturnType<typeof startCamera>>;
  let origin: string;

  beforeEach(async () => {
    camera = await startCamera();
    community = await openCommunity(target);
    origin = await community.listen();
  });
  afterEach(async () => {
    await community.close();
    await camera.close();
  });

  const enrolCamera = (extra: Record<string, unknown> = {}) =>
    enrol(community, 'owner-1', { streamUrl: `${camera.origin}/stream.mjpg`, snapshotUrl: `${camera.origin}/still.jpg`, ...extra });

  test('a signed still link relays the owner\'s still with its content type, audited first without the camera\'s address', async () => {
    const { cameraId } = await enrolCamera();
    const links = await linksOf(community, cameraId);
    expect(links.snapshotUrl).not.toContain(camera.origin);
    const answer = await fetchLink(`${origin}${links.snapshotUrl}`);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('image/jpeg');
    expect(answer.body.equals(STILL)).toBe(true);
    const uses = community.audits.filter((record) => record.kind === ('media-link' as string));
    expect(uses).toEqual([expect.objectContaining({ outcome: 'ok', subject: 'op-1', recordIds: [`Camera:${cameraId}`], details: expect.objectContaining({ cameraId, what: 'snap' }) })]);
    expect(JSON.stringify(community.audits)).not.toContain('127.0.0.1');
  });

  test('withdrawal cuts an open stream, counts the links it revokes, and the links are refused after', async () => {
    const { cameraId } = await enrolCamera();
    const links = await linksOf(community, cameraId);
    const stream = links.streams[0]?.url as string;
    const open = await openStream(`${origin}${stream}`);
    const withdrawn = await community.run(WITHDRAW, { cameraId, erase: false }, ownerCaller('owner-1'));
    // The stream link and the still link handed out above.
    expect(withdrawn.data?.withdrawCamera).toMatchObject({ cameraId, erased: false, linksRevoked: 2 });
    expect(await open.ended).toBeGreaterThan(0);
    const again = await fetchLink(`${origin}${stream}`);
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body.toString())).toEqual({ error: { code: 'LINK_REFUSED', message: expect.stringContaining('withdrew') } });
    const refused = community.audits.filter((record) => record.outcome === 'denied');
    expect(refused.at(-1)).toMatchObject({ kind: 'media-link', reason: 'revoked', details: expect.objectContaining({ cameraId }) });
  });

  test('the end of a schedule window cuts an open stream (the test clock moves past it)', async () => {
    // 2026-11-23 18:00Z is Monday 12:00 in Chicago.
    const { cameraId } = await enrolCamera({ terms: { mode: 'SCHEDULE', schedule: [{ day: 'MONDAY', from: '11:00', to: '13:00' }] } });
    const links = await linksOf(community, cameraId);
    expect(links.liveNow).toBe(true);
    const open = await openStream(`${origin}${links.streams[0]?.url as string}`);
    community.setNow('2026-11-23T19:00:00.000Z');
    expect(await open.ended).toBeGreaterThan(0);
    expect((await linksOf(community, cameraId)).liveNow).toBe(false);
  });

  test('a link is refused once expired, and when the terms no longer share', async () => {
    const { cameraId } = await enrolCamera();
    const first = await linksOf(community, cameraId);
    community.setNow('2026-11-23T18:01:00.000Z');
    const expired = await fetchLink(`${origin}${first.snapshotUrl as string}`);
    expect(expired.status).toBe(403);
    expect(community.audits.at(-1)).toMatchObject({ kind: 'media-link', outcome: 'denied', reason: 'expired' });
    const fresh = await linksOf(community, cameraId);
    await community.run(SET_TERMS, { cameraId, terms: { mode: 'NEVER' } }, ownerCaller('owner-1'));
    expect((await fetchLink(`${origin}${fresh.snapshotUrl as string}`)).status).toBe(403);
    expect(camera.requests).toEqual([]);
  });

  test('a tampered link is refused and the owner\'s camera never asked', async () => {
    const { cameraId } = await enrolCamera();
    const { snapshotUrl } = await linksOf(community, cameraId);
    const token = (snapshotUrl as string).split('/').at(-1) as string;
    const [payload, signature] = token.split('.') as [string, string];
    const other = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('snap', 's0')).toString('base64url');
    for (const bad of [`${other}.${signature}`, `${payload}.${signature.slice(0, -2)}`, 'x', `${'A'.repeat(5000)}.B`]) {
      const answer = await fetchLink(`${origin}/community/media/${bad}`);
      expect(answer.status).toBe(403);
    }
    expect(camera.requests).toEqual([]);
  });

  test('no record, no relay: with the audit trail down the link is not relayed', async () => {
    const { cameraId } = await enrolCamera();
    const { snapshotUrl } = await linksOf(community, cameraId);
    community.failAudit = true;
    const answer = await fetchLink(`${origin}${snapshotUrl as string}`);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body.toString()).error.code).toBe('AUDIT_UNAVAILABLE');
    expect(camera.requests).toEqual([]);
  });
});

describe.each(STORAGE_TARGETS)('the media relay without private addresses ($name)', (target) => {
  test('an owner URL on a loopback address is refused: the hub is no proxy into the city\'s network', async () => {
    const camera = await startCamera();
    const community = await openCommunity(target, { relayPrivateAddresses: false });
    try {
      const origin = await community.listen();
      const { cameraId } = await enrol(community, 'owner-1', { streamUrl: `${camera.origin}/stream.mjpg`, snapshotUrl: `http://localhost:${camera.origin.split(':').at(-1) as string}/still.jpg` });
      const { streams, snapshotUrl } = await linksOf(community, cameraId);
      for (const link of [streams[0]?.url as string, snapshotUrl as string]) {
        const answer = await fetchLink(`${origin}${link}`);
        expect(answer.status).toBe(502);
        expect(JSON.parse(answer.body.toString()).error.message).toContain('private-address');
      }
      expect(camera.requests).toEqual([]);
    } finally {
      await community.close();
      await camera.close();
    }
  });
});

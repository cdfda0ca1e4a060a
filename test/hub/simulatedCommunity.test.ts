import { createHash } from 'node:crypto';
import pino from 'pino';
import { readHubConfig } from '../../config/hubConfig';
import { type SimulatedCity, createSimulatedCity } from '../../hub/createSimulatedCity';
import { renderFootageClip } from '../../simulator/community';
import { type GraphQLBody, type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

const START = new Date('2026-11-23T19:00:00.000Z');

interface DirectoryCamera {
  id: string;
  name: string;
  source: string;
  access: { level: string; liveNow: boolean; canRequestFootage: boolean; terms: { mode: string } | null; snapshotUrl: string | null };
}

/**
 * The simulated city's Community Connect program (hub/createSimulatedCity, simulator/community)
 * against a whole hub: its owners enrol through the public API, their cameras reach the camera
 * directory only through the program (once, with the program's ids), with mixed terms whose live
 * links relay the simulated camera; a second start on the same data registers nothing again; the
 * owners answer footage requests as the plan says, with a clip whose SHA-256 the download matches.
 */
describe.each(STORAGE_TARGETS)('the simulated community program ($name)', (target) => {
  let hub: TestHub;
  let city: SimulatedCity;
  let clock = START;
  const config = readHubConfig({
    SIM_MODE: 'direct',
    SIM_CAMERAS: '120',
    SIM_UNITS: '2',
    SIM_HISTORY_MINUTES: '0',
    SIM_SNAPSHOT_PORT: '0',
    PGLITE_DATA_DIR: 'memory',
    AUTH_DEV_KEY_FILE: 'memory',
  });
  const newCity = () => createSimulatedCity(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { now: () => clock, schedule: () => () => undefined });
  const allCameras = async (): Promise<DirectoryCamera[]> => {
    const cameras: DirectoryCamera[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const body: GraphQLBody<{ cameras: { edges: { node: DirectoryCamera }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await hub.query(
        'query ($after: String) { cameras(first: 100, after: $after) { edges { node { id name source access { level liveNow canRequestFootage terms { mode } snapshotUrl } } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expect(body.errors).toBeUndefined();
      cameras.push(...body.data!.cameras.edges.map((edge) => edge.node));
      if (!body.data!.cameras.pageInfo.hasNextPage) break;
      after = body.data!.cameras.pageInfo.endCursor;
    }
    return cameras;
  };
  const origin = () => new URL(hub.gatewayUrl).origin;

  beforeAll(async () => {
    city = await newCity();
    hub = await startTestHub(target, {
      now: () => clock,
      adapters: city.adapters([]),
      env: { COMMUNITY_PORT: '0', COMMUNITY_RELAY_PRIVATE_ADDRESSES: 'true', LIMIT_MAX_COST: '100000' },
    });
    // start resolves once the program is enrolled: a hub that reports ready holds its cameras.
    await city.start(hub);
  }, 120_000);
  afterAll(async () => {
    await city?.stop();
    await hub?.close();
  });

  it('enrols every planned camera through the API; the approved ones, and only they, are in the directory, once each, under the program\'s ids', async () => {
    const { plan, enrolment, program } = city.community!;
    expect(program).not.toBeNull();
    expect(await city.community!.enrolled).toBe(enrolment);
    const planned = plan.owners.flatMap((owner) => owner.cameras);
    expect(enrolment).toMatchObject({
      kept: 0,
      registered: planned.length,
      approved: planned.filter((camera) => camera.approve).length,
      termsSet: planned.filter((camera) => camera.integrateLater).length,
      alarmConfigured: true,
    });
    const cameras = await allCameras();
    const community = cameras.filter((camera) => camera.source !== 'CITY_VMS');
    expect(community).toHaveLength(enrolment!.approved);
    for (const camera of community) expect(camera.id).toMatch(/^community:/);
    // The simulation's own ids of community cameras never reach the directory: the program is their only road.
    const simIds = new Set(planned.map((camera) => camera.simCameraId));
    expect(cameras.filter((camera) => simIds.has(camera.id))).toEqual([]);
    expect(new Set(community.map((camera) => camera.name)).size).toBeGreaterThan(community.length / 2);
    // Mixed terms, as planned: registered only, always, on a schedule, on the alarm.
    const modes = new Set(community.map((camera) => camera.access.terms?.mode));
    expect([...modes].sort()).toEqual(['ALARM', 'ALWAYS', 'NEVER', 'SCHEDULE']);
    expect(community.every((camera) => camera.access.canRequestFootage)).toBe(true);
    expect(community.filter((camera) => camera.access.level === 'REGISTERED').every((camera) => !camera.access.liveNow && camera.access.snapshotUrl === null)).toBe(true);
  });

  it('relays an ALWAYS camera\'s picture through a signed link, and the alarm owner\'s cameras share once their alarm went off', async () => {
    const cameras = await allCameras();
    const always = cameras.find((camera) => camera.access.terms?.mode === 'ALWAYS')!;
    expect(always.access.liveNow).toBe(true);
    const link = new URL(always.access.snapshotUrl!, origin()).href;
    expect(link).toMatch(/\/community\/media\//);
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    // The picture is the simulated camera's, named as the city named it (an owner's second camera of a name is registered as "… 2").
    expect(await response.text()).toContain(`<title>${always.name.replace(/ \d+$/, '').replace(/&/g, '&amp;').replace(/'/g, '&apos;')}</title>`);
    // Its live stream too: the simulated camera's MJPEG, relayed part by part through the hub's link.
    const streams = await hub.query<{ camera: { access: { streams: { protocol: string; url: string }[] } } }>('query ($id: ID!) { camera(id: $id) { access { streams { protocol url } } } }', { id: always.id });
    expect(streams.errors).toBeUndefined();
    const [stream] = streams.data!.camera.access.streams;
    expect(stream!.protocol).toBe('MJPEG');
    const controller = new AbortController();
    const live = await fetch(new URL(stream!.url, origin()), { signal: controller.signal });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^multipart\/x-mixed-replace; boundary=/);
    const reader = live.body!.getReader();
    let received = '';
    while (!received.includes('</svg>')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(received).toMatch(/content-type: image\/svg\+xml/);
    expect(received).toContain('</svg>');
    // start() set the alarm owner's secret and their alarm went off once, signed.
    const alarm = city.community!.program!.alarmWebhook()!;
    expect(alarm.ownerId).toBe(city.community!.plan.alarmOwnerId);
    await eventually(async () => (await allCameras()).filter((camera) => camera.access.terms?.mode === 'ALARM').every((camera) => camera.access.liveNow), 10_000, 'the alarm cameras to share');
  });

  it('registers nothing again when a city starts once more on the hub\'s kept data', async () => {
    const before = await allCameras();
    await city.stop();
    city = await newCity();
    clock = new Date(clock.getTime() + 5_000);
    await city.start(hub);
    const enrolment = await city.community!.enrolled;
    const planned = city.community!.plan.owners.flatMap((owner) => owner.cameras).length;
    expect(enrolment).toMatchObject({ kept: planned, registered: 0, approved: 0, termsSet: 0 });
    const registrations = await hub.query<{ registrations: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>('{ registrations(first: 100) { edges { cursor } pageInfo { hasNextPage } } }');
    expect(registrations.errors).toBeUndefined();
    const after = await allCameras();
    expect(after.map((camera) => camera.id).sort()).toEqual(before.map((camera) => camera.id).sort());
    // The restarted city's owners still know their cameras (the desk answers for them).
    const owner = city.community!.plan.owners.find((candidate) => candidate.cameras.some((camera) => camera.approve))!;
    expect(city.community!.program!.cameraIdsOf(owner.ownerId).length).toBe(owner.cameras.length);
  }, 60_000);

  it('the owners answer footage requests as the plan says: approved ones get their clip (SHA-256 matching the download), denied ones a note, the rest stay open', async () => {
    const { plan, program } = city.community!;
    const cameras = (await allCameras()).filter((camera) => camera.source !== 'CITY_VMS').slice(0, 20);
    const window = { from: new Date(clock.getTime() - 30 * 60_000), to: new Date(clock.getTime() - 10 * 60_000) };
    const asked = await hub.query<{ requestFootage: { id: string; camera: { id: string } }[] }>(
      'mutation ($input: RequestFootageInput!) { requestFootage(input: $input) { id camera { id } } }',
      { input: { cameraIds: cameras.map((camera) => camera.id), from: window.from.toISOString(), to: window.to.toISOString(), message: 'Anything on the street?' } },
    );
    expect(asked.errors).toBeUndefined();
    const requests = asked.data!.requestFootage;
    expect(requests).toHaveLength(cameras.length);
    // Before the owners' delay has passed nothing is answered; after the longest delay everything due is.
    const early = await program!.answerDue();
    expect(early).toEqual({ approved: 0, denied: 0, uploaded: 0, failed: 0 });
    clock = new Date(clock.getTime() + 91_000);
    const report = await program!.answerDue();
    const expected = requests.map((request) => plan.answerOf(request.id).kind);
    expect(report).toEqual({
      approved: expected.filter((kind) => kind === 'approve').length,
      denied: expected.filter((kind) => kind === 'deny').length,
      uploaded: expected.filter((kind) => kind === 'approve').length,
      failed: 0,
    });
    expect(report.approved).toBeGreaterThan(0);
    const scenes = new Map(plan.owners.flatMap((owner) => owner.cameras).map((camera) => [camera.name, camera]));
    for (const request of requests) {
      const body = await hub.query<{ footageRequest: { status: string; answerNote: string | null; clips: { sha256: string; contentType: string; uploadedBy: string; download: { url: string } | null }[] } }>(
        'query ($id: ID!) { footageRequest(id: $id) { status answerNote clips { sha256 contentType uploadedBy download { url } } } }',
        { id: request.id },
      );
      expect(body.errors).toBeUndefined();
      const { status, answerNote, clips } = body.data!.footageRequest;
      const kind = plan.answerOf(request.id).kind;
      expect({ id: request.id, status }).toEqual({ id: request.id, status: kind === 'approve' ? 'FULFILLED' : kind === 'deny' ? 'DENIED' : 'OPEN' });
      if (kind === 'deny') expect(answerNote).toEqual(expect.any(String));
      if (kind !== 'approve') continue;
      expect(clips).toHaveLength(1);
      const [clip] = clips;
      const camera = cameras.find((candidate) => candidate.id === request.camera.id)!;
      const planned = scenes.get(camera.name)!;
      const expectedBytes = renderFootageClip({ cameraId: planned.simCameraId, name: planned.name.replace(/ \d+$/, ''), headingDegrees: planned.headingDegrees, fieldOfViewDegrees: planned.fieldOfViewDegrees, ptz: false }, window);
      expect(clip!.contentType).toMatch(/^image\/svg\+xml/);
      expect(clip!.uploadedBy).toMatch(/^owner-/);
      const download = await fetch(new URL(clip!.download!.url, origin()));
      expect(download.status).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(sha).toBe(clip!.sha256);
      expect(download.headers.get('x-content-sha256')).toBe(sha);
      expect(sha).toBe(createHash('sha256').update(expectedBytes).digest('hex'));
    }
    // A second pass finds nothing more to do: each request is answered once.
    expect(await program!.answerDue()).toEqual({ approved: 0, denied: 0, uploaded: 0, failed: 0 });
  }, 120_000);
});

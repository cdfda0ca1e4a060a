import { createHmac } from 'node:crypto';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { type SnapshotServer, createSnapshotServer } from '../../simulator/devices';
import { FIXTURE_CAMERAS, FIXTURE_TIME, FIXTURE_UNITS, INCIDENT_POINT, loadCityFixture, ringingCall } from '../support/cityFixture';
import { destinationPoint } from '../../geo/geodesy';
import { DEFAULT_TEST_CALLER, type GraphQLBody, type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, eventually, record } from '../support/subscribeThroughGateway';
import { readApiSchema } from '../gateway/limits/limitsFixtures';

/**
 * Community Connect's isolation, through the running gateway: camera owner 1 can never read
 * owner 2's cameras, registrations, requests or contact, nor any police data (calls, incidents,
 * units, the camera directory beyond their own, the audit trail) — through every query root field
 * of the supergraph, the subscriptions, the mutations on another's objects, and the links (which
 * are capabilities: one altered to another camera or request is refused); an alarm webhook that is
 * not the owner's own, properly signed, opens nothing; expired requests and links are refused.
 */

const START = new Date(FIXTURE_TIME.getTime() + 3600_000);
const PURPOSE = 'CASE-2026-0042';

interface Owner {
  readonly id: string;
  readonly displayName: string;
  readonly contactName: string;
  readonly phone: string;
  readonly email: string;
}

const OWNER_1: Owner = { id: 'owner-iso-1', displayName: 'Basalt Books', contactName: 'Bartholomew Basalt', phone: '480-555-0166', email: 'basalt-books@example.org' };
const OWNER_2: Owner = { id: 'owner-iso-2', displayName: 'Quartz Bakery', contactName: 'Wilhelmina Quartz', phone: '480-555-0177', email: 'quartz-bakery@example.org' };

/** Police data the fixture holds, as it would show in an answer. */
const POLICE_MARKERS = [
  'call-1',
  'inc-1',
  'MPD2611230001',
  '4805550100',
  'armed robbery',
  'vms.test.invalid',
  // The supervisor who asked for footage, and the case number they asked for (police only, even on the owner's own request).
  DEFAULT_TEST_CALLER.subject,
  DEFAULT_TEST_CALLER.purpose,
  ...FIXTURE_UNITS.flatMap((unit) => [unit.id, unit.callSign]),
  ...FIXTURE_CAMERAS.map((camera) => camera.id),
];

describe('Community Connect: an owner sees only their own (isolation through the gateway)', () => {
  let hub: TestHub;
  let stills: SnapshotServer;
  let clock = START;
  /** Owner 2's (and the police's) ids and personal data: none may reach owner 1. */
  const owner2 = { registrationIds: [] as string[], cameraIds: [] as string[], requestIds: [] as string[] };
  const owner1 = { registrationIds: [] as string[], cameraIds: [] as string[], requestIds: [] as string[] };
  let alarmUrl2 = '';
  let secret1 = '';
  let secret2 = '';
  /** Owner 2's ALWAYS camera (A), registered-only camera (B) and ALARM camera (C); owner 1's camera (D). */
  let cameraA = '';
  let cameraB = '';
  let cameraC = '';
  let cameraD = '';
  let requestA = '';
  let requestD = '';

  const ownerHeaders = async (owner: Owner, purpose: string | null = PURPOSE) => ({
    authorization: `Bearer ${await hub.token({ subject: `iso-${owner.id}`, roles: ['camera-owner'], cameraOwner: owner.id })}`,
    ...(purpose ? { 'x-purpose': purpose } : {}),
  });
  const asOwner = async <T = Record<string, unknown>>(owner: Owner, query: string, variables: Record<string, unknown> = {}) =>
    (await hub.post<T>(query, variables, await ownerHeaders(owner))).body;
  /** Data of an answer that must have no errors. */
  const ok = <T>(body: GraphQLBody<T>): T => {
    expect(body.errors).toBeUndefined();
    return body.data!;
  };
  const origin = () => new URL(hub.gatewayUrl).origin;
  const at = (bearing: number, meters: number) => destinationPoint(INCIDENT_POINT, bearing, meters);

  const register = async (owner: Owner, input: Record<string, unknown>) => {
    const { registerCamera } = ok(await asOwner<{ registerCamera: { id: string; camera: { id: string } } }>(
      owner,
      'mutation ($input: RegisterCameraInput!) { registerCamera(input: $input) { id camera { id } } }',
      { input },
    ));
    const mine = owner === OWNER_1 ? owner1 : owner2;
    mine.registrationIds.push(registerCamera.id);
    mine.cameraIds.push(registerCamera.camera.id);
    const approved = ok(await hub.query<{ approveRegistration: { status: string } }>('mutation ($id: ID!) { approveRegistration(id: $id, approve: true) { status } }', { id: registerCamera.id }));
    expect(approved.approveRegistration.status).toBe('APPROVED');
    return registerCamera.camera.id;
  };

  beforeAll(async () => {
    stills = createSnapshotServer({
      sceneOf: (cameraId) => ({ cameraId, name: `Owner camera ${cameraId}`, headingDegrees: 90, fieldOfViewDegrees: 90, ptz: false }),
      now: () => clock,
    });
    await stills.listen();
    hub = await startTestHub(STORAGE_TARGETS[0]!, {
      now: () => clock,
      env: {
        COMMUNITY_PORT: '0',
        COMMUNITY_RELAY_PRIVATE_ADDRESSES: 'true',
        COMMUNITY_ACCESS_SWEEP_MS: '100',
        // The walk selects every field of a type a few levels deep, in one operation per root field.
        LIMIT_MAX_COST: '10000000',
        LIMIT_DOCUMENT_BYTES: '262144',
      },
    });
    await loadCityFixture(hub.sink);
    for (const owner of [OWNER_1, OWNER_2]) {
      ok(await asOwner(owner, 'mutation ($input: OwnerProfileInput!) { saveOwnerProfile(input: $input) { id } }', {
        input: { displayName: owner.displayName, contactName: owner.contactName, phone: owner.phone, email: owner.email, notifyBy: 'EMAIL' },
      }));
    }
    cameraA = await register(OWNER_2, {
      name: 'Quartz Bakery - Front door',
      point: at(90, 40),
      headingDegrees: 270,
      level: 'INTEGRATED',
      streamUrl: stills.streamUrlOf('o2-a'),
      snapshotUrl: stills.urlOf('o2-a'),
      terms: { mode: 'ALWAYS' },
    });
    cameraB = await register(OWNER_2, { name: 'Quartz Bakery - Parking lot', point: at(100, 60), level: 'REGISTERED' });
    cameraC = await register(OWNER_2, {
      name: 'Quartz Bakery - Back door',
      point: at(110, 60),
      level: 'INTEGRATED',
      snapshotUrl: stills.urlOf('o2-c'),
      terms: { mode: 'ALARM', alarmMinutes: 15 },
    });
    cameraD = await register(OWNER_1, {
      name: 'Basalt Books - Storefront',
      point: at(270, 40),
      headingDegrees: 90,
      level: 'INTEGRATED',
      snapshotUrl: stills.urlOf('o1-d'),
      terms: { mode: 'ALWAYS' },
    });
    const webhook = async (owner: Owner) =>
      ok(await asOwner<{ rotateAlarmSecret: { url: string; secret: string } }>(owner, 'mutation { rotateAlarmSecret { url secret } }')).rotateAlarmSecret;
    const hook2 = await webhook(OWNER_2);
    alarmUrl2 = new URL(hook2.url, origin()).href;
    secret2 = hook2.secret;
    secret1 = (await webhook(OWNER_1)).secret;
    // Police ask both owners for footage of the robbery.
    const { requestFootage } = ok(await hub.query<{ requestFootage: { id: string; camera: { id: string } }[] }>(
      'mutation ($input: RequestFootageInput!) { requestFootage(input: $input) { id camera { id } } }',
      { input: { cameraIds: [cameraA, cameraB, cameraD], from: new Date(START.getTime() - 40 * 60_000).toISOString(), to: new Date(START.getTime() - 20 * 60_000).toISOString(), message: 'Robbery nearby; anything on the street?' } },
    ));
    for (const request of requestFootage) (request.camera.id === cameraD ? owner1 : owner2).requestIds.push(request.id);
    requestA = requestFootage.find((request) => request.camera.id === cameraA)!.id;
    requestD = requestFootage.find((request) => request.camera.id === cameraD)!.id;
    for (const [owner, id] of [[OWNER_2, requestA], [OWNER_1, requestD]] as const) {
      ok(await asOwner(owner, 'mutation ($id: ID!) { answerFootageRequest(id: $id, approve: true, note: "Here it is") { status } }', { id }));
    }
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    await stills?.close();
  });

  /** Owner 2's ids and personal data, and the police data: what must never reach owner 1. */
  const forbiddenMarkers = () => [
    OWNER_2.id,
    OWNER_2.displayName,
    OWNER_2.contactName,
    OWNER_2.phone,
    OWNER_2.email,
    ...owner2.registrationIds,
    ...owner2.cameraIds,
    ...owner2.requestIds,
    '/o2-',
    ...POLICE_MARKERS,
  ];
  /** Ids owner 1 may see: their own. */
  const ownIds = () => new Set([OWNER_1.id, ...owner1.registrationIds, ...owner1.cameraIds, ...owner1.requestIds]);

  /** Every value of an id-like key in `data`. */
  const idsIn = (data: unknown): string[] => {
    const found: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (typeof value === 'string' && /^(id|cameraId|ownerId|callId|incidentId|unitId|uploadedBy)$/.test(key)) found.push(value);
          else walk(value);
        }
      }
    };
    walk(data);
    return found;
  };

  describe('every query root field of the supergraph', () => {
    let schema: GraphQLSchema;
    beforeAll(() => {
      schema = readApiSchema();
    });

    it('answers owner 1 nothing of owner 2\'s and nothing of the police\'s: refused, empty, or their own rows only', async () => {
      const fields = Object.values(schema.getQueryType()!.getFields());
      // The community fields are in the supergraph (the walk would prove nothing of them otherwise).
      expect(fields.map((field) => field.name)).toEqual(expect.arrayContaining(['me', 'registrations', 'footageRequests', 'footageRequest', 'communityProgram']));
      const candidates = () => [...owner2.registrationIds, ...owner2.cameraIds, ...owner2.requestIds, OWNER_2.id, 'inc-1', 'call-1', 'unit-a', 'cam-east', 'MPD2611230001'];
      const outcomes: string[] = [];
      const supervisorSaw = new Set<string>();
      for (const field of fields) {
        for (const operation of operationsFor(field, candidates())) {
          const asOne = await asOwner(OWNER_1, operation.query, operation.variables);
          const dataText = JSON.stringify(asOne.data ?? null);
          const leaked = forbiddenMarkers().filter((marker) => dataText.includes(marker));
          expect({ field: field.name, variables: operation.variables, leaked }).toEqual({ field: field.name, variables: operation.variables, leaked: [] });
          const foreignIds = idsIn(asOne.data).filter((id) => !ownIds().has(id));
          expect({ field: field.name, variables: operation.variables, foreignIds }).toEqual({ field: field.name, variables: operation.variables, foreignIds: [] });
          // Error messages may echo the ids owner 1 sent, never anyone's personal data.
          const errorText = JSON.stringify(asOne.errors ?? []);
          for (const marker of [OWNER_2.displayName, OWNER_2.contactName, OWNER_2.phone, OWNER_2.email, '/o2-', 'armed robbery', '4805550100']) expect(errorText).not.toContain(marker);
          outcomes.push(`${field.name}: ${asOne.errors?.length ? `refused or partial (${[...new Set(asOne.errors.map((error) => error.extensions?.code))].join(',')})` : 'answered'}`);
          // The same operation as the supervisor: the walk asks for something that exists.
          const asStaff = JSON.stringify((await hub.query(operation.query, operation.variables)).data ?? null);
          for (const marker of forbiddenMarkers()) if (asStaff.includes(marker)) supervisorSaw.add(marker);
        }
      }
      expect(outcomes.length).toBeGreaterThanOrEqual(fields.length);
      // The walk could have found them: staff see owner 2's rows and the police data through the same operations.
      expect([...supervisorSaw]).toEqual(expect.arrayContaining([OWNER_2.id, owner2.registrationIds[0], cameraA, requestA, 'inc-1', 'call-1', 'unit-a', 'cam-east']));
    }, 300_000);

    it('shows owner 1 their own through the same API (the refusals are not a broken owner session)', async () => {
      const data = ok(await asOwner<{ me: { id: string; registrations: { id: string }[] }; registrations: { edges: { node: { id: string } }[] }; footageRequests: { edges: { node: { id: string } }[] } }>(
        OWNER_1,
        '{ me { id registrations { id } } registrations { edges { node { id } } } footageRequests { edges { node { id } } } }',
      ));
      expect(data.me.id).toBe(OWNER_1.id);
      expect(data.me.registrations.map((registration) => registration.id)).toEqual(owner1.registrationIds);
      expect(data.registrations.edges.map((edge) => edge.node.id)).toEqual(owner1.registrationIds);
      expect(data.footageRequests.edges.map((edge) => edge.node.id)).toEqual([requestD]);
    });
  });

  it('refuses owner 1 every mutation on owner 2\'s cameras and requests, and owner 2\'s stay as they were', async () => {
    const attempts: [string, Record<string, unknown>][] = [
      ['mutation ($id: ID!) { setSharingTerms(cameraId: $id, terms: { mode: NEVER }) { id } }', { id: cameraA }],
      ['mutation ($id: ID!) { setSharingTerms(cameraId: $id, terms: { mode: ALWAYS, level: INTEGRATED }) { id } }', { id: cameraB }],
      ['mutation ($id: ID!) { withdrawCamera(cameraId: $id, erase: true) { cameraId } }', { id: cameraA }],
      ['mutation ($id: ID!) { withdrawCamera(cameraId: $id, erase: false) { cameraId } }', { id: cameraC }],
      ['mutation ($id: ID!) { answerFootageRequest(id: $id, approve: false, note: "no") { id } }', { id: owner2.requestIds.find((id) => id !== requestA)! }],
      ['mutation ($id: ID!) { footageUploadLink(requestId: $id) { url } }', { id: requestA }],
      ['mutation ($id: ID!) { approveRegistration(id: $id, approve: false, note: "spite") { id } }', { id: owner2.registrationIds[0] }],
      ['mutation ($input: RequestFootageInput!) { requestFootage(input: $input) { id } }', { input: { cameraIds: [cameraA], from: new Date(START.getTime() - 600_000).toISOString(), to: START.toISOString() } }],
    ];
    for (const [query, variables] of attempts) {
      const body = await asOwner(OWNER_1, query, variables);
      expect({ query, data: Object.values(body.data ?? {}).filter((value) => value !== null) }).toEqual({ query, data: [] });
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toContain(OWNER_2.contactName);
    }
    const after = ok(await hub.query<{ registrations: { edges: { node: { id: string; status: string; level: string; terms: { mode: string } } }[] } }>(
      '{ registrations(first: 100) { edges { node { id status level terms { mode } } } } }',
    )).registrations.edges.map((edge) => edge.node);
    const ofOwner2 = after.filter((registration) => owner2.registrationIds.includes(registration.id));
    expect(ofOwner2.map(({ status, level, terms }) => [status, level, terms.mode])).toEqual(
      expect.arrayContaining([
        ['APPROVED', 'INTEGRATED', 'ALWAYS'],
        ['APPROVED', 'REGISTERED', 'NEVER'],
        ['APPROVED', 'INTEGRATED', 'ALARM'],
      ]),
    );
    expect(ofOwner2).toHaveLength(3);
    const requests = ok(await hub.query<{ footageRequests: { edges: { node: { id: string; status: string } }[] } }>('{ footageRequests(first: 100) { edges { node { id status } } } }'));
    const statusOf = new Map(requests.footageRequests.edges.map((edge) => [edge.node.id, edge.node.status]));
    expect(owner2.requestIds.map((id) => statusOf.get(id)).sort()).toEqual(['APPROVED', 'OPEN']);
  });

  describe('subscriptions', () => {
    it('cameraAccessChanged gives owner 1 nothing of owner 2\'s cameras, asked for by id or not (refused, or their own camera only), while the police hear of them', async () => {
      const ownerClient = createGatewayClient(hub.gatewayUrl, { connectionParams: async () => ({ Authorization: (await ownerHeaders(OWNER_1)).authorization }) });
      const policeClient = createGatewayClient(hub.gatewayUrl);
      type Change = { cameraAccessChanged: { cameraId: string } };
      try {
        const police = record<Change>(policeClient, 'subscription ($ids: [ID!]) { cameraAccessChanged(cameraIds: $ids) { cameraId reason } }', { ids: [cameraA, cameraD] });
        const byId = record<Change>(ownerClient, 'subscription ($ids: [ID!]) { cameraAccessChanged(cameraIds: $ids) { cameraId reason access { liveNow level } camera { id } } }', { ids: [cameraA, cameraC, cameraD] });
        const all = record<Change>(ownerClient, 'subscription { cameraAccessChanged { cameraId reason camera { id } } }');
        const flip = async (owner: Owner, cameraId: string) => {
          for (const mode of ['NEVER', 'ALWAYS']) ok(await asOwner(owner, `mutation ($id: ID!) { setSharingTerms(cameraId: $id, terms: { mode: ${mode} }) { id } }`, { id: cameraId }));
        };
        // Until the police subscription is live, each flip may go unheard; then owner 2's camera changes for certain.
        await eventually(async () => {
          await flip(OWNER_2, cameraA);
          return police.events.some((event) => event.cameraAccessChanged.cameraId === cameraA);
        }, 15_000, 'the police to hear of owner 2\'s camera');
        // Owner 1's own camera changes too: an owner subscription that is served hears of it.
        await eventually(async () => {
          await flip(OWNER_1, cameraD);
          const heardOwn = (recorded: typeof byId) => recorded.events.some((event) => event.cameraAccessChanged.cameraId === cameraD);
          return police.events.some((event) => event.cameraAccessChanged.cameraId === cameraD) && (byId.errors.length > 0 || heardOwn(byId)) && (all.errors.length > 0 || heardOwn(all));
        }, 15_000, 'owner 1\'s subscriptions to be refused or hear of their own camera');
        for (const recorded of [byId, all]) {
          expect(recorded.events.map((event) => event.cameraAccessChanged.cameraId).filter((id) => id !== cameraD)).toEqual([]);
          expect(JSON.stringify(recorded.events)).not.toContain(OWNER_2.id);
          if (recorded.errors.length > 0) {
            expect(recorded.events).toEqual([]);
            expect(JSON.stringify(recorded.errors)).toContain('FORBIDDEN');
          }
        }
        police.stop();
        byId.stop();
        all.stop();
      } finally {
        await ownerClient.dispose();
        await policeClient.dispose();
      }
    }, 60_000);

    it('every subscription root field of the supergraph brings owner 1 nothing of owner 2\'s or the police\'s while the police hear of it', async () => {
      const schema = readApiSchema();
      const fields = Object.values(schema.getSubscriptionType()!.getFields());
      expect(fields.map((field) => field.name)).toEqual(expect.arrayContaining(['cameraAccessChanged', 'footageRequestChanged', 'unitPositions', 'incidentChanged', 'callReceived']));
      const ownerClient = createGatewayClient(hub.gatewayUrl, { connectionParams: async () => ({ Authorization: (await ownerHeaders(OWNER_1)).authorization, 'X-Purpose': PURPOSE }) });
      const policeClient = createGatewayClient(hub.gatewayUrl);
      try {
        const walked = fields.map((field) => ({
          field: field.name,
          owner: record(ownerClient, `subscription { ${field.name} ${selectionOf(field.type, 1) ?? ''} }`),
          police: record(policeClient, `subscription { ${field.name} { __typename } }`),
        }));
        let round = 0;
        /** One of everything the subscriptions report: police events through the sink, owner 2's camera, a footage request. */
        const happen = async () => {
          round += 1;
          const envelope = { eventId: `walk-${round}-`, source: 'walk', occurredAt: clock.toISOString() };
          const events = [
            { type: 'position.fix', unitId: 'unit-a', point: at(10, 300 + round), headingDegrees: 90, speedKph: 30, fixAt: new Date(clock.getTime() + round * 1000).toISOString() },
            { type: 'unit.statusChanged', unitId: 'unit-a', callSign: '1A11', status: round % 2 === 0 ? 'AVAILABLE' : 'ENROUTE', incidentId: null },
            { ...ringingCall(`call-walk-${round}`), source: 'walk', occurredAt: clock.toISOString() },
            { type: 'call.updated', callId: `call-walk-${round}`, state: 'ACTIVE' },
            { type: 'incident.created', incidentId: `inc-walk-${round}`, number: `MPD261123${String(9000 + round)}`, typeCode: 'THEFT', typeText: 'Theft', priority: 2, status: 'PENDING', location: { point: INCIDENT_POINT, address: null, uncertaintyMeters: 10 }, reportedAt: clock.toISOString(), narrative: 'walk narrative', callIds: [] },
            { type: 'camera.statusChanged', cameraId: 'cam-east', status: round % 2 === 0 ? 'ONLINE' : 'OFFLINE' },
          ];
          for (const [index, event] of events.entries()) await hub.sink.emit({ ...envelope, eventId: `${envelope.eventId}${index}`, ...event } as Parameters<typeof hub.sink.emit>[0]);
          for (const mode of ['NEVER', 'ALWAYS']) ok(await asOwner(OWNER_2, `mutation ($id: ID!) { setSharingTerms(cameraId: $id, terms: { mode: ${mode} }) { id } }`, { id: cameraA }));
          ok(await hub.query('mutation ($input: RequestFootageInput!) { requestFootage(input: $input) { id } }', {
            input: { cameraIds: [cameraB], from: new Date(clock.getTime() - 40 * 60_000).toISOString(), to: new Date(clock.getTime() - 30 * 60_000).toISOString() },
          }));
        };
        await eventually(async () => {
          await happen();
          return walked.every(({ police }) => police.events.length > 0);
        }, 30_000, 'the police to hear of each subscription');
        // One round more, now that every subscription is live for certain.
        await happen();
        await eventually(async () => walked.every(({ police }) => police.events.length >= 2), 15_000, 'the last round to reach the police');
        for (const { field, owner } of walked) {
          const text = JSON.stringify(owner.events);
          const leaked = [...forbiddenMarkers(), 'call-walk-', 'inc-walk-', 'walk narrative'].filter((marker) => text.includes(marker));
          expect({ field, leaked }).toEqual({ field, leaked: [] });
          expect({ field, foreignIds: idsIn(owner.events).filter((id) => !ownIds().has(id)) }).toEqual({ field, foreignIds: [] });
        }
        for (const { owner, police } of walked) {
          owner.stop();
          police.stop();
        }
      } finally {
        await ownerClient.dispose();
        await policeClient.dispose();
      }
    }, 90_000);

    it('footageRequestChanged is refused to an owner (owners are notified and query their own)', async () => {
      const client = createGatewayClient(hub.gatewayUrl, { connectionParams: async () => ({ Authorization: (await ownerHeaders(OWNER_1)).authorization }) });
      try {
        const changes = record(client, 'subscription { footageRequestChanged { id status camera { id } } }');
        await eventually(async () => changes.errors.length > 0 || changes.completed, 10_000, 'the subscription to be refused');
        expect(changes.events).toEqual([]);
        expect(JSON.stringify(changes.errors)).toMatch(/FORBIDDEN|notified|footage:request/);
      } finally {
        await client.dispose();
      }
    });
  });

  describe('links are capabilities', () => {
    /** A link with its token's signed claims changed by `alter` (the signature kept). */
    const tampered = (url: string, alter: (body: { k: string; e: number; c: Record<string, string> }) => void) => {
      const path = new URL(url, origin());
      const token = path.pathname.split('/').pop()!;
      const [payload, signature] = token.split('.') as [string, string];
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: string; e: number; c: Record<string, string> };
      alter(body);
      const forged = `${Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')}.${signature}`;
      return new URL(path.pathname.replace(token, forged), origin()).href;
    };
    const snapshotLinkOf = async (cameraId: string) => {
      const data = ok(await hub.query<{ camera: { access: { liveNow: boolean; snapshotUrl: string | null } } }>('query ($id: ID!) { camera(id: $id) { access { liveNow snapshotUrl } } }', { id: cameraId }));
      expect(data.camera.access.liveNow).toBe(true);
      return new URL(data.camera.access.snapshotUrl!, origin()).href;
    };
    const replaceAll = (claims: Record<string, string>, from: string, to: string) => {
      for (const key of Object.keys(claims)) claims[key] = claims[key]!.split(from).join(to);
    };

    it('a still link of owner 2\'s camera works as issued, and refuses (403, JSON) once altered to owner 1\'s camera, re-timed, re-kinded or re-signed', async () => {
      const link = await snapshotLinkOf(cameraA);
      const fine = await fetch(link);
      expect(fine.status).toBe(200);
      expect(await fine.text()).toContain('o2-a');
      const forgeries = [
        tampered(link, (body) => replaceAll(body.c, cameraA, cameraD)),
        tampered(link, (body) => {
          body.e += 3600_000;
        }),
        tampered(link, (body) => {
          body.k = 'download';
        }),
        link.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')),
        link.replace('/community/media/', '/community/download/'),
      ];
      for (const forged of forgeries) {
        const response = await fetch(forged);
        expect({ forged, status: response.status }).toEqual({ forged, status: 403 });
        const text = await response.text();
        expect(text).not.toContain('o1-d');
        expect(text).not.toContain('<svg');
      }
      expect(forgeries.length).toBe(5);
    });

    it('an upload link for owner 2\'s request cannot be turned into one for owner 1\'s request (the PUT is refused and stores nothing)', async () => {
      const { footageUploadLink } = ok(await asOwner<{ footageUploadLink: { url: string } }>(OWNER_2, 'mutation ($id: ID!) { footageUploadLink(requestId: $id) { url } }', { id: requestA }));
      const link = new URL(footageUploadLink.url, origin()).href;
      const forged = tampered(link, (body) => replaceAll(body.c, requestA, requestD));
      const refused = await fetch(forged, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: new Uint8Array(Buffer.from('forged clip')) });
      expect(refused.status).toBe(403);
      await refused.text();
      const requestOf = async (id: string) =>
        ok(await hub.query<{ footageRequest: { status: string; clips: { sha256: string }[] } }>('query ($id: ID!) { footageRequest(id: $id) { status clips { sha256 } } }', { id })).footageRequest;
      expect(await requestOf(requestD)).toEqual({ status: 'APPROVED', clips: [] });
      expect(await requestOf(requestA)).toEqual({ status: 'APPROVED', clips: [] });
    });
  });

  describe('the alarm webhook', () => {
    const post = (url: string, { secret, timestamp, body, headers = {} }: { secret: string; timestamp: number; body: string; headers?: Record<string, string> }) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-rtcc-timestamp': String(timestamp),
          'x-rtcc-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
          ...headers,
        },
        body,
      });
    const accessOfC = async () =>
      ok(await hub.query<{ camera: { access: { liveNow: boolean } } }>('query ($id: ID!) { camera(id: $id) { access { liveNow } } }', { id: cameraC })).camera.access.liveNow;
    const activeUntil2 = async () => ok(await asOwner<{ me: { alarmWebhook: { activeUntil: string | null } } }>(OWNER_2, '{ me { alarmWebhook { activeUntil } } }')).me.alarmWebhook.activeUntil;

    it('opens nothing with a wrong secret, a stale or future timestamp, another owner\'s secret, a bad body, no signature or an unknown owner; the owner\'s own signed call opens the alarm camera', async () => {
      const nowSeconds = () => Math.floor(clock.getTime() / 1000);
      const good = '{"active":true}';
      const unknownOwner = alarmUrl2.replace(OWNER_2.id, 'owner-nobody');
      const signedOver = (signedBody: string) => `sha256=${createHmac('sha256', secret2).update(`${nowSeconds()}.${signedBody}`).digest('hex')}`;
      const refusals: [string, number, () => Promise<Response>][] = [
        ['wrong secret', 401, () => post(alarmUrl2, { secret: 'not-the-secret-at-all', timestamp: nowSeconds(), body: good })],
        ['another owner\'s secret', 401, () => post(alarmUrl2, { secret: secret1, timestamp: nowSeconds(), body: good })],
        ['stale timestamp', 401, () => post(alarmUrl2, { secret: secret2, timestamp: nowSeconds() - 301, body: good })],
        ['future timestamp', 401, () => post(alarmUrl2, { secret: secret2, timestamp: nowSeconds() + 301, body: good })],
        ['bad body: not JSON', 400, () => post(alarmUrl2, { secret: secret2, timestamp: nowSeconds(), body: '{active:true' })],
        ['bad body: not a boolean', 400, () => post(alarmUrl2, { secret: secret2, timestamp: nowSeconds(), body: '{"active":"yes"}' })],
        ['bad body: an extra key', 400, () => post(alarmUrl2, { secret: secret2, timestamp: nowSeconds(), body: '{"active":true,"minutes":1440}' })],
        ['no signature', 401, () => fetch(alarmUrl2, { method: 'POST', headers: { 'content-type': 'application/json', 'x-rtcc-timestamp': String(nowSeconds()) }, body: good })],
        ['unknown owner', 401, () => post(unknownOwner, { secret: secret2, timestamp: nowSeconds(), body: good })],
        ['malformed owner id', 400, () => post(alarmUrl2.replace(OWNER_2.id, '%00%0a..'), { secret: secret2, timestamp: nowSeconds(), body: good })],
        ['signed over another body', 401, () => post(alarmUrl2, { secret: secret2, timestamp: nowSeconds(), body: good, headers: { 'x-rtcc-signature': signedOver('{"active":false}') } })],
      ];
      for (const [what, expected, send] of refusals) {
        const response = await send();
        const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
        expect({ what, status: response.status, coded: typeof body?.error?.code }).toEqual({ what, status: expected, coded: 'string' });
        expect(await accessOfC()).toBe(false);
      }
      expect(await activeUntil2()).toBeNull();
      // Owner 1's own secret on owner 1's own webhook opens nothing of owner 2's.
      const own1 = await post(alarmUrl2.replace(OWNER_2.id, OWNER_1.id), { secret: secret1, timestamp: nowSeconds(), body: good });
      await own1.text();
      expect(await accessOfC()).toBe(false);
      // The owner's own alarm, properly signed: the ALARM camera shares.
      const acceptedAt = nowSeconds();
      const accepted = await post(alarmUrl2, { secret: secret2, timestamp: acceptedAt, body: good });
      expect(accepted.status).toBe(200);
      await accepted.text();
      expect(await accessOfC()).toBe(true);
      // Camera C shares for its own alarmMinutes (15).
      const { camera } = ok(await hub.query<{ camera: { access: { liveUntil: string | null } } }>('query ($id: ID!) { camera(id: $id) { access { liveUntil } } }', { id: cameraC }));
      expect(camera.access.liveUntil).toBe(new Date(clock.getTime() + 15 * 60_000).toISOString());
      expect(await activeUntil2()).not.toBeNull();
      // And closed again by the owner.
      const closed = await post(alarmUrl2, { secret: secret2, timestamp: nowSeconds(), body: '{"active":false}' });
      expect(closed.status).toBe(200);
      await closed.text();
      expect(await accessOfC()).toBe(false);
      // The accepted call sent again (a replay within the window) opens nothing.
      const replayed = await post(alarmUrl2, { secret: secret2, timestamp: acceptedAt, body: good });
      expect(replayed.status).toBe(401);
      await replayed.text();
      expect(await accessOfC()).toBe(false);
    });
  });

  describe('expiry (the hub\'s clock moved)', () => {
    it('a still link stops working after COMMUNITY_LINK_TTL_SECONDS, upload and download links after theirs, and a request past its TTL expires and cannot be answered', async () => {
      const media = ok(await hub.query<{ camera: { access: { snapshotUrl: string } } }>('query ($id: ID!) { camera(id: $id) { access { snapshotUrl } } }', { id: cameraA })).camera.access.snapshotUrl;
      const mediaLink = new URL(media, origin()).href;
      const upload = ok(await asOwner<{ footageUploadLink: { url: string; expiresAt: string } }>(OWNER_1, 'mutation ($id: ID!) { footageUploadLink(requestId: $id) { url expiresAt } }', { id: requestD })).footageUploadLink;
      const uploadLink = new URL(upload.url, origin()).href;
      const openRequest = owner2.requestIds.find((id) => id !== requestA)!;
      // Owner 2 delivers request A's clip in time; the police's download link works, for a while.
      const put = ok(await asOwner<{ footageUploadLink: { url: string } }>(OWNER_2, 'mutation ($id: ID!) { footageUploadLink(requestId: $id) { url } }', { id: requestA })).footageUploadLink;
      const stored = await fetch(new URL(put.url, origin()), { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: new Uint8Array(Buffer.from('a clip of the street')) });
      expect(stored.status).toBeLessThan(300);
      await stored.text();
      const { footageRequest: fulfilled } = ok(await hub.query<{ footageRequest: { status: string; clips: { download: { url: string; expiresAt: string } }[] } }>(
        'query ($id: ID!) { footageRequest(id: $id) { status clips { download { url expiresAt } } } }',
        { id: requestA },
      ));
      expect(fulfilled.status).toBe('FULFILLED');
      const downloadLink = new URL(fulfilled.clips[0]!.download.url, origin()).href;
      const downloaded = await fetch(downloadLink);
      expect(downloaded.status).toBe(200);
      expect(Buffer.from(await downloaded.arrayBuffer()).toString('utf8')).toBe('a clip of the street');

      clock = new Date(clock.getTime() + 61_000);
      const lateMedia = await fetch(mediaLink);
      expect(lateMedia.status).toBe(403);
      expect(((await lateMedia.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));

      clock = new Date(Date.parse(upload.expiresAt) + 1000);
      const lateUpload = await fetch(uploadLink, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: new Uint8Array(Buffer.from('late clip')) });
      expect(lateUpload.status).toBe(403);
      await lateUpload.text();

      clock = new Date(Date.parse(fulfilled.clips[0]!.download.expiresAt) + 1000);
      const lateDownload = await fetch(downloadLink);
      expect(lateDownload.status).toBe(403);
      expect(await lateDownload.text()).not.toContain('a clip of the street');

      // 72 h (COMMUNITY_FOOTAGE_REQUEST_TTL_HOURS) after the request: the sweep marks it EXPIRED, and an answer is refused.
      clock = new Date(START.getTime() + 73 * 3600_000);
      await eventually(async () => {
        const { footageRequest } = ok(await hub.query<{ footageRequest: { status: string } }>('query ($id: ID!) { footageRequest(id: $id) { status } }', { id: openRequest }));
        return footageRequest.status === 'EXPIRED';
      }, 15_000, 'the open request to expire');
      const late = await asOwner(OWNER_2, 'mutation ($id: ID!) { answerFootageRequest(id: $id, approve: true, note: "sorry, late") { id status } }', { id: openRequest });
      expect(late.data?.answerFootageRequest ?? null).toBeNull();
      expect(late.errors?.length).toBeGreaterThan(0);
      const linkForExpired = await asOwner(OWNER_2, 'mutation ($id: ID!) { footageUploadLink(requestId: $id) { url } }', { id: openRequest });
      expect(linkForExpired.data?.footageUploadLink ?? null).toBeNull();
      const { footageRequest } = ok(await hub.query<{ footageRequest: { status: string; answeredAt: string | null } }>('query ($id: ID!) { footageRequest(id: $id) { status answeredAt } }', { id: openRequest }));
      expect(footageRequest).toEqual({ status: 'EXPIRED', answeredAt: null });
    }, 60_000);
  });

  describe('every mutation root field of the supergraph', () => {
    /** What owner 2 and the police hold, as staff see it (the audit trail, which grows with every attempt, aside). */
    const othersState = async () => {
      const body = await hub.query(`{
        registrations(first: 100) { edges { node { id name status level terms { mode alarmMinutes schedule { day from to } } owner { id displayName contact { name phone email notifyBy } alarmWebhook { configured activeUntil } } } } }
        footageRequests(first: 100) { edges { node { id status answeredAt answerNote clips { sha256 uploadedBy } } } }
        incident(id: "inc-1") { id status priority narrative }
        call(id: "call-1") { id state }
        units(first: 100) { edges { node { id status } } }
        cameras(first: 100) { edges { node { id name status source } } }
        devices { deviceId unit { id } }
      }`);
      expect(body.errors).toBeUndefined();
      const data = body.data as { registrations: { edges: { node: { owner: { id: string } | null } }[] } } & Record<string, unknown>;
      // Owner 1's own rows may change (their profile, their secret): only the others' are compared.
      return { ...data, registrations: data.registrations.edges.filter((edge) => edge.node.owner?.id !== OWNER_1.id) };
    };

    it('lets owner 1 change nothing of owner 2\'s or the police\'s, given owner 2\'s and police ids for every id or text it takes', async () => {
      const schema = readApiSchema();
      const fields = Object.values(schema.getMutationType()!.getFields());
      expect(fields.map((field) => field.name)).toEqual(expect.arrayContaining(['registerCamera', 'approveRegistration', 'setSharingTerms', 'withdrawCamera', 'requestFootage', 'answerFootageRequest', 'footageUploadLink']));
      const candidates = [...owner2.registrationIds, ...owner2.cameraIds, ...owner2.requestIds, OWNER_2.id, 'inc-1', 'call-1', 'unit-a', 'cam-east'];
      const before = await othersState();
      let operations = 0;
      for (const field of fields) {
        for (const operation of operationsFor(field, candidates, 'mutation')) {
          operations += 1;
          const body = await asOwner(OWNER_1, operation.query, operation.variables);
          const text = JSON.stringify(body.data ?? null);
          expect({ field: field.name, variables: operation.variables, leaked: forbiddenMarkers().filter((marker) => text.includes(marker)) }).toEqual({ field: field.name, variables: operation.variables, leaked: [] });
          expect({ field: field.name, foreignIds: idsIn(body.data).filter((id) => !ownIds().has(id)) }).toEqual({ field: field.name, foreignIds: [] });
        }
      }
      expect(operations).toBeGreaterThan(fields.length);
      expect(await othersState()).toEqual(before);
    }, 300_000);
  });
});

/** Upper bound of how deep the walk selects below a root field. */
const WALK_DEPTH = 4;

/**
 * The operations that exercise one root field: its return type selected a few levels deep (every
 * field that takes no required argument), with each candidate for an ID or String argument it
 * requires, and plausible values for the rest (an area around the fixture, times before now).
 */
function operationsFor(
  field: GraphQLField<unknown, unknown>,
  candidates: readonly string[],
  kind: 'query' | 'mutation' = 'query',
): { query: string; variables: Record<string, unknown> }[] {
  const selection = selectionOf(field.type, 0);
  if (selection === null) return [];
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const textual = required.filter((arg) => ['ID', 'String'].includes(getNamedType(arg.type).name));
  const combos: Record<string, unknown>[] = textual.length === 0 ? [{}] : candidates.map((candidate) => Object.fromEntries(textual.map((arg) => [arg.name, isListType(getNullableType(arg.type)) ? [candidate] : candidate])));
  return combos.map((combo) => {
    const variables: Record<string, unknown> = {};
    for (const arg of required) variables[arg.name] = arg.name in combo ? combo[arg.name] : valueOf(arg.type, arg);
    const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`);
    const args = required.map((arg) => `${arg.name}: $${arg.name}`);
    return {
      query: `${kind}${declarations.length ? ` (${declarations.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selection} }`,
      variables,
    };
  });
}

/** Every field of the type that takes no required argument, `WALK_DEPTH` levels deep; '' for a leaf, null when too deep. */
function selectionOf(type: GraphQLOutputType, depth: number): string | null {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (depth >= WALK_DEPTH) return null;
  if (isAbstractType(named)) return '{ __typename }';
  if (!isObjectType(named)) return null;
  const parts: string[] = [];
  for (const child of Object.values(named.getFields())) {
    if (child.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const sub = selectionOf(child.type, depth + 1);
    if (sub === null) continue;
    parts.push(sub === '' ? child.name : `${child.name} ${sub}`);
  }
  return `{ ${parts.length > 0 ? parts.join(' ') : '__typename'} }`;
}

/** A plausible value of a required argument that is not a candidate id. */
function valueOf(type: GraphQLInputType, arg?: GraphQLArgument): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [valueOf(nullable.ofType as GraphQLInputType)];
  const named = getNamedType(nullable);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named)) {
    if (named.name === 'AreaInput') return { circle: { center: INCIDENT_POINT, radiusMeters: 20_000 } };
    if (named.name === 'GeoPointInput') return INCIDENT_POINT;
    return Object.fromEntries(
      Object.values(named.getFields())
        .filter((input) => isNonNullType(input.type) && input.defaultValue === undefined)
        .map((input) => [input.name, valueOf(input.type)]),
    );
  }
  switch (named.name) {
    case 'Int':
      return 10;
    case 'Float':
      return arg?.name.toLowerCase().includes('radius') ? 20_000 : 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return FIXTURE_TIME.toISOString();
    default:
      return 'x';
  }
}

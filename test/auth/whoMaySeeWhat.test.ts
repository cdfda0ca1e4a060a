import { createDevIssuer } from '../../auth/createDevIssuer';
import { DEV_ISSUER } from '../../auth/createDevIssuer';
import { INCIDENT_POINT, loadCityFixture, ringingCall } from '../support/cityFixture';
import { type GraphQLBody, type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, record, waitUntil } from '../support/subscribeThroughGateway';

const target = STORAGE_TARGETS[0]!;

/** Error codes of a body, by the path they carry. */
const codes = (body: GraphQLBody<unknown>) => (body.errors ?? []).map((error) => `${(error.path ?? []).join('.')}:${String(error.extensions?.code)}`);

describe('who may see what, through the running gateway with real tokens', () => {
  let hub: TestHub;
  const as = async (roles: string[], query: string, options: { purpose?: string; claims?: Record<string, unknown> } = {}) => {
    const token = await hub.token({ subject: `user-${roles.join('-')}`, roles, ...options.claims });
    return hub.post<Record<string, unknown>>(query, {}, { authorization: `Bearer ${token}`, ...(options.purpose ? { 'x-purpose': options.purpose } : {}) });
  };

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  describe('authentication', () => {
    it('refuses a request without a token: nothing is public', async () => {
      const { status, body } = await hub.post('{ calls { edges { node { id } } } }', {}, {});
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    });

    it('refuses malformed, expired, foreign-signed and wrong-audience tokens with the reason', async () => {
      const foreign = await createDevIssuer({ issuer: DEV_ISSUER, audience: 'rtcc-hub', keyFile: 'memory' });
      const otherAudience = await createDevIssuer({ issuer: DEV_ISSUER, audience: 'another-app', keyFile: 'memory' });
      const cases: [string, string, RegExp][] = [
        ['garbage', 'Bearer not.a.jwt', /malformed|could not be verified/],
        ['expired', `Bearer ${await hub.token({ subject: 'late', ttlSeconds: -120 })}`, /expired/],
        ['foreign key', `Bearer ${await foreign.sign({ subject: 'mallory', roles: ['supervisor'] })}`, /signed by a key|signature/],
        ['audience', `Bearer ${await otherAudience.sign({ subject: 'aud', roles: ['supervisor'] })}`, /signature|key|aud/],
        ['not bearer', 'Basic dXNlcjpwYXNz', /Bearer/],
      ];
      for (const [name, authorization, reason] of cases) {
        const { status, body } = await hub.post('{ calls { edges { node { id } } } }', {}, { authorization });
        expect({ name, status, code: body.errors?.[0]?.extensions?.code }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
        expect(body.errors?.[0]?.message).toMatch(reason);
      }
    });
  });

  describe('field-level authorization by role', () => {
    const CALLS = '{ calls { edges { node { id state callbackNumber } } } }';

    it('operator: reads calls with the callback number (purpose stated); device admin is withheld', async () => {
      const { body } = await as(['operator'], `{ calls { edges { node { id callbackNumber } } } devices { deviceId } }`, { purpose: 'CASE-1' });
      const edges = (body.data?.calls as { edges: { node: { id: string; callbackNumber: string | null } }[] }).edges;
      expect(edges.map((edge) => edge.node)).toContainEqual({ id: 'call-1', callbackNumber: '4805550100' });
      expect(body.data?.devices).toBeNull();
      expect(codes(body)).toEqual(['devices:FORBIDDEN']);
    });

    it('restricted fields without a stated purpose refuse the whole operation (28 CFR 23.20)', async () => {
      const refused = await as(['operator'], CALLS);
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED');
      expect(refused.body.errors?.[0]?.message).toMatch(/Call\.callbackNumber/);
      expect(refused.body.data ?? null).toBeNull();
      // Without restricted fields no purpose is needed.
      const plain = await as(['operator'], '{ calls { edges { node { id state } } } }');
      expect(plain.status).toBe(200);
      expect(plain.body.errors).toBeUndefined();
    });

    it('a caller who may not read a restricted field gets null and FORBIDDEN with its path, and the rest', async () => {
      // A camera owner may read cameras and video, not calls.
      const { body } = await as(['camera-owner'], `{ calls { edges { node { id } } } cameras(first: 2) { edges { node { id streams { url } } } } }`, { purpose: 'REQ-7' });
      expect(codes(body)).toContain('calls:FORBIDDEN');
      expect(body.data?.calls).toBeNull();
      // The rest is delivered: cameras, limited to the owner's own (none of the fixture's are theirs).
      expect(body.data?.cameras).toEqual({ edges: [] });
    });

    it('nested restricted fields are withheld per item, the rest of each item delivered', async () => {
      // An officer reads incidents but not device assignments; a partner reads incidents but not their units or calls.
      const { body } = await as(['partner'], `{ incidents { edges { node { number typeText priority status reportedAt units { callSign } calls { id } } } } }`, { claims: { department: 'mesa-transportation' } });
      const node = (body.data?.incidents as { edges: { node: Record<string, unknown> }[] }).edges[0]?.node;
      expect(node).toMatchObject({ number: 'MPD2611230001', typeText: expect.any(String), priority: expect.any(Number), units: null, calls: null });
      expect(codes(body).sort()).toEqual(['incidents.edges.0.node.calls:FORBIDDEN', 'incidents.edges.0.node.units:FORBIDDEN']);
    });

    it('auditor: the audit log only', async () => {
      const { body } = await as(['auditor'], CALLS.replace('callbackNumber', ''));
      expect(codes(body)).toEqual(['calls:FORBIDDEN']);
    });

    it('adapter service account: ingest only', async () => {
      const { body } = await as(['adapter'], '{ adapters { name } calls { edges { node { id } } } }');
      expect(Array.isArray(body.data?.adapters)).toBe(true);
      expect(codes(body)).toEqual(['calls:FORBIDDEN']);
    });

    it('a mutation the caller may not run is refused before it runs', async () => {
      const { status, body } = await as(['officer'], `mutation { pointCamera(cameraId: "cam-a", target: { lat: 33.415, lon: -111.83 }) { panDegrees } }`, { purpose: 'CASE-2' });
      expect(status).toBe(403);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]?.message).toMatch(/cameras:control/);
    });
  });

  describe('city partners: data minimisation', () => {
    it('sees incident locations generalised to a ~150 m grid and the hundred block, server side', async () => {
      const { body } = await as(['partner'], '{ incidents { edges { node { number location { point { lat lon } address uncertaintyMeters } } } } }');
      const location = (body.data?.incidents as { edges: { node: { location: { point: { lat: number; lon: number }; address: string; uncertaintyMeters: number } } }[] })
        .edges[0]?.node.location;
      expect(location?.address).toBe('0 block of E Main St, Mesa, AZ');
      expect(location?.uncertaintyMeters).toBeGreaterThanOrEqual(106);
      expect(location?.point).not.toEqual(INCIDENT_POINT);
      // Within one grid cell of the truth, and on the grid (the same cell gives the same point).
      expect(Math.abs((location?.point.lat ?? 0) - INCIDENT_POINT.lat)).toBeLessThan(150 / 111_320);
      const operator = await as(['operator'], '{ incidents { edges { node { location { point { lat lon } address } } } } }');
      expect((operator.body.data?.incidents as { edges: { node: { location: { address: string } } }[] }).edges[0]?.node.location.address).toBe('20 E Main St, Mesa, AZ');
    });
  });

  describe('subscriptions', () => {
    it('refuses a connection without a token', async () => {
      const client = createGatewayClient(hub.gatewayUrl, { connectionParams: {} });
      const subscription = record(client, 'subscription { callReceived { id } }');
      await expect(subscription.waitFor(1, 5000)).rejects.toThrow();
      expect(JSON.stringify(subscription.errors)).toMatch(/4401|Not authenticated/);
      await client.dispose();
    });

    it('ends a subscription with its token: the first event after expiry closes the connection (4401)', async () => {
      const token = await hub.token({ subject: 'op-short', roles: ['operator'], ttlSeconds: 2 });
      const client = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${token}` } });
      const calls = record<{ callReceived: { id: string } }>(client, 'subscription { callReceived { id } }');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const call = (callId: string) => hub.sink.emit(ringingCall(callId));
      await call('short-before');
      await calls.waitFor(1);
      // JWT expiry has one-second resolution: wait past it.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await call('short-after');
      await waitUntil(() => calls.errors.length > 0 || calls.completed, 5000, () => 'the subscription to end');
      expect(calls.events.map((event) => event.callReceived.id)).toEqual(['short-before']);
      expect(JSON.stringify(calls.errors)).toMatch(/4401|Token expired/);
      await client.dispose();
    });

    it('checks at subscribe time: a root field the caller may not read, or restricted fields without purpose', async () => {
      const partnerToken = await hub.token({ subject: 'partner-1', roles: ['partner'] });
      const partner = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${partnerToken}` } });
      const denied = record(partner, 'subscription { callReceived { id } }');
      await expect(denied.waitFor(1, 5000)).rejects.toThrow();
      expect(JSON.stringify(denied.errors)).toMatch(/FORBIDDEN|Not authorized/);
      const operatorToken = await hub.token({ subject: 'op-1', roles: ['operator'] });
      const operator = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${operatorToken}` } });
      const noPurpose = record(operator, 'subscription { callReceived { id callbackNumber } }');
      await expect(noPurpose.waitFor(1, 5000)).rejects.toThrow();
      expect(JSON.stringify(noPurpose.errors)).toMatch(/PURPOSE_REQUIRED|X-Purpose/);
      await Promise.all([partner.dispose(), operator.dispose()]);
    });

    it('refuses per role at subscribe time: auditors and adapters watch nothing live, camera owners not every camera', async () => {
      const cases: [string[], string, RegExp][] = [
        [['auditor'], 'subscription { unitPositions { id } }', /FORBIDDEN|units:read/],
        [['adapter'], 'subscription { incidentChanged { id } }', /FORBIDDEN|incidents:read/],
        [['camera-owner'], 'subscription { cameraStatusChanged { id status } }', /FORBIDDEN|cameraStatusChanged/],
      ];
      for (const [roles, query, refusal] of cases) {
        const token = await hub.token({ subject: `live-${roles.join('-')}`, roles, cameraOwner: 'owner-1' });
        const client = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${token}` } });
        const subscription = record(client, query);
        await expect(subscription.waitFor(1, 2000)).rejects.toThrow();
        expect({ roles, errors: JSON.stringify(subscription.errors) }).toEqual({ roles, errors: expect.stringMatching(refusal) });
        await client.dispose();
      }
      // The same subscription is open to an operator.
      const operatorToken = await hub.token({ subject: 'live-operator', roles: ['operator'] });
      const operator = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${operatorToken}` } });
      const allowed = record(operator, 'subscription { cameraStatusChanged { id status } }');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(allowed.errors).toEqual([]);
      await operator.dispose();
    });

    it("confines a field officer's call subscriptions to the geofence, and refuses an area outside it", async () => {
      const geofence = { circle: { center: INCIDENT_POINT, radiusMeters: 2000 } };
      const token = await hub.token({ subject: 'officer-geo', roles: ['officer'], geofence });
      const officer = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${token}` } });
      const calls = record<{ callReceived: { id: string } }>(officer, 'subscription { callReceived { id } }');
      const outside = record(officer, 'subscription { callReceived(area: { circle: { center: { lat: 33.5, lon: -111.9 }, radiusMeters: 500 } }) { id } }');
      await expect(outside.waitFor(1, 3000)).rejects.toThrow();
      expect(JSON.stringify(outside.errors)).toMatch(/FORBIDDEN|geofence/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const call = (callId: string, point: { lat: number; lon: number }) => hub.sink.emit(ringingCall(callId, { point }));
      await call('geo-far', { lat: 33.3062, lon: -111.8413 }); // Chandler, ~12 km away
      await call('geo-near', { lat: INCIDENT_POINT.lat + 0.002, lon: INCIDENT_POINT.lon });
      const [first] = await calls.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(first?.callReceived.id).toBe('geo-near');
      expect(calls.events.map((event) => event.callReceived.id)).toEqual(['geo-near']);
      await officer.dispose();
    });

    it('filters every event per subscriber: withheld fields null with FORBIDDEN, partners generalised', async () => {
      const partnerToken = await hub.token({ subject: 'partner-2', roles: ['partner'] });
      const operatorToken = await hub.token({ subject: 'op-2', roles: ['operator'] });
      const query = 'subscription { incidentChanged { number location { address } units { callSign } } }';
      const partner = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${partnerToken}` } });
      const operator = createGatewayClient(hub.gatewayUrl, { connectionParams: { Authorization: `Bearer ${operatorToken}`, 'X-Purpose': 'CASE-3' } });
      const seenByPartner = record<{ incidentChanged: { number: string; location: { address: string }; units: unknown } }>(partner, query);
      const seenByOperator = record<{ incidentChanged: { number: string; location: { address: string }; units: unknown } }>(operator, query);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await hub.sink.emit({
        type: 'incident.created',
        eventId: 'auth-inc-2',
        source: 'test',
        occurredAt: new Date().toISOString(),
        incidentId: 'inc-auth-2',
        number: 'MPD2611230099',
        typeCode: 'THEFT',
        typeText: 'Theft',
        priority: 3,
        status: 'PENDING',
        location: { point: INCIDENT_POINT, address: '1234 W Main St, Mesa, AZ', uncertaintyMeters: 10 },
        reportedAt: new Date().toISOString(),
        narrative: null,
        callIds: [],
      });
      const [forPartner] = await seenByPartner.waitFor(1);
      const [forOperator] = await seenByOperator.waitFor(1);
      expect(forOperator?.incidentChanged.location.address).toBe('1234 W Main St, Mesa, AZ');
      expect(forOperator?.incidentChanged.units).toEqual([]);
      expect(forPartner?.incidentChanged.location.address).toBe('1200 block of W Main St, Mesa, AZ');
      expect(forPartner?.incidentChanged.units).toBeNull();
      await Promise.all([partner.dispose(), operator.dispose()]);
    });
  });
});

describe('lock-out after repeated failed authentications (CJIS 5.5.3)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target, { env: { AUTH_MAX_FAILURES: '5', AUTH_LOCKOUT_MS: '600000' } });
  });
  afterAll(() => hub?.close());

  it('locks an identity after five failures, refusing even its valid token, while others go on', async () => {
    // Tokens the issuer signed, refused for a claim: failed logons of officer-17 (forged ones count against the address only).
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const expired = await hub.token({ subject: 'officer-17', roles: ['supervisor'], ttlSeconds: -120 });
      const { status } = await hub.post('{ adapters { name } }', {}, { authorization: `Bearer ${expired}` });
      expect(status).toBe(401);
    }
    const valid = await hub.token({ subject: 'officer-17', roles: ['operator'] });
    const locked = await hub.post('{ adapters { name } }', {}, { authorization: `Bearer ${valid}` });
    expect(locked.status).toBe(429);
    expect(locked.body.errors?.[0]?.extensions?.code).toBe('LOCKED_OUT');
    expect(locked.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(500);
    // Another identity from the same address is not affected.
    expect((await hub.query('{ adapters { name } }')).errors).toBeUndefined();
  });
});

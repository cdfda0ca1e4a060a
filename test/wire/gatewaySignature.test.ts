import { CALLER_HEADER, type ForwardedCaller, decodeForwardedCaller, encodeForwardedCaller } from '../../wire/forwardedCaller';
import {
  EMPTY_BODY_SHA256,
  type SignedRequest,
  createGatewaySigner,
  createGatewayVerifier,
  sha256Hex,
  signHttpRequest,
} from '../../wire/gatewaySignature';
import { createMemoryReplayCache } from '../../wire/createMemoryReplayCache';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const T0 = Date.parse('2026-11-23T18:00:00.000Z');

const CALLER: ForwardedCaller = {
  subject: 'officer-17',
  clientId: 'mdt',
  roles: ['officer'],
  scopes: ['calls:read', 'incidents:read'],
  geofence: { kind: 'circle', center: { lat: 33.415, lon: -111.831 }, radiusMeters: 3000 },
  cameraOwner: null,
  department: null,
  purpose: 'INC-42',
};

const body = JSON.stringify({ query: '{ calls(first: 1) { edges { node { id } } } }', variables: {} });
const request: SignedRequest = { method: 'POST', path: '/graphql', bodySha256: sha256Hex(body), caller: encodeForwardedCaller(CALLER) };

describe('gateway signatures', () => {
  let clock = T0;
  const now = () => clock;
  const signer = createGatewaySigner({ secret: SECRET, now });
  const verifier = createGatewayVerifier({ secret: SECRET, now, maxSkewMs: 60_000 });
  beforeEach(() => {
    clock = T0;
  });

  it('accepts what the signer signed, in the documented format', async () => {
    const signature = signer.signRequest(request);
    expect(signature).toMatch(new RegExp(`^t=${T0},n=[A-Za-z0-9_-]{1,64},v1=[0-9a-f]{64}$`));
    expect(await verifier.verifyRequest(signature, request)).toEqual({ valid: true });
  });

  it('refuses a missing, repeated or malformed signature, saying so', async () => {
    expect(await verifier.verifyRequest(undefined, request)).toEqual({ valid: false, reason: 'missing x-rtcc-gateway-signature header' });
    expect(await verifier.verifyRequest('', request)).toMatchObject({ valid: false, reason: expect.stringMatching(/^missing/) });
    const signature = signer.signRequest(request);
    expect(await verifier.verifyRequest([signature, signature], request)).toMatchObject({ valid: false, reason: expect.stringMatching(/^malformed/) });
    const bads = ['v1=abc', `t=${T0}`, `t=${T0},v1=${'a'.repeat(64)}`, `t=${T0},n=x,v1=${'g'.repeat(64)}`, `t=${T0},n=x,v1=${'a'.repeat(63)}`, `t=${T0},n=a.b,v1=${'a'.repeat(64)}`, `t=${T0},n=${'x'.repeat(65)},v1=${'a'.repeat(64)}`, `${signature} `, `t=-1,n=x,v1=${'a'.repeat(64)}`];
    for (const bad of bads) {
      expect(await verifier.verifyRequest(bad, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/^malformed/) });
    }
  });

  it('refuses a signature older or newer than the allowed skew, and accepts one at the limit', async () => {
    const signature = signer.signRequest(request);
    clock = T0 + 60_000;
    expect(await verifier.verifyRequest(signature, request)).toEqual({ valid: true });
    clock = T0 + 60_001;
    expect(await verifier.verifyRequest(signature, request)).toEqual({
      valid: false,
      reason: 'expired x-rtcc-gateway-signature header: signed 60001 ms ago, more than 60000 ms allowed',
    });
    clock = T0 - 60_001;
    expect(await verifier.verifyRequest(signature, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/60001 ms in the future/) });
  });

  it('refuses a signature made with another secret', async () => {
    const other = createGatewaySigner({ secret: 'another-secret-of-at-least-32-bytes', now });
    expect(await verifier.verifyRequest(other.signRequest(request), request)).toEqual({
      valid: false,
      reason: 'x-rtcc-gateway-signature header does not match the request',
    });
  });

  it('refuses a signature moved to another request: body, caller, method, path or time changed', async () => {
    const signature = signer.signRequest(request);
    const anotherCaller = encodeForwardedCaller({ ...CALLER, roles: ['supervisor'] });
    const tampered: SignedRequest[] = [
      { ...request, bodySha256: sha256Hex(body.replace('first: 1', 'first: 100')) },
      { ...request, caller: anotherCaller },
      { ...request, caller: null },
      { ...request, method: 'GET' },
      { ...request, path: '/graphql?x=1' },
    ];
    for (const changed of tampered) {
      expect(await verifier.verifyRequest(signature, changed)).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
    }
    const [head, mac] = signature.split(',v1=');
    const nonce = head?.split(',n=')[1] ?? '';
    expect(await verifier.verifyRequest(`t=${T0 + 1},n=${nonce},v1=${mac}`, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
    expect(await verifier.verifyRequest(`t=${T0},n=${nonce}x,v1=${mac}`, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
  });

  it('signs an HTTP request from its URL and body as the gateway sends it', async () => {
    const signature = signHttpRequest(signer, { method: 'POST', url: 'http://127.0.0.1:4001/graphql', body, caller: request.caller });
    expect(await verifier.verifyRequest(signature, request)).toEqual({ valid: true });
    const get = signHttpRequest(signer, { method: 'GET', url: 'ws://127.0.0.1:4001/graphql' });
    expect(await verifier.verifyRequest(get, { method: 'GET', path: '/graphql', bodySha256: EMPTY_BODY_SHA256, caller: null })).toEqual({ valid: true });
  });

  it('signs WebSocket connections apart from requests: neither passes for the other', async () => {
    const connection = signer.signConnection('/graphql');
    expect(await verifier.verifyConnection(connection, '/graphql')).toEqual({ valid: true });
    expect(await verifier.verifyConnection(connection, '/other')).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
    expect(await verifier.verifyConnection(undefined, '/graphql')).toEqual({ valid: false, reason: 'missing gatewaySignature connection parameter' });
    expect(await verifier.verifyConnection({ t: 1 }, '/graphql')).toMatchObject({ valid: false, reason: expect.stringMatching(/^malformed/) });
    const upgrade: SignedRequest = { method: 'GET', path: '/graphql', bodySha256: EMPTY_BODY_SHA256, caller: null };
    expect(await verifier.verifyRequest(connection, upgrade)).toMatchObject({ valid: false });
    expect(await verifier.verifyConnection(signer.signRequest(upgrade), '/graphql')).toMatchObject({ valid: false });
    clock = T0 + 60_001;
    expect(await verifier.verifyConnection(connection, '/graphql')).toMatchObject({ valid: false, reason: expect.stringMatching(/^expired/) });
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createGatewaySigner({ secret: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => createGatewayVerifier({ secret: new Uint8Array(31) })).toThrow(/at least 32 bytes/);
    expect(() => createGatewayVerifier({ secret: new Uint8Array(32) })).not.toThrow();
  });
});

describe('replayed signatures', () => {
  let clock = T0;
  const now = () => clock;
  const signer = createGatewaySigner({ secret: SECRET, now });

  it('accepts a signature once: the same request sent again is refused as replayed, over HTTP and WebSocket', async () => {
    const verifier = createGatewayVerifier({ secret: SECRET, now });
    const signature = signer.signRequest(request);
    expect(await verifier.verifyRequest(signature, request)).toEqual({ valid: true });
    expect(await verifier.verifyRequest(signature, request)).toEqual({
      valid: false,
      replayed: true,
      reason: expect.stringMatching(/^x-rtcc-gateway-signature header was used before/),
    });
    const connection = signer.signConnection('/graphql');
    expect(await verifier.verifyConnection(connection, '/graphql')).toEqual({ valid: true });
    expect(await verifier.verifyConnection(connection, '/graphql')).toMatchObject({ valid: false, replayed: true });
  });

  it('tells apart identical requests signed in the same millisecond (each has its nonce)', async () => {
    const verifier = createGatewayVerifier({ secret: SECRET, now });
    const first = signer.signRequest(request);
    const second = signer.signRequest(request);
    expect(second).not.toBe(first);
    expect(await verifier.verifyRequest(first, request)).toEqual({ valid: true });
    expect(await verifier.verifyRequest(second, request)).toEqual({ valid: true });
  });

  it('refuses a replay at another verifier sharing the cache', async () => {
    const replays = createMemoryReplayCache({ maxSkewMs: 60_000, now });
    const calls = createGatewayVerifier({ secret: SECRET, now, replays });
    const cad = createGatewayVerifier({ secret: SECRET, now, replays });
    const signature = signer.signRequest(request);
    expect(await calls.verifyRequest(signature, request)).toEqual({ valid: true });
    expect(await cad.verifyRequest(signature, request)).toMatchObject({ valid: false, replayed: true });
  });

  it('stays bounded: full, it forgets the oldest and refuses whatever is dated at or before what it forgot', async () => {
    clock = T0;
    const replays = createMemoryReplayCache({ maxSkewMs: 60_000, maxEntries: 3, now });
    expect([await replays.claim('a', T0), await replays.claim('b', T0 + 1), await replays.claim('c', T0 + 2)]).toEqual([true, true, true]);
    expect(await replays.claim('d', T0 + 3)).toBe(true); // evicts a
    expect(await replays.claim('a', T0)).toBe(false); // forgotten, but no older than what was forgotten
    expect(await replays.claim('e', T0 - 5)).toBe(false);
    expect(await replays.claim('c', T0 + 2)).toBe(false); // still remembered
    expect(await replays.claim('f', T0 + 4)).toBe(true);
    // Entries older than the skew leave first, unforgotten (had g and h evicted c and d instead,
    // k, dated as d, would be refused).
    clock = T0 + 60_010;
    expect(await replays.claim('g', T0 + 60_005)).toBe(true);
    expect(await replays.claim('h', T0 + 60_006)).toBe(true);
    expect(await replays.claim('k', T0 + 3)).toBe(true);
  });
});

describe('forwarded caller header', () => {
  it('round-trips the caller as base64url JSON', async () => {
    const encoded = encodeForwardedCaller(CALLER);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeForwardedCaller(encoded)).toEqual(CALLER);
    const polygon = { kind: 'polygon', outer: [{ lat: 0, lon: 0 }, { lat: 1, lon: 0 }, { lat: 0, lon: 1 }, { lat: 0, lon: 0 }], holes: [] } as const;
    const box = { kind: 'boundingBox', south: 33, west: -112, north: 34, east: -111 } as const;
    for (const geofence of [polygon, box, null]) {
      expect(decodeForwardedCaller(encodeForwardedCaller({ ...CALLER, geofence }))).toEqual({ ...CALLER, geofence });
    }
  });

  it('refuses a header that is not a caller, saying what is wrong', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(() => decodeForwardedCaller('%%%')).toThrow(`${CALLER_HEADER} is not base64url-encoded JSON`);
    expect(() => decodeForwardedCaller(encode([1]))).toThrow(/not a JSON object/);
    expect(() => decodeForwardedCaller(encode({ ...CALLER, subject: '' }))).toThrow(/no subject/);
    expect(() => decodeForwardedCaller(encode({ ...CALLER, roles: 'officer' }))).toThrow(/roles/);
    expect(() => decodeForwardedCaller(encode({ ...CALLER, scopes: [1] }))).toThrow(/scopes/);
    expect(() => decodeForwardedCaller(encode({ ...CALLER, geofence: { kind: 'circle', center: { lat: 1 } } }))).toThrow(/geofence/);
    expect(() => decodeForwardedCaller(encode({ ...CALLER, purpose: 42 }))).toThrow(/purpose/);
  });
});

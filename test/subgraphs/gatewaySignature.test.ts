import { CALLER_HEADER, type ForwardedCaller, decodeForwardedCaller, encodeForwardedCaller } from '../../subgraphs/forwardedCaller';
import {
  EMPTY_BODY_SHA256,
  type SignedRequest,
  createGatewaySigner,
  createGatewayVerifier,
  sha256Hex,
  signHttpRequest,
} from '../../subgraphs/gatewaySignature';

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

  it('accepts what the signer signed, in the documented format', () => {
    const signature = signer.signRequest(request);
    expect(signature).toMatch(new RegExp(`^t=${T0},v1=[0-9a-f]{64}$`));
    expect(verifier.verifyRequest(signature, request)).toEqual({ valid: true });
  });

  it('refuses a missing, repeated or malformed signature, saying so', () => {
    expect(verifier.verifyRequest(undefined, request)).toEqual({ valid: false, reason: 'missing x-rtcc-gateway-signature header' });
    expect(verifier.verifyRequest('', request)).toMatchObject({ valid: false, reason: expect.stringMatching(/^missing/) });
    const signature = signer.signRequest(request);
    expect(verifier.verifyRequest([signature, signature], request)).toMatchObject({ valid: false, reason: expect.stringMatching(/^malformed/) });
    for (const bad of ['v1=abc', `t=${T0}`, `t=${T0},v1=${'g'.repeat(64)}`, `t=${T0},v1=${'a'.repeat(63)}`, `${signature} `, `t=-1,v1=${'a'.repeat(64)}`]) {
      expect(verifier.verifyRequest(bad, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/^malformed/) });
    }
  });

  it('refuses a signature older or newer than the allowed skew, and accepts one at the limit', () => {
    const signature = signer.signRequest(request);
    clock = T0 + 60_000;
    expect(verifier.verifyRequest(signature, request)).toEqual({ valid: true });
    clock = T0 + 60_001;
    expect(verifier.verifyRequest(signature, request)).toEqual({
      valid: false,
      reason: 'expired x-rtcc-gateway-signature header: signed 60001 ms ago, more than 60000 ms allowed',
    });
    clock = T0 - 60_001;
    expect(verifier.verifyRequest(signature, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/60001 ms in the future/) });
  });

  it('refuses a signature made with another secret', () => {
    const other = createGatewaySigner({ secret: 'another-secret-of-at-least-32-bytes', now });
    expect(verifier.verifyRequest(other.signRequest(request), request)).toEqual({
      valid: false,
      reason: 'x-rtcc-gateway-signature header does not match the request',
    });
  });

  it('refuses a signature moved to another request: body, caller, method, path or time changed', () => {
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
      expect(verifier.verifyRequest(signature, changed)).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
    }
    const [, mac] = signature.split(',v1=');
    expect(verifier.verifyRequest(`t=${T0 + 1},v1=${mac}`, request)).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
  });

  it('signs an HTTP request from its URL and body as the gateway sends it', () => {
    const signature = signHttpRequest(signer, { method: 'POST', url: 'http://127.0.0.1:4001/graphql', body, caller: request.caller });
    expect(verifier.verifyRequest(signature, request)).toEqual({ valid: true });
    const get = signHttpRequest(signer, { method: 'GET', url: 'ws://127.0.0.1:4001/graphql' });
    expect(verifier.verifyRequest(get, { method: 'GET', path: '/graphql', bodySha256: EMPTY_BODY_SHA256, caller: null })).toEqual({ valid: true });
  });

  it('signs WebSocket connections apart from requests: neither passes for the other', () => {
    const connection = signer.signConnection('/graphql');
    expect(verifier.verifyConnection(connection, '/graphql')).toEqual({ valid: true });
    expect(verifier.verifyConnection(connection, '/other')).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
    expect(verifier.verifyConnection(undefined, '/graphql')).toEqual({ valid: false, reason: 'missing gatewaySignature connection parameter' });
    expect(verifier.verifyConnection({ t: 1 }, '/graphql')).toMatchObject({ valid: false, reason: expect.stringMatching(/^malformed/) });
    const upgrade: SignedRequest = { method: 'GET', path: '/graphql', bodySha256: EMPTY_BODY_SHA256, caller: null };
    expect(verifier.verifyRequest(connection, upgrade)).toMatchObject({ valid: false });
    expect(verifier.verifyConnection(signer.signRequest(upgrade), '/graphql')).toMatchObject({ valid: false });
    clock = T0 + 60_001;
    expect(verifier.verifyConnection(connection, '/graphql')).toMatchObject({ valid: false, reason: expect.stringMatching(/^expired/) });
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createGatewaySigner({ secret: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => createGatewayVerifier({ secret: new Uint8Array(31) })).toThrow(/at least 32 bytes/);
    expect(() => createGatewayVerifier({ secret: new Uint8Array(32) })).not.toThrow();
  });
});

describe('forwarded caller header', () => {
  it('round-trips the caller as base64url JSON', () => {
    const encoded = encodeForwardedCaller(CALLER);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeForwardedCaller(encoded)).toEqual(CALLER);
    const polygon = { kind: 'polygon', outer: [{ lat: 0, lon: 0 }, { lat: 1, lon: 0 }, { lat: 0, lon: 1 }, { lat: 0, lon: 0 }], holes: [] } as const;
    const box = { kind: 'boundingBox', south: 33, west: -112, north: 34, east: -111 } as const;
    for (const geofence of [polygon, box, null]) {
      expect(decodeForwardedCaller(encodeForwardedCaller({ ...CALLER, geofence }))).toEqual({ ...CALLER, geofence });
    }
  });

  it('refuses a header that is not a caller, saying what is wrong', () => {
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

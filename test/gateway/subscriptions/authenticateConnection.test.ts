import { type IncomingMessage, type ServerResponse, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Authenticator, createAuthenticator } from '../../../auth/createAuthenticator';
import { type DevIssuer, createDevIssuer } from '../../../auth/createDevIssuer';
import { createFailureTracker } from '../../../auth/createFailureTracker';
import { createTokenVerifier } from '../../../auth/createTokenVerifier';
import { createRefusalAudit } from '../../../gateway/audit/createRefusalAudit';
import { createAccessControl } from '../../../gateway/authorization/createAccessControl';
import { createOperationLimits } from '../../../gateway/limits';
import { LOCKED_OUT_CLOSE_CODE, createConnectionAuthentication } from '../../../gateway/subscriptions/authenticateConnection';
import { SUPERGRAPH_SDL, readApiSchema, recordingAuditSink, silentLogger } from './subscriptionFixtures';

const AUDIENCE = 'rtcc-hub-test';

/** Responses held open until the test ends, so that each request keeps its socket (and address). */
const open: (() => void)[] = [];

/** A real request as the gateway's HTTP server receives it (an upgrade carries the same headers and socket). */
async function receivedRequest(headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const received = new Promise<IncomingMessage>((resolve) =>
    server.once('request', (request: IncomingMessage, response: ServerResponse) => {
      open.push(() => {
        response.end();
        server.close();
      });
      resolve(request);
    }),
  );
  get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/graphql', headers }, (response) => response.resume()).on('error', () => undefined);
  return received;
}

describe('createConnectionAuthentication', () => {
  let issuer: DevIssuer;
  let authenticator: Authenticator;

  beforeAll(async () => {
    issuer = await createDevIssuer({ issuer: 'urn:test-issuer', audience: AUDIENCE, keyFile: 'memory' });
  });
  beforeEach(() => {
    const tracker = () => createFailureTracker({ maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000 });
    authenticator = createAuthenticator({
      verifier: createTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwks: issuer.jwks, rolesClaim: 'roles' }),
      identityFailures: tracker(),
      addressFailures: tracker(),
      logger: silentLogger,
    });
  });
  afterEach(() => {
    authenticator.close();
    for (const finish of open.splice(0)) finish();
  });

  function authenticationUnderTest() {
    const audit = recordingAuditSink();
    const refusals = createRefusalAudit({ audit, logger: silentLogger, perWindow: 100 });
    const access = createAccessControl({ supergraphSdl: SUPERGRAPH_SDL, apiSchema: readApiSchema() });
    const authenticate = createConnectionAuthentication({ authenticator, access, refusals, limits: createOperationLimits() });
    return { authenticate, audit, refusals };
  }

  it('accepts a verified token from connection_init, with the stated purpose and the client address', async () => {
    const { authenticate } = authenticationUnderTest();
    const token = await issuer.sign({ subject: 'operator-1', roles: ['operator'] });
    const verdict = await authenticate({ Authorization: `Bearer ${token}`, 'X-Purpose': 'CASE-2026-0042' }, await receivedRequest());
    expect(verdict).toMatchObject({ accepted: true, caller: { identity: { subject: 'operator-1' }, purpose: 'CASE-2026-0042', clientAddress: '127.0.0.1' } });
  });

  it("takes the token and purpose from the upgrade request's headers when connection_init has none", async () => {
    const { authenticate } = authenticationUnderTest();
    const token = await issuer.sign({ subject: 'operator-2', roles: ['operator'] });
    const verdict = await authenticate({}, await receivedRequest({ authorization: `Bearer ${token}`, 'x-purpose': 'TEST-0001' }));
    expect(verdict).toMatchObject({ accepted: true, caller: { identity: { subject: 'operator-2' }, purpose: 'TEST-0001' } });
  });

  it('refuses a connection without a token (4401) and, once the address is locked out, with 4429', async () => {
    const { authenticate } = authenticationUnderTest();
    const request = await receivedRequest();
    const first = await authenticate({}, request);
    expect(first).toMatchObject({ accepted: false, closeCode: 4401 });
    const forged = await authenticate({ Authorization: 'Bearer not.a.token' }, request);
    expect(forged).toMatchObject({ accepted: false, closeCode: 4401 });
    // Two failures lock the address (maxFailures 2); a request without a token is no attempt.
    expect(await authenticate({ Authorization: 'Bearer not.a.token' }, request)).toMatchObject({ accepted: false, closeCode: 4401 });
    const locked = await authenticate({ Authorization: 'Bearer not.a.token' }, request);
    expect(locked).toMatchObject({ accepted: false, closeCode: LOCKED_OUT_CLOSE_CODE });
  });

  it('refuses a purpose that is no case or incident number with 4403, and records who stated it', async () => {
    const { authenticate, audit, refusals } = authenticationUnderTest();
    const token = await issuer.sign({ subject: 'operator-3', roles: ['operator'] });
    const verdict = await authenticate({ Authorization: `Bearer ${token}`, 'X-Purpose': 'just looking' }, await receivedRequest());
    expect(verdict).toMatchObject({ accepted: false, closeCode: 4403 });
    if (verdict.accepted) throw new Error('accepted');
    expect(Buffer.byteLength(verdict.reason)).toBeLessThanOrEqual(123);
    await refusals.flush();
    expect(audit.records).toEqual([
      {
        kind: 'request-refused',
        subject: 'operator-3',
        roles: ['operator'],
        clientId: null,
        outcome: 'denied',
        reason: 'PURPOSE_INVALID',
        details: { transport: 'graphql-ws', clientAddress: '127.0.0.1' },
      },
    ]);
  });
});

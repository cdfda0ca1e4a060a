import Fastify, { type FastifyInstance } from 'fastify';
import { type DevIssuer, createDevIssuer } from '../../auth/createDevIssuer';
import { readHubConfig } from '../../config/hubConfig';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

const target = STORAGE_TARGETS[0]!;
const REAL_ISSUER = { AUTH_ISSUER: 'https://login.example.gov/realms/pd' };

describe('introspection by default (INTROSPECTION_ENABLED)', () => {
  it('is on while the hub is its own development issuer, off with a real issuer', () => {
    expect(readHubConfig({}).introspectionEnabled).toBe(true);
    expect(readHubConfig(REAL_ISSUER).introspectionEnabled).toBe(false);
  });

  it('is what INTROSPECTION_ENABLED says when it is set, whoever issues the tokens', () => {
    expect(readHubConfig({ INTROSPECTION_ENABLED: 'false' }).introspectionEnabled).toBe(false);
    expect(readHubConfig({ ...REAL_ISSUER, INTROSPECTION_ENABLED: 'true' }).introspectionEnabled).toBe(true);
    expect(readHubConfig({ ...REAL_ISSUER, INTROSPECTION_ENABLED: 'false' }).introspectionEnabled).toBe(false);
    expect(() => readHubConfig({ INTROSPECTION_ENABLED: 'maybe' })).toThrow(/INTROSPECTION_ENABLED="maybe" must be true or false/);
  });

  describe('through a development hub', () => {
    const schemaQuery = '{ __schema { queryType { name } } }';
    let hub: TestHub;
    let off: TestHub;
    beforeAll(async () => {
      [hub, off] = await Promise.all([startTestHub(target), startTestHub(target, { env: { INTROSPECTION_ENABLED: 'false' } })]);
    });
    afterAll(() => Promise.all([hub?.close(), off?.close()]));

    it('answers introspection by default, and suggests names in validation errors', async () => {
      const authorization = `Bearer ${await hub.token()}`;
      const answer = await hub.post<{ __schema: { queryType: { name: string } } }>(schemaQuery, {}, { authorization });
      expect(answer.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
      const typo = await hub.post('{ adapter { name } }', {}, { authorization });
      expect(JSON.stringify(typo.body.errors)).toMatch(/Did you mean/);
    });

    it('refuses it when INTROSPECTION_ENABLED=false', async () => {
      const answer = await off.post(schemaQuery, {}, { authorization: `Bearer ${await off.token()}` });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    });
  });

  describe('through a hub with a real issuer', () => {
    // The "agency's" issuer: a key of its own and its JWKS on a local server, as an OIDC provider publishes them.
    let issuer: DevIssuer;
    let jwksServer: FastifyInstance;
    let hub: TestHub;
    beforeAll(async () => {
      issuer = await createDevIssuer({ issuer: REAL_ISSUER.AUTH_ISSUER, audience: 'rtcc-hub', keyFile: 'memory' });
      jwksServer = Fastify();
      jwksServer.get('/jwks.json', async () => issuer.jwks);
      const jwksUrl = `${await jwksServer.listen({ host: '127.0.0.1', port: 0 })}/jwks.json`;
      hub = await startTestHub(target, { env: { ...REAL_ISSUER, AUTH_JWKS_URL: jwksUrl } });
    });
    afterAll(async () => {
      await hub?.close();
      await jwksServer?.close();
    });

    it('refuses introspection by default, for a caller the issuer signed in', async () => {
      const authorization = `Bearer ${await issuer.sign({ subject: 'agency-operator', roles: ['operator'] })}`;
      const typename = await hub.post<{ __typename: string }>('{ __typename }', {}, { authorization });
      expect(typename.body).toEqual({ data: { __typename: 'Query' } });
      const answer = await hub.post('{ __schema { queryType { name } } }', {}, { authorization });
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    });
  });
});

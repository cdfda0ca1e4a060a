import { SUBGRAPH_NAMES } from '../../schema/subgraphCatalog';
import { GATEWAY_SIGNATURE_HEADER, GATEWAY_SIGNATURE_PARAM, createGatewaySigner, signHttpRequest } from '../../wire/gatewaySignature';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { gatewayHeaders, postToSubgraph, tryConnection } from './callSubgraphDirectly';

const SECRET = 'directCallsRefused-secret-0123456789abcdef';
const SDL_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });

const pglite = STORAGE_TARGETS.filter((target) => target.name === 'pglite');

describe.each(pglite)('every subgraph of the hub answers only the gateway ($name)', (target) => {
  let hub: TestHub;
  const signer = createGatewaySigner({ secret: SECRET });
  const urlOf = (name: (typeof SUBGRAPH_NAMES)[number]) => hub.subgraphs[name].server.url;

  beforeAll(async () => {
    hub = await startTestHub(target, { env: { SUBGRAPH_SIGNING_SECRET: SECRET, SUBGRAPH_SIGNATURE_MAX_SKEW_MS: '60000' } });
  });
  afterAll(async () => {
    await hub?.close();
  });

  describe.each(SUBGRAPH_NAMES.map((name) => ({ name })))('the $name subgraph', ({ name }) => {
    it('refuses an unsigned POST with 401 and an UNAUTHENTICATED error giving the reason', async () => {
      const reply = await postToSubgraph(urlOf(name), SDL_QUERY);
      expect(reply.status).toBe(401);
      expect(reply.body.data).toBeUndefined();
      expect(reply.body.errors).toEqual([
        {
          message: `Only the gateway may call this subgraph: missing ${GATEWAY_SIGNATURE_HEADER} header`,
          extensions: { code: 'UNAUTHENTICATED', reason: `missing ${GATEWAY_SIGNATURE_HEADER} header` },
        },
      ]);
    });

    it('refuses a POST signed with another secret, an expired signature, or a signature over another body', async () => {
      const url = urlOf(name);
      const forger = createGatewaySigner({ secret: 'not-the-hub-secret-0123456789abcdefgh' });
      const stale = createGatewaySigner({ secret: SECRET, now: () => Date.now() - 61_000 });
      const otherBody = JSON.stringify({ query: '{ __typename }' });
      const attempts = [
        { headers: gatewayHeaders(forger, url, SDL_QUERY), reason: /does not match/ },
        { headers: gatewayHeaders(stale, url, SDL_QUERY), reason: /^expired .* signed 6\d{4} ms ago, more than 60000 ms allowed$/ },
        { headers: gatewayHeaders(signer, url, otherBody), reason: /does not match/ },
        { headers: { [GATEWAY_SIGNATURE_HEADER]: 'v1=deadbeef' }, reason: /^malformed/ },
      ];
      for (const { headers, reason } of attempts) {
        const reply = await postToSubgraph(url, SDL_QUERY, headers);
        expect(reply.status).toBe(401);
        expect(reply.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: expect.stringMatching(reason) });
      }
    });

    it('answers a request the gateway signed', async () => {
      const reply = await postToSubgraph(urlOf(name), SDL_QUERY, gatewayHeaders(signer, urlOf(name), SDL_QUERY));
      expect(reply.status).toBe(200);
      expect(reply.body.errors).toBeUndefined();
      expect(reply.body.data).toEqual({ _service: { sdl: expect.stringContaining('type Query') } });
    });

    it('refuses a WebSocket upgrade without a signature with 401', async () => {
      const outcome = await tryConnection(urlOf(name), {}, { [GATEWAY_SIGNATURE_PARAM]: signer.signConnection('/graphql') });
      expect(outcome).toMatchObject({ refusedWithStatus: 401, body: expect.stringContaining('UNAUTHENTICATED') });
    });

    it('refuses a graphql-ws connection whose connection_init carries no valid signature', async () => {
      const url = urlOf(name);
      const upgrade = () => ({ [GATEWAY_SIGNATURE_HEADER]: signHttpRequest(signer, { method: 'GET', url }) });
      const forger = createGatewaySigner({ secret: 'not-the-hub-secret-0123456789abcdefgh' });
      for (const payload of [undefined, {}, { [GATEWAY_SIGNATURE_PARAM]: forger.signConnection('/graphql') }]) {
        const outcome = await tryConnection(url, upgrade(), payload);
        expect(outcome).toEqual({ messages: [{ type: 'connection_error', payload: { message: 'Forbidden' } }], closed: true });
      }
      const accepted = await tryConnection(url, upgrade(), { [GATEWAY_SIGNATURE_PARAM]: signer.signConnection('/graphql') });
      expect(accepted).toMatchObject({ messages: [{ type: 'connection_ack' }] });
    });

    it('keeps /health open', async () => {
      const response = await fetch(new URL('/health', urlOf(name)));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', subgraph: name });
    });
  });
});

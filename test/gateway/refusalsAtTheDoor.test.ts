import type { AuditRecord } from '../../audit';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';
import { openRawGraphqlWs, postRaw } from './support/rawGraphqlWs';

const refusalsIn = async (hub: TestHub): Promise<AuditRecord[]> => {
  const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
  const records: AuditRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await auditLog.list({ kinds: ['request-refused'] }, 100, after);
    records.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return records;
    after = page.pageInfo.endCursor;
  }
};
const detailsOf = (record: AuditRecord) => record.details as Record<string, unknown>;
/** Refusals a set of records accounts for: one each, or a summary's count. */
const accountedFor = (records: readonly AuditRecord[]) => records.reduce((sum, record) => sum + (detailsOf(record).summary ? Number(detailsOf(record).refusals) : 1), 0);

describe.each(STORAGE_TARGETS)('refusals at the door, on $name', (target) => {
  describe('what is refused, and how', () => {
    let hub: TestHub;
    let authorization: string;
    beforeAll(async () => {
      // Introspection off, as with a real issuer (a development hub answers it, for the explorer).
      hub = await startTestHub(target, { env: { INTROSPECTION_ENABLED: 'false' } });
      authorization = `Bearer ${await hub.token()}`;
    });
    afterAll(() => hub?.close());

    it('suggests no schema names while introspection is off, over HTTP and WebSocket', async () => {
      const { status, body } = await hub.post('{ adapter { name } }', {}, { authorization });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(body.errors)).not.toMatch(/Did you mean/);
      const socket = await openRawGraphqlWs(hub.gatewayUrl, { Authorization: authorization });
      try {
        socket.subscribe('typo', { query: 'subscription { callReceivd { id } }' });
        await socket.until(() => socket.of('typo').length > 0, 'the refusal');
        expect(JSON.stringify(socket.of('typo'))).toContain('GRAPHQL_VALIDATION_FAILED');
        expect(JSON.stringify(socket.of('typo'))).not.toMatch(/Did you mean/);
      } finally {
        await socket.close();
      }
    });

    it('answers several operations without operationName with a coded 400', async () => {
      const { status, body } = await hub.post('query A { adapters { name } } query B { adapters { name } }', {}, { authorization });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions?.code).toBe('OPERATION_NAME_REQUIRED');
    });

    it('records refusals before GraphQL: content type, CSRF, batching, malformed JSON, too large', async () => {
      const before = (await refusalsIn(hub)).length;
      const sent = [
        await postRaw(hub.gatewayUrl, '{"query":"{ adapters { name } }"}', { authorization, 'content-type': 'application/xml' }),
        await postRaw(hub.gatewayUrl, '{"query":"{ adapters { name } }"}', { authorization, 'content-type': 'text/plain' }),
        await postRaw(hub.gatewayUrl, '[{"query":"{ adapters { name } }"},{"query":"{ adapters { name } }"}]', { authorization }),
        await postRaw(hub.gatewayUrl, '{"query": "{ adapters', { authorization }),
        await postRaw(hub.gatewayUrl, JSON.stringify({ query: `{ adapters { name } } # ${'x'.repeat(2 * 1024 * 1024)}` }), { authorization }),
      ].map((answer) => answer.status);
      expect(sent).toEqual([415, 400, 400, 400, 413]);
      await eventually(async () => (await refusalsIn(hub)).length >= before + sent.length, 10_000, 'a record of each refusal');
      const records = (await refusalsIn(hub)).slice(0, sent.length).reverse();
      expect(records.map((record) => detailsOf(record).status)).toEqual(sent);
      expect(records.every((record) => record.outcome === 'denied' && detailsOf(record).clientAddress === '127.0.0.1')).toBe(true);
    });
  });

  describe('floods', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub(target, {
        env: { RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '10', GATEWAY_REFUSAL_RECORDS_PER_WINDOW: '3', GATEWAY_REFUSAL_WINDOW_MS: '500' },
      });
    });
    afterAll(() => hub?.close());

    it('rate-limits requests without a token per address, and lets requests with a token through', async () => {
      const statuses: number[] = [];
      const codes: unknown[] = [];
      for (let index = 0; index < 15; index += 1) {
        const answer = await postRaw(hub.gatewayUrl, '{"query":"{ adapters { name } }"}', {});
        statuses.push(answer.status);
        if (typeof answer.body !== 'string') codes.push(answer.body.errors?.[0]?.extensions?.code);
      }
      expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual(Array(5).fill(429));
      expect(codes.slice(10)).toEqual(Array(5).fill('RATE_LIMITED'));
      const { status } = await hub.post('{ adapters { name } }', {}, { authorization: `Bearer ${await hub.token({ subject: 'behind-the-flood' })}` });
      expect(status).toBe(200);
    });

    it('summarises a flood of refusals instead of writing a row for each', async () => {
      const flood = 40;
      const statuses = new Set<number>();
      for (let index = 0; index < flood; index += 1) {
        statuses.add((await postRaw(hub.gatewayUrl, '<query/>', { 'content-type': 'application/xml' })).status);
      }
      // Refused by content type while the address has rate left, else turned away at once.
      expect([...statuses].every((status) => status === 415 || status === 429)).toBe(true);
      expect(statuses.has(429)).toBe(true);
      // Every refusal is accounted for, in a few rows: at most 3 a window, then a summary.
      await eventually(async () => accountedFor(await refusalsIn(hub)) >= flood, 10_000, 'every refusal accounted for');
      const records = await refusalsIn(hub);
      expect(records.some((record) => detailsOf(record).summary === true)).toBe(true);
      expect(records.length).toBeLessThan(flood / 2);
    });
  });
});

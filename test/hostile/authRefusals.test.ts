import type { AuditRecord } from '../../audit/auditRecord';
import { createDevIssuer } from '../../auth/createDevIssuer';
import { DEV_ISSUER } from '../../auth/createDevIssuer';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { expectAuditChainIntact, expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

const QUERY = '{ adapters { name } }';

/** The refusals the audit trail holds, oldest first. */
async function refusalRecords(hub: TestHub): Promise<AuditRecord[]> {
  const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
  const page = await auditLog.list({ kinds: ['logon-failed', 'request-refused'] }, 100);
  return page.edges.map((edge) => edge.node).reverse();
}

/** How many refusals a list of records accounts for: one each, plus what each summary counted. */
const refusalsAccountedFor = (records: readonly AuditRecord[]) =>
  records.reduce((sum, record) => sum + ((record.details as { repeated?: number } | null)?.repeated ?? 1), 0);

describe.each(STORAGE_TARGETS)('who gets in: lock-out and refused requests ($name)', (target) => {
  describe('lock-out counts forged tokens against the address, signed ones against the subject', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub(target, {
        env: { AUTH_MAX_FAILURES: '5', AUTH_MAX_FAILURES_PER_ADDRESS: '11', AUTH_LOCKOUT_MS: '600000', AUTH_REFUSAL_RECORDS_PER_WINDOW: '100' },
      });
    });
    afterAll(() => hub?.close());

    const as = async (token: string) => hub.post(QUERY, {}, { authorization: `Bearer ${token}` });

    it('five forged tokens naming alice leave her valid token working; five expired ones of hers lock her; the address locks at its own limit', async () => {
      const forger = await createDevIssuer({ issuer: DEV_ISSUER, audience: 'rtcc-hub', keyFile: 'memory' });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect((await as(await forger.sign({ subject: 'alice', roles: ['supervisor'] }))).status).toBe(401);
      }
      const alice = await hub.token({ subject: 'alice', roles: ['operator'] });
      const stillIn = await as(alice);
      expect(stillIn.status).toBe(200);
      expect(stillIn.body.errors).toBeUndefined();

      // Really signed by the issuer, refused for a claim: these are alice's failed logons.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const expired = await hub.token({ subject: 'alice', roles: ['operator'], ttlSeconds: -120 });
        expect((await as(expired)).status).toBe(401);
      }
      const locked = await as(alice);
      expect(locked.status).toBe(429);
      expect(locked.body.errors?.[0]?.extensions?.code).toBe('LOCKED_OUT');
      const bob = await hub.token({ subject: 'bob', roles: ['operator'] });
      expect((await as(bob)).status).toBe(200);

      // Ten failures so far from this address (a locked-out try is no new failure); the 11th locks it, bob included.
      expect((await as(await forger.sign({ subject: 'carol', roles: ['supervisor'] }))).status).toBe(401);
      const addressLocked = await as(bob);
      expect(addressLocked.status).toBe(429);
      expect(addressLocked.body.errors?.[0]?.extensions?.code).toBe('LOCKED_OUT');

      const records = await refusalRecords(hub);
      const forged = records.filter((record) => (record.details as { claimedSubject?: string } | null)?.claimedSubject === 'alice');
      expect(forged).toHaveLength(5);
      // A forged token's subject is no user of the record: only a claim, in the details.
      for (const record of forged) expect(record).toMatchObject({ kind: 'logon-failed', subject: null, outcome: 'denied', details: { clientAddress: expect.any(String) } });
      const expiredOfAlice = records.filter((record) => record.subject === 'alice' && record.reason === 'token expired');
      expect(expiredOfAlice).toHaveLength(5);
      expect(expiredOfAlice[4]?.details).toMatchObject({ lockedUntil: expect.any(String) });
      await expectHubHealthy(hub);
      await expectAuditChainIntact(hub);
    });
  });

  describe('refused requests are audited, a flood as a summary', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub(target, {
        env: { AUTH_MAX_FAILURES_PER_ADDRESS: '1000', AUTH_REFUSAL_RECORDS_PER_WINDOW: '3', AUTH_REFUSAL_WINDOW_MS: '1500' },
      });
    });
    afterAll(() => hub?.close());

    it('records each refusal with address and reason, and forty more as one summary per address and window', async () => {
      const sent = 40;
      for (let i = 0; i < sent; i += 1) {
        expect((await hub.post(QUERY, {}, {})).status).toBe(401);
        expect((await hub.post(QUERY, {}, { authorization: `Bearer not-a-jwt-${i}` })).status).toBe(401);
      }
      await eventually(async () => {
        const records = await refusalRecords(hub);
        const noToken = records.filter((record) => record.kind === 'request-refused');
        const badToken = records.filter((record) => record.kind === 'logon-failed');
        return refusalsAccountedFor(noToken) === sent && refusalsAccountedFor(badToken) === sent;
      }, 10_000, 'every refusal recorded or counted in a summary');
      const records = await refusalRecords(hub);
      // No amplification: a handful of records, not eighty.
      expect(records.length).toBeLessThan(16);
      const noToken = records.find((record) => record.kind === 'request-refused');
      expect(noToken).toMatchObject({ outcome: 'denied', reason: 'no bearer token', details: { clientAddress: expect.any(String) } });
      const summary = records.find((record) => record.kind === 'logon-failed' && (record.details as { repeated?: number }).repeated);
      expect(summary?.details).toMatchObject({ clientAddress: expect.any(String), reasons: { 'token is malformed': expect.any(Number) } });
      await expectHubHealthy(hub);
      await expectAuditChainIntact(hub);
    });
  });
});

import { STORAGE_TARGETS } from '../support/storageTargets';
import { type TestHub, startTestHub } from '../support/startTestHub';

describe.each(STORAGE_TARGETS)('audit subgraph in the hub on $name', (target) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('is composed into the supergraph and served through the gateway to auditors, reads audited', async () => {
    type Page = { auditRecords: { edges: { node: { kind: string; details: { field?: string } } }[] } };
    const auditor = { authorization: `Bearer ${await hub.token({ subject: 'auditor-1', roles: ['auditor'] })}` };
    const asAuditor = async <T>(query: string) => (await hub.post<T>(query, {}, auditor)).body;
    const first = await asAuditor<Page>(`{ auditRecords(first: 5) { edges { node { kind details } } } }`);
    expect(first.errors).toBeUndefined();
    const second = await asAuditor<Page>(`{ auditRecords(filter: { kinds: [AUDIT_READ] }, first: 1) { edges { node { kind details } } } }`);
    expect(second.data?.auditRecords.edges).toEqual([{ node: { kind: 'AUDIT_READ', details: { field: 'auditRecords' } } }]);
    // Only auditors: a supervisor is refused.
    const supervisor = await hub.query<Page>(`{ auditRecords(first: 1) { edges { node { kind } } } }`);
    expect(supervisor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const verify = await asAuditor<{ verifyAuditChain: { ok: boolean; checkedRecords: number } }>(`{ verifyAuditChain { ok checkedRecords } }`);
    expect(verify.data?.verifyAuditChain).toMatchObject({ ok: true });
    expect(verify.data?.verifyAuditChain.checkedRecords).toBeGreaterThanOrEqual(2);
  });
});

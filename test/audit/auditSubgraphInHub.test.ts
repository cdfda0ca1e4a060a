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

  it('is composed into the supergraph and served through the gateway, reads audited', async () => {
    type Page = { auditRecords: { edges: { node: { kind: string; details: { field?: string } } }[] } };
    const first = await hub.query<Page>(`{ auditRecords(first: 5) { edges { node { kind details } } } }`);
    expect(first.errors).toBeUndefined();
    const second = await hub.query<Page>(`{ auditRecords(filter: { kinds: [AUDIT_READ] }, first: 1) { edges { node { kind details } } } }`);
    expect(second.data?.auditRecords.edges).toEqual([{ node: { kind: 'AUDIT_READ', details: { field: 'auditRecords' } } }]);
    const verify = await hub.query<{ verifyAuditChain: { ok: boolean; checkedRecords: number } }>(`{ verifyAuditChain { ok checkedRecords } }`);
    expect(verify.data?.verifyAuditChain).toMatchObject({ ok: true });
    expect(verify.data?.verifyAuditChain.checkedRecords).toBeGreaterThanOrEqual(2);
  });
});

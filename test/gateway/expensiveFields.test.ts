import type { AuditSubgraph } from '../../subgraphs/audit';
import { expectHubHealthy } from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** Records in the chain for the walk: enough batches (1000 each) for the walk to take many turns. */
const CHAIN_LENGTH = 20_000;

describe.each(STORAGE_TARGETS)('expensive fields carry their real cost, on $name', (target) => {
  let hub: TestHub;
  let auditor: Record<string, string>;

  beforeAll(async () => {
    hub = await startTestHub(target);
    auditor = { authorization: `Bearer ${await hub.token({ subject: 'auditor-cost', roles: ['auditor'] })}` };
  });
  afterAll(() => hub?.close());

  it('refuses 100 aliases of verifyAuditChain, and even two, as too costly', async () => {
    const aliases = Array.from({ length: 100 }, (_, index) => `v${index}: verifyAuditChain { ok }`).join(' ');
    const flood = await hub.post(`{ ${aliases} }`, {}, auditor);
    expect(flood.status).toBe(400);
    expect(flood.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
    // Through a fragment spread twice, too.
    const twice = await hub.post('query Twice { ...Walk again: verifyAuditChain { ok } } fragment Walk on Query { verifyAuditChain { ok } }', {}, auditor);
    expect(twice.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', field: 'Query.verifyAuditChain', repeats: 2 });
    const once = await hub.post('{ verifyAuditChain { ok } }', {}, auditor);
    expect(once.body).toEqual({ data: { verifyAuditChain: { ok: true } } });
  });

  it('walks a long chain without keeping the hub from answering /health', async () => {
    const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
    const appends: Promise<unknown>[] = [];
    for (let index = 0; index < CHAIN_LENGTH; index += 1) {
      appends.push(auditLog.append({ kind: 'query', subject: 'filler', outcome: 'ok', operationName: `Filler${index}`, variables: { index } }));
    }
    await Promise.all(appends);
    let walked = false;
    const walk = hub.post<{ verifyAuditChain: { ok: boolean; checkedRecords: number } }>('{ verifyAuditChain { ok checkedRecords } }', {}, auditor).then((answer) => {
      walked = true;
      return answer;
    });
    // Ordering, not timing: /health answers, one request after the other, while the walk runs.
    let answeredDuringWalk = 0;
    while (!walked) {
      await expectHubHealthy(hub);
      if (!walked) answeredDuringWalk += 1;
    }
    const { body } = await walk;
    expect(body.data?.verifyAuditChain.ok).toBe(true);
    expect(body.data?.verifyAuditChain.checkedRecords).toBeGreaterThanOrEqual(CHAIN_LENGTH);
    // The walk yields between its 1000-record batches: one /health answer about every batch
    // (13 of 20 batches here), where a walk that never yields lets one or two through.
    expect(answeredDuringWalk).toBeGreaterThanOrEqual(5);
  });
});

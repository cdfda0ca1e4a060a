import type { PGlite } from '@electric-sql/pglite';
import { graphql } from 'graphql';
import { type AuditLog, createAuditLog } from '../../audit';
import { createEmbeddedPostgres } from '../../storage/createDatabase';
import { type AuditSubgraph, createAuditSubgraph } from '../../subgraphs/audit';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { type AuditTestDatabase, openAuditDatabase } from './openAuditDatabase';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const RECORDS = `query ($filter: AuditRecordFilter, $first: Int, $after: String) {
  auditRecords(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id recordedAt kind subject roles clientId purpose recordIds restrictedFields variables details outcome reason disseminatedTo previousHash hash } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const VERIFY = `{ verifyAuditChain { ok checkedRecords firstId lastId anchor { throughId } firstBrokenLink { problem id expectedHash foundHash detail } } }`;

describe.each(STORAGE_TARGETS)('audit subgraph on $name', (target) => {
  let embedded: PGlite | undefined;
  let store: AuditTestDatabase;
  let log: AuditLog;
  let subgraph: AuditSubgraph;

  const auditor = { subject: 'auditor-7', roles: ['auditor', 'supervisor'], clientId: 'audit-console', purpose: 'AUDIT-2026-Q4', scopes: ['audit:read'] };

  /**
   * Runs an operation as the subgraph server would: the context holds the caller the gateway
   * forwarded (`caller`) and mercurius's reply, through which the request's headers.
   */
  const post = async (query: string, variables: Record<string, unknown> = {}, context: object = { caller: auditor }) =>
    JSON.parse(JSON.stringify(await graphql({ schema: subgraph.schema, source: query, variableValues: variables, contextValue: context }))) as Body;

  beforeAll(async () => {
    if (!target.databaseUrl) embedded = await createEmbeddedPostgres();
    store = await openAuditDatabase(target, embedded);
    log = createAuditLog({ database: store.db });
    subgraph = createAuditSubgraph({ auditLog: log });
  });

  afterAll(async () => {
    await log?.close();
    await store?.close();
    await embedded?.close();
  });

  it('lists records with GraphQL enum values and JSON, and audits the read itself with who read what', async () => {
    await log.append({
      kind: 'dissemination',
      subject: 'partner-traffic',
      roles: ['city-partner'],
      outcome: 'ok',
      purpose: 'INC-42',
      disseminatedTo: 'Mesa Transportation',
      recordIds: ['Incident:inc-42'],
      variables: { id: 'inc-42' },
    });
    await log.append({ kind: 'subscription-start', subject: 'op-1', outcome: 'denied', reason: 'FORBIDDEN' });

    const first = await post(RECORDS, { filter: { kinds: ['DISSEMINATION', 'SUBSCRIPTION_START'] }, first: 1 });
    expect(first.errors).toBeUndefined();
    const page = first.data?.auditRecords as { edges: { cursor: string; node: Record<string, unknown> }[]; pageInfo: { endCursor: string } };
    expect(page.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ id: '2', kind: 'SUBSCRIPTION_START', outcome: 'DENIED', reason: 'FORBIDDEN', subject: 'op-1' }),
    ]);
    const second = await post(RECORDS, { filter: { disseminatedOnly: true }, first: 10 });
    const [dissemination] = (second.data?.auditRecords as { edges: { node: Record<string, unknown> }[] }).edges;
    expect(dissemination?.node).toMatchObject({
      id: '1',
      kind: 'DISSEMINATION',
      disseminatedTo: 'Mesa Transportation',
      purpose: 'INC-42',
      variables: { id: 'inc-42' },
      recordIds: ['Incident:inc-42'],
    });

    const reads = await log.list({ kinds: ['audit-read'] }, 10);
    expect(reads.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({
        kind: 'audit-read',
        subject: 'auditor-7',
        roles: ['auditor', 'supervisor'],
        clientId: 'audit-console',
        purpose: 'AUDIT-2026-Q4',
        outcome: 'ok',
        recordIds: ['AuditRecord:1'],
        variables: { filter: { disseminatedOnly: true }, first: 10, after: null },
        details: { field: 'auditRecords' },
      }),
      expect.objectContaining({ kind: 'audit-read', recordIds: ['AuditRecord:2'], subject: 'auditor-7' }),
    ]);
  });

  it('audits a refused read too, and reports the bad argument', async () => {
    const body = await post(RECORDS, { first: 500 });
    expect(body.errors?.[0]?.message).toMatch(/first/);
    const [last] = (await log.list({ kinds: ['audit-read'] }, 1)).edges;
    expect(last?.node).toMatchObject({ outcome: 'error', subject: 'auditor-7', variables: { first: 500 } });
  });

  it('verifies the chain over GraphQL, audits the verification, and shows the first broken link', async () => {
    const intact = await post(VERIFY);
    expect(intact.data?.verifyAuditChain).toMatchObject({ ok: true, firstId: '1', anchor: null, firstBrokenLink: null });
    const [read] = (await log.list({ kinds: ['audit-read'] }, 1)).edges;
    expect(read?.node.details).toMatchObject({ field: 'verifyAuditChain', ok: true });

    await store.tamper(`UPDATE $schema.audit_records SET disseminated_to = 'nobody' WHERE seq = 1`);
    const broken = await post(VERIFY);
    expect(broken.data?.verifyAuditChain).toMatchObject({
      ok: false,
      checkedRecords: 0,
      firstBrokenLink: { problem: 'HASH_MISMATCH', id: '1' },
    });
  });

  it('without a forwarded caller, records the read with no reader, whatever the headers claim', async () => {
    const headers = { 'x-rtcc-subject': 'auditor-8', 'x-rtcc-roles': 'auditor' };
    const body = await post(VERIFY, {}, { caller: null, reply: { request: { headers } } });
    expect(body.errors).toBeUndefined();
    const [read] = (await log.list({ kinds: ['audit-read'] }, 1)).edges;
    expect(read?.node).toMatchObject({ subject: null, roles: [], clientId: null, purpose: null });
  });
});

import { JSONResolver } from 'graphql-scalars';
import {
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  type AuditChainAnchor,
  type AuditChainReport,
  type AuditLog,
  type AuditRecord,
  type AuditRecordFilter,
} from '../../audit';
import { createSubgraphSchema } from '../createSubgraphSchema';
import type { Subgraph } from '../subgraph';
import type { ForwardedCaller } from '../../wire/forwardedCaller';

export { auditMigrations } from '../../audit';

/** Who read the log, as the audit record names them. */
export interface AuditActor {
  readonly subject: string | null;
  readonly roles: readonly string[];
  readonly clientId: string | null;
  /** The case or incident number stated for the request. */
  readonly purpose: string | null;
}

export interface AuditSubgraphOptions {
  readonly auditLog: AuditLog;
}

/** The audit subgraph, with the log it serves (the gateway appends to the same log). */
export interface AuditSubgraph extends Subgraph {
  readonly auditLog: AuditLog;
}

/** What a resolver's context holds here: the caller the gateway forwarded and signed, if any. */
interface AuditContext {
  readonly caller?: Pick<ForwardedCaller, 'subject' | 'roles' | 'clientId' | 'purpose'> | null;
}

/** A read that came without a forwarded caller is recorded with no reader. */
const UNKNOWN_READER: AuditActor = { subject: null, roles: [], clientId: null, purpose: null };

interface AuditRecordsArgs {
  readonly filter?: AuditRecordFilter | null;
  readonly first: number;
  readonly after?: string | null;
}

/**
 * The audit subgraph: auditors list the audit trail and verify its hash chain. Every read
 * writes an `audit-read` record naming who read, what they asked for and which records they
 * were shown (CJIS 5.4: access to the audit log is itself audited); the answer is given only
 * once that record is stored.
 */
export function createAuditSubgraph(options: AuditSubgraphOptions): AuditSubgraph {
  const { auditLog } = options;
  const actorOf = ({ caller }: AuditContext): AuditActor =>
    caller ? { subject: caller.subject, roles: caller.roles, clientId: caller.clientId, purpose: caller.purpose } : UNKNOWN_READER;

  /** Runs a read and audits it, with its outcome, before answering. */
  const audited = async <T>(
    context: AuditContext,
    field: string,
    args: Record<string, unknown>,
    read: () => Promise<T>,
    shown: (result: T) => { recordIds?: string[]; details?: Record<string, unknown> },
  ): Promise<T> => {
    const actor = actorOf(context);
    const base = { kind: 'audit-read' as const, ...actor, variables: args };
    let result: T;
    try {
      result = await read();
    } catch (error) {
      await auditLog.append({ ...base, outcome: 'error', reason: (error as Error).message, details: { field } });
      throw error;
    }
    const { recordIds, details } = shown(result);
    await auditLog.append({ ...base, outcome: 'ok', recordIds, details: { field, ...details } });
    return result;
  };

  const resolvers = {
    JSON: JSONResolver,
    AuditKind: enumValues(AUDIT_KINDS),
    AuditOutcome: enumValues(AUDIT_OUTCOMES),
    AuditChainProblem: enumValues([
      'hash-mismatch',
      'previous-hash-mismatch',
      'sequence-gap',
      'head-mismatch',
      'unlinked-record',
      'anchor-unconfirmed',
    ] as const),
    Query: {
      auditRecords: (_: unknown, args: AuditRecordsArgs, context: AuditContext) =>
        audited(
          context,
          'auditRecords',
          { filter: args.filter ?? null, first: args.first, after: args.after ?? null },
          () => auditLog.list(args.filter ?? {}, args.first, args.after),
          (page) => ({ recordIds: page.edges.map((edge) => `AuditRecord:${edge.node.seq}`) }),
        ),
      verifyAuditChain: (_: unknown, _args: unknown, context: AuditContext) =>
        audited(
          context,
          'verifyAuditChain',
          {},
          () => auditLog.verify(),
          (report) => ({ details: { ok: report.ok, checkedRecords: report.checkedRecords } }),
        ),
    },
    AuditRecord: {
      id: (record: AuditRecord) => String(record.seq),
      previousHash: (record: AuditRecord) => record.prevHash,
    },
    AuditChainReport: {
      firstId: (report: AuditChainReport) => (report.firstSeq === null ? null : String(report.firstSeq)),
      lastId: (report: AuditChainReport) => (report.lastSeq === null ? null : String(report.lastSeq)),
      firstBrokenLink: (report: AuditChainReport) =>
        report.firstBrokenLink && { ...report.firstBrokenLink, id: report.firstBrokenLink.seq === null ? null : String(report.firstBrokenLink.seq) },
    },
    AuditChainAnchor: {
      throughId: (anchor: AuditChainAnchor) => String(anchor.throughSeq),
      purgeRecordId: (anchor: AuditChainAnchor) => String(anchor.purgeRecordSeq),
    },
  };

  return {
    name: 'audit',
    auditLog,
    schema: createSubgraphSchema<AuditContext>('audit', resolvers),
    createContext: () => ({}),
    handleEvent: async () => undefined,
    activeSubscriptions: () => 0,
    close: () => auditLog.close(),
  };
}

/** GraphQL enum value names (`SUBSCRIPTION_START`) for the log's values (`subscription-start`). */
function enumValues<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((value) => [value.toUpperCase().replaceAll('-', '_'), value]));
}

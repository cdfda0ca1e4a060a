import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { Logger } from 'pino';
import type { AuditRecordInput } from '../../audit/auditRecord';
import { formattedHubError } from '../../errors/hubErrors';
import type { GatewayContext } from '../gatewayContext';
import { originalQueryOf } from '../limits/createLimitsPlugin';
import { callerKeyOf } from '../limits/createOperationLimits';
import type { RefusalAudit } from './createRefusalAudit';
import { describeOperationForAudit } from './describeOperationForAudit';
import { operationOfText } from './operationOfText';

/** Where the gateway writes audit records (the audit log; see audit/createAuditLog.ts). */
export interface AuditSink {
  append(record: AuditRecordInput): Promise<unknown>;
}

/** The answer to an operation whose audit record could not be written. */
export const AUDIT_UNAVAILABLE_ERROR = formattedHubError('AUDIT_UNAVAILABLE', 'The audit trail is unavailable; the operation cannot be answered');

export interface AuditPluginOptions {
  readonly audit: AuditSink;
  readonly logger: Logger;
  /** Told of every request the plugin recorded (or tried to), so that the HTTP edge does not record it again as refused. */
  readonly onRecorded?: (contextValue: GatewayContext) => void;
  /** Where refusals by the rate limit go: counted and summarised, so that a flood is not a flood of rows. */
  readonly refusals?: RefusalAudit;
}

/**
 * Apollo Server plugin that keeps "no record, no operation" (CJIS 5.4) for queries and mutations:
 *
 * - a mutation's record is appended before it runs (`responseForOperation`, once limits and
 *   access control have let it through): when that append fails, the mutation never reaches a
 *   subgraph and the caller gets AUDIT_UNAVAILABLE; its outcome is appended after it ran, naming
 *   the first record (`details.startedSeq`);
 * - a query's record, refused ones included, is appended before the response leaves, and a
 *   query whose record cannot be written is answered with AUDIT_UNAVAILABLE instead of its data.
 */
export function createAuditPlugin(options: AuditPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { audit, logger, onRecorded, refusals } = options;

  const describe = (requestContext: GraphQLRequestContext<GatewayContext>, details?: Record<string, unknown>): AuditRecordInput => {
    const { response, contextValue, request } = requestContext;
    const original = originalQueryOf(request);
    // Refused before parsing (the limits swapped the text out): named from the client's own text.
    const refusedUnparsed = original !== undefined ? operationOfText(original, request.operationName) : undefined;
    const operation = refusedUnparsed?.operation ?? requestContext.operation?.operation ?? contextValue.access?.plan.operation ?? 'query';
    const result = details?.phase === 'started' ? { data: {} } : response.body?.kind === 'single' ? response.body.singleResult : null;
    return describeOperationForAudit({
      kind: operation === 'mutation' ? 'mutation' : 'query',
      context: contextValue,
      // The client's own text, also when the limits refused it unparsed and swapped it out.
      source: original ?? request.query ?? null,
      operationName: original !== undefined ? (refusedUnparsed?.name?.value ?? request.operationName ?? null) : (requestContext.operationName ?? request.operationName ?? null),
      variables: (request.variables ?? null) as Record<string, unknown> | null,
      checked: contextValue.access,
      result,
      restrictedReturned: details?.phase === 'started' ? [] : (contextValue.restrictedReturned ?? []),
      ...(details ? { details } : {}),
    });
  };

  /** Appends, resolving to the record's seq when the sink tells it, or to the error. */
  const append = async (record: AuditRecordInput): Promise<{ ok: true; seq: number | null } | { ok: false; error: unknown }> => {
    try {
      const stored = await audit.append(record);
      const seq = (stored as { seq?: unknown } | null)?.seq;
      return { ok: true, seq: typeof seq === 'number' ? seq : null };
    } catch (error) {
      return { ok: false, error };
    }
  };

  return {
    async requestDidStart() {
      let started: { seq: number | null } | null = null;
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation?.operation !== 'mutation') return null;
          let written: Awaited<ReturnType<typeof append>>;
          try {
            written = await append(describe(requestContext, { phase: 'started' }));
          } catch (error) {
            written = { ok: false, error };
          }
          if (written.ok) {
            started = { seq: written.seq };
            return null;
          }
          logger.error({ err: written.error }, 'audit record of a mutation could not be written; the mutation does not run');
          // Answering here is what keeps the mutation from executing (Apollo Server skips execution).
          return { http: requestContext.response.http, body: { kind: 'single', singleResult: { data: null, errors: [AUDIT_UNAVAILABLE_ERROR] } } };
        },
        async willSendResponse(requestContext) {
          const { response, contextValue } = requestContext;
          if (response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          onRecorded?.(contextValue);
          const rateLimited = singleResult.data == null && singleResult.errors?.some((error) => error.extensions?.code === 'RATE_LIMITED');
          if (rateLimited && refusals) {
            // Nothing ran and nothing is answered: the refusal is counted, one record per window.
            refusals.refused(callerKeyOf({ identity: contextValue.identity, clientAddress: contextValue.clientAddress }), describe(requestContext), true);
            return;
          }
          let written: Awaited<ReturnType<typeof append>>;
          try {
            written = await append(describe(requestContext, started ? { phase: 'completed', ...(started.seq !== null ? { startedSeq: started.seq } : {}) } : undefined));
          } catch (error) {
            // Describing the record failed (a bug): as unwritten.
            written = { ok: false, error };
          }
          if (!written.ok) {
            logger.error({ err: written.error }, 'audit record could not be written; withholding the response');
            singleResult.data = null;
            singleResult.errors = [AUDIT_UNAVAILABLE_ERROR];
            if (response.http) response.http.status = 503;
          }
        },
      };
    },
  };
}

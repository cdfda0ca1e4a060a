import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { AuditRecordInput } from '../../audit/auditRecord';
import type { GatewayContext } from '../gatewayContext';
import { describeOperationForAudit } from './describeOperationForAudit';

/** Where the gateway writes audit records (the audit log; see audit/createAuditLog.ts). */
export interface AuditSink {
  append(record: AuditRecordInput): Promise<unknown>;
}

/**
 * Apollo Server plugin writing one audit record per query or mutation, refused ones included,
 * before the response leaves: an operation whose record cannot be written is answered with an
 * error instead of its data (CJIS 5.4: no access without its audit record).
 */
export function createAuditPlugin(audit: AuditSink, logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          const { response, contextValue, request } = requestContext;
          if (response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          const operation = requestContext.operation?.operation ?? contextValue.access?.plan.operation ?? 'query';
          const record = describeOperationForAudit({
            kind: operation === 'mutation' ? 'mutation' : 'query',
            context: contextValue,
            source: request.query ?? null,
            operationName: requestContext.operationName ?? request.operationName ?? null,
            variables: (request.variables ?? null) as Record<string, unknown> | null,
            checked: contextValue.access,
            result: singleResult,
            restrictedReturned: contextValue.restrictedReturned ?? [],
          });
          try {
            await audit.append(record);
          } catch (error) {
            logger.error({ err: error }, 'audit record could not be written; withholding the response');
            singleResult.data = null;
            singleResult.errors = [{ message: 'The audit trail is unavailable; the operation cannot be answered', extensions: { code: 'AUDIT_UNAVAILABLE' } }];
          }
        },
      };
    },
  };
}

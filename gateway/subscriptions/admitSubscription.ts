import { type DocumentNode, type GraphQLError, type GraphQLSchema, getOperationAST, validate } from 'graphql';
import { type ErrorCode, HubError } from '../../errors/hubErrors';
import type { RefusalAudit } from '../audit/createRefusalAudit';
import { describeOperationForAudit } from '../audit/describeOperationForAudit';
import { operationOfText } from '../audit/operationOfText';
import type { GatewayContext } from '../gatewayContext';
import { type OperationLimits, callerKeyOf, checkOperationLimits } from '../limits';

/** A graphql-ws `subscribe` message's payload, untrusted. */
export interface SubscribePayload {
  readonly query?: string | null;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
  readonly extensions?: Record<string, unknown> | null;
}

/** What an admitted operation runs with (graphql-ws's execution arguments). */
export interface AdmittedOperation {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName: string | null;
  readonly variableValues: Record<string, unknown> | null;
}

export interface SubscriptionAdmissionOptions {
  /** The client-facing (API) schema. */
  readonly schema: GraphQLSchema;
  readonly limits: OperationLimits;
  readonly refusals: RefusalAudit;
  /** Validation errors without "Did you mean …?" (introspection is off). */
  readonly hideSuggestions?: boolean;
}

/** Admits one `subscribe` message of a caller: its execution arguments, or the errors to answer with. */
export type SubscriptionAdmission = (caller: GatewayContext, payload: SubscribePayload) => AdmittedOperation | GraphQLError[];

const VALIDATION_FAILED: ErrorCode = 'GRAPHQL_VALIDATION_FAILED';
const RATE_LIMITED: ErrorCode = 'RATE_LIMITED';

/**
 * The third phase: the limits (rate, size, allow-list, introspection, depth, cost) and, for
 * subscriptions, validation. Queries and mutations over the socket meet the limits and
 * validation in Apollo Server, so that no operation spends two rate tokens. Every answer is
 * execution arguments or GraphQLErrors, never a throw: graphql-ws closes the whole socket (4500)
 * on anything else, ending the client's other operations. A refusal leaves a record (floods are
 * summarised, see createRefusalAudit).
 */
export function createSubscriptionAdmission(options: SubscriptionAdmissionOptions): SubscriptionAdmission {
  const { schema, limits, refusals } = options;

  const refuse = (caller: GatewayContext, payload: SubscribePayload, error: GraphQLError, codeOverride?: ErrorCode) => {
    const code = String(codeOverride ?? error.extensions.code ?? 'ERROR');
    const operationName = typeof payload.operationName === 'string' ? payload.operationName : null;
    // Unparseable text counts as a subscription: that is what a subscribe message asks for.
    const operation = operationOfText(payload.query, operationName);
    const record = describeOperationForAudit({
      kind: !operation || operation.operation === 'subscription' ? 'subscription-start' : operation.operation,
      context: caller,
      source: typeof payload.query === 'string' ? payload.query : null,
      operationName: operation?.name?.value ?? operationName,
      variables: isPlainObject(payload.variables) ? payload.variables : null,
      checked: undefined,
      result: { data: null, errors: [{ message: error.message, extensions: { code } }] },
      restrictedReturned: [],
    });
    const key = callerKeyOf({ identity: caller.identity, clientAddress: caller.clientAddress });
    refusals.refused(key, { ...record, outcome: 'denied' }, code === RATE_LIMITED);
  };

  return (caller, payload) => {
    const verdict = checkOperationLimits(limits, {
      query: payload.query ?? undefined,
      operationName: payload.operationName,
      variables: payload.variables,
      extensions: payload.extensions,
      caller: { identity: caller.identity, clientAddress: caller.clientAddress },
      schema,
    });
    if (!verdict.allowed) {
      refuse(caller, payload, verdict.error);
      return [verdict.error];
    }
    const execution: AdmittedOperation = { schema, document: verdict.document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null };
    // Queries and mutations are validated, limited and audited by Apollo Server (executeOperation).
    if (getOperationAST(verdict.document, payload.operationName ?? undefined)?.operation !== 'subscription') return execution;
    const errors = validate(schema, verdict.document, undefined, { hideSuggestions: options.hideSuggestions ?? true });
    const [first] = errors;
    if (first) {
      refuse(caller, payload, first, VALIDATION_FAILED);
      return errors.map((error) => new HubError(VALIDATION_FAILED, error.message, { ...error.extensions }, { nodes: error.nodes }));
    }
    return execution;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema } from 'graphql';
import { SCOPES } from '../../auth/roles';
import { type AppliedAccess, applyFieldAccess } from './applyFieldAccess';
import { type AccessSubject, type FieldAccessDecision, decideFieldAccess } from './decideFieldAccess';
import { GENERALIZED_TYPES, generalizeLocations } from './generalizeLocations';
import { type FieldAccessPlan, planFieldAccess } from './planFieldAccess';
import { type AccessRules, readAccessRules } from './readAccessRules';

/** The header (and WebSocket connection parameter) in which callers state their purpose. */
export const PURPOSE_HEADER = 'x-purpose';

/** A plan with its decisions for one caller. */
export interface CheckedOperation {
  readonly plan: FieldAccessPlan;
  readonly decision: FieldAccessDecision;
  /** True when the caller sees locations generalised (city partners). */
  readonly generalized: boolean;
  /** Equal for callers whose results may be shared after `apply` (same decisions). */
  readonly shareKey: string;
}

/** The gateway's enforcement of the schema's security directives; see {@link createAccessControl}. */
export interface AccessControl {
  readonly rules: AccessRules;
  /**
   * Plans and decides an operation for a caller. Throws a GraphQLError to refuse the whole
   * operation: UNAUTHENTICATED without a caller; FORBIDDEN when a mutation or subscription root
   * field is not allowed (nothing may run or start); PURPOSE_REQUIRED when it selects restricted
   * fields without a stated purpose.
   */
  check(document: DocumentNode, operationName: string | null | undefined, subject: AccessSubject): CheckedOperation;
  /** Withholds and generalises what the decisions say, on a copy of the result. */
  apply(result: ExecutionResult, checked: CheckedOperation): AppliedAccess;
}

const PLAN_CACHE_SIZE = 2000;

/**
 * Enforces `@authenticated`, `@requiresScopes` and `@policy` from the supergraph in the gateway,
 * which stock `@apollo/gateway` does not: each operation is planned once (cached), decided per
 * caller before execution, and its result filtered after execution — withheld fields null with
 * FORBIDDEN errors, the rest delivered — the same way for queries, mutations and each event of
 * a subscription.
 */
export function createAccessControl(options: { supergraphSdl: string; apiSchema: GraphQLSchema }): AccessControl {
  const rules = readAccessRules(options.supergraphSdl);
  const { apiSchema } = options;
  const plans = new Map<DocumentNode, Map<string, FieldAccessPlan>>();

  const planOf = (document: DocumentNode, operationName: string | null | undefined): FieldAccessPlan => {
    let byName = plans.get(document);
    const name = operationName ?? '';
    const cached = byName?.get(name);
    if (cached) return cached;
    const plan = planFieldAccess(apiSchema, document, operationName, rules, GENERALIZED_TYPES);
    if (!byName) {
      if (plans.size >= PLAN_CACHE_SIZE) {
        const oldest = plans.keys().next().value;
        if (oldest) plans.delete(oldest);
      }
      byName = new Map();
      plans.set(document, byName);
    }
    byName.set(name, plan);
    return plan;
  };

  return {
    rules,
    check(document, operationName, subject) {
      if (!subject.identity) {
        throw new GraphQLError('Not authenticated: a bearer token is required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      const plan = planOf(document, operationName);
      const decision = decideFieldAccess(plan, subject);
      if (plan.operation !== 'query') {
        const root = decision.denied.find(({ use }) => use.path.length === 1);
        if (root) {
          throw new GraphQLError(`Not authorized to ${plan.operation === 'mutation' ? 'run' : 'subscribe to'} ${root.use.coordinate}: ${root.reason}`, {
            path: [root.use.path[0]?.key ?? ''],
            extensions: { code: 'FORBIDDEN', coordinate: root.use.coordinate, http: { status: 403 } },
          });
        }
      }
      if (decision.purposeMissing) {
        const fields = [...new Set(decision.needToKnow.map((use) => use.coordinate))].join(', ');
        throw new GraphQLError(
          `This operation reads restricted data (${fields}); state the case or incident number it is for in the X-Purpose header`,
          { extensions: { code: 'PURPOSE_REQUIRED', restrictedFields: fields.split(', '), http: { status: 403 } } },
        );
      }
      const { scopes } = subject.identity;
      const generalized = !scopes.has(SCOPES.incidentsRead) && scopes.has(SCOPES.partnerIncidents);
      return { plan, decision, generalized, shareKey: `${decision.key}|${generalized ? 'g' : ''}|${decision.needToKnow.length}` };
    },
    apply(result, checked) {
      return applyFieldAccess(result, checked.decision, checked.generalized ? (data) => generalizeLocations(checked.plan, data) : undefined);
    },
  };
}

/** The purpose a caller stated: trimmed, 1–64 printable characters; anything else is refused. */
export function readPurpose(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const value = String(Array.isArray(raw) ? raw[0] : raw).trim();
  if (value === '') return null;
  if (value.length > 64 || !/^[\w .:/#-]+$/.test(value)) {
    throw new GraphQLError('The X-Purpose header must be a case or incident number: 1 to 64 letters, digits, spaces or . : / # - _', {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
  return value;
}

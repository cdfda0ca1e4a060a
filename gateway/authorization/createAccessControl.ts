import type { GraphQLDataSource } from '@apollo/gateway';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { SCOPES } from '../../auth/roles';
import { HubError } from '../../errors/hubErrors';
import { type AppliedAccess, applyFieldAccess } from './applyFieldAccess';
import { type AccessSubject, type FieldAccessDecision, decideFieldAccess } from './decideFieldAccess';
import { GENERALIZED_TYPES, generalizeLocations } from './generalizeLocations';
import { type FieldAccessPlan, planFieldAccess } from './planFieldAccess';
import { type AccessRules, readAccessRules } from './readAccessRules';
import { createIncidentLookup } from './createIncidentLookup';
import { type PurposeRules, createPurposeCheck } from './createPurposeCheck';

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
   * fields without a stated purpose; PURPOSE_INVALID when the stated purpose is no case or
   * incident number.
   */
  check(document: DocumentNode, operationName: string | null | undefined, subject: AccessSubject): CheckedOperation;
  /**
   * Resolves when a stated purpose (null: none) may stand: it has the form of a case or incident
   * number, and an incident number names an incident CAD knows. Rejects with PURPOSE_INVALID,
   * PURPOSE_UNKNOWN_INCIDENT or SUBGRAPH_UNAVAILABLE. Call it once the caller is authenticated,
   * before {@link AccessControl.check}: it may ask CAD.
   */
  confirmPurpose(purpose: string | null): Promise<void>;
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
export function createAccessControl(options: AccessControlOptions): AccessControl {
  const rules = readAccessRules(options.supergraphSdl);
  const { apiSchema } = options;
  const purposes = createPurposeCheck({
    ...(options.purposeRules ?? DEFAULT_PURPOSE_RULES),
    incidentExists: options.cad
      ? createIncidentLookup(options.cad)
      : async () => {
          throw new HubError('SUBGRAPH_UNAVAILABLE', 'The stated purpose could not be checked: no CAD subgraph is configured', { serviceName: 'cad' });
        },
  });
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
        throw new HubError('UNAUTHENTICATED', 'Not authenticated: a bearer token is required', { http: { status: 401 } });
      }
      if (subject.purpose != null) purposes.checkForm(subject.purpose);
      const plan = planOf(document, operationName);
      const decision = decideFieldAccess(plan, subject);
      if (plan.operation !== 'query') {
        const root = decision.denied.find(({ use }) => use.path.length === 1);
        if (root) {
          throw new HubError(
            'FORBIDDEN',
            `Not authorized to ${plan.operation === 'mutation' ? 'run' : 'subscribe to'} ${root.use.coordinate}: ${root.reason}`,
            { coordinate: root.use.coordinate, http: { status: 403 } },
            { path: [root.use.path[0]?.key ?? ''] },
          );
        }
      }
      if (decision.purposeMissing) {
        const fields = [...new Set(decision.needToKnow.map((use) => use.coordinate))].join(', ');
        throw new HubError(
          'PURPOSE_REQUIRED',
          `This operation reads restricted data (${fields}); state the case or incident number it is for in the X-Purpose header`,
          { restrictedFields: fields.split(', '), http: { status: 403 } },
        );
      }
      const { scopes } = subject.identity;
      const generalized = !scopes.has(SCOPES.incidentsRead) && scopes.has(SCOPES.partnerIncidents);
      return { plan, decision, generalized, shareKey: `${decision.key}|${generalized ? 'g' : ''}|${decision.needToKnow.length}` };
    },
    confirmPurpose: (purpose) => purposes.confirm(purpose),
    apply(result, checked) {
      return applyFieldAccess(result, checked.decision, checked.generalized ? (data) => generalizeLocations(checked.plan, data) : undefined);
    },
  };
}

export interface AccessControlOptions {
  readonly supergraphSdl: string;
  readonly apiSchema: GraphQLSchema;
  /** What a stated purpose must look like (PURPOSE_PATTERN, PURPOSE_INCIDENT_PATTERN); default {@link DEFAULT_PURPOSE_RULES}. */
  readonly purposeRules?: PurposeRules;
  /** The gateway's signed data source of the CAD subgraph, asked whether a purpose's incident exists. */
  readonly cad?: GraphQLDataSource;
}

/** The hub's defaults (README: PURPOSE_PATTERN, PURPOSE_INCIDENT_PATTERN, PURPOSE_INCIDENT_CACHE_MS). */
export const DEFAULT_PURPOSE_RULES: PurposeRules = {
  // A prefix and a number, e.g. CASE-2026-0042, TEST-0001, MPD2611230001: at least one digit.
  pattern: /^(?=.*[0-9])[A-Z][A-Z0-9]{1,15}(-[A-Z0-9]{1,20}){0,4}$/u,
  // The simulator's and Mesa CAD's incident numbers: agency letters, yymmdd, a 4-digit sequence.
  incidentPattern: /^[A-Z]{2,5}[0-9]{10}$/u,
  cacheMs: 30_000,
};

/** Longest purpose accepted, whatever the pattern. */
const MAX_PURPOSE_LENGTH = 64;

/**
 * The purpose a caller stated, trimmed: 1–64 printable characters, else refused with
 * PURPOSE_INVALID before anything else looks at it (control characters, NUL, odd Unicode and
 * huge values are input, not purposes). Its form is checked against the configured pattern later
 * ({@link AccessControl.confirmPurpose}).
 */
export function readPurpose(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (Array.isArray(raw) && raw.length !== 1) throw invalidPurpose('state one purpose, not several');
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof first !== 'string' && typeof first !== 'number') throw invalidPurpose('it must be a string');
  // Cut before trimming: a megabyte of header is not worth a full scan.
  const value = String(first).slice(0, MAX_PURPOSE_LENGTH + 256).trim();
  if (value === '') return null;
  if (value.length > MAX_PURPOSE_LENGTH) throw invalidPurpose(`it is longer than ${MAX_PURPOSE_LENGTH} characters`);
  if (!/^[\w .:/#-]+$/.test(value)) throw invalidPurpose('it may hold only letters, digits, spaces and . : / # - _ (no control characters)');
  return value;
}

function invalidPurpose(problem: string): HubError {
  return new HubError('PURPOSE_INVALID', `The X-Purpose header must be a case or incident number: ${problem}`, { http: { status: 400 } });
}

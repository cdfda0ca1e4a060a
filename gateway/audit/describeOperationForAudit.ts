import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { AuditKind, AuditOutcome, AuditRecordInput } from '../../audit/auditRecord';
import { hashDocument } from '../../audit/hashDocument';
import { measureJson } from '../../audit/measureJson';
import { redactKeysMatching } from '../../audit/redactVariables';
import { visit } from '../authorization/applyFieldAccess';
import type { CheckedOperation } from '../authorization/createAccessControl';
import type { GatewayContext } from '../gatewayContext';
import type { Deliveries } from './createDeliveryAudit';

/** Most record ids one audit record lists. */
const MAX_RECORD_IDS = 1000;

/**
 * Largest variables kept in a record as they were sent. Larger or deeper ones (refused by the
 * limits before they reach anything) are summarised, so that the refusal itself is recorded.
 */
const KEPT_VARIABLES = { maxDepth: 32, maxValues: 2000, maxTextLength: 64 * 1024 } as const;

/**
 * Variable and input field names whose values are redacted in the audit log wherever they
 * appear, at any depth: identities and contacts, free text, and a community camera's own
 * addresses (`streamUrl`, `snapshotUrl`: the hub hands out only signed links to them).
 */
const RESTRICTED_VARIABLE = /callback|phone|caller|name|address|narrative|email|contact|ani|url|note|message|secret/i;

/** Error codes that mean the caller was refused rather than that something failed. */
const DENIAL_CODES = new Set(['UNAUTHENTICATED', 'LOCKED_OUT', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'RATE_LIMITED', 'QUERY_TOO_DEEP', 'QUERY_TOO_COSTLY', 'DOCUMENT_TOO_LARGE', 'INTROSPECTION_DISABLED', 'OPERATION_NOT_ALLOWED', 'PERSISTED_OPERATION_NOT_FOUND', 'VARIABLES_REFUSED', 'PURPOSE_INVALID', 'PURPOSE_UNKNOWN_INCIDENT']);

/**
 * The audit record of one operation (or one subscription event): who (subject, roles, client),
 * what (operation name, document hash, redacted variables), which restricted fields and which
 * records it returned, the outcome and the stated purpose. An operation by a caller from outside
 * the agency (a city partner: a token with a `department`) is recorded as a `dissemination` to
 * that department (28 CFR 23.20(e)).
 */
export function describeOperationForAudit(input: {
  readonly kind: AuditKind;
  readonly context: GatewayContext;
  readonly source: string | null;
  readonly operationName: string | null;
  readonly variables: Readonly<Record<string, unknown>> | null;
  readonly checked: CheckedOperation | undefined;
  readonly result: ExecutionResult | { data?: unknown; errors?: readonly GraphQLFormattedError[] } | null;
  readonly restrictedReturned: readonly string[];
  /** More to keep in the record's details (e.g. the phase of a mutation's record). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** For a subscription event recorded once for several subscriptions of the caller (createDeliveryAudit). */
  readonly deliveries?: Deliveries;
}): AuditRecordInput {
  const { context, checked, result } = input;
  const identity = context.identity;
  const errors = (result?.errors ?? []) as readonly { extensions?: Record<string, unknown> }[];
  const codes = errors.map((error) => String(error.extensions?.code ?? 'ERROR'));
  const refused = result?.data === null || result?.data === undefined;
  let outcome: AuditOutcome = 'ok';
  if (refused && codes.length > 0) outcome = codes.some((code) => DENIAL_CODES.has(code)) ? 'denied' : 'error';
  const disseminated = identity?.department && !identity.roles.some((role) => role === 'operator' || role === 'supervisor' || role === 'officer');
  const kind: AuditKind = disseminated && outcome === 'ok' && (input.kind === 'query' || input.kind === 'subscription-event') ? 'dissemination' : input.kind;
  const measured = input.variables ? measureJson(input.variables, KEPT_VARIABLES) : null;
  const variables =
    input.variables && !measured?.exceeded
      ? redactKeysMatching(input.variables, RESTRICTED_VARIABLE)
      : null;
  const omitted = measured?.exceeded
    ? { variablesOmitted: `too large to keep: ${measured.depth}+ levels deep, ${measured.values}+ values, ${measured.textLength}+ characters` }
    : {};
  return {
    kind,
    subject: identity?.subject ?? null,
    roles: identity?.roles ?? [],
    clientId: identity?.clientId ?? null,
    operationName: input.operationName,
    documentHash: input.source ? hashDocument(input.source) : null,
    variables,
    restrictedFields: input.restrictedReturned,
    recordIds: checked && result?.data ? recordIdsOf(checked, result.data as Record<string, unknown>) : [],
    outcome,
    reason: outcome === 'ok' ? (codes.length > 0 ? `partial: ${[...new Set(codes)].join(', ')}` : null) : [...new Set(codes)].join(', '),
    purpose: context.purpose,
    disseminatedTo: kind === 'dissemination' ? (identity?.department ?? null) : null,
    details: {
      ...(input.deliveries
        ? { deliveries: input.deliveries.count, clientAddresses: [...input.deliveries.clientAddresses] }
        : { clientAddress: context.clientAddress }),
      ...(kind === 'dissemination' ? { originalKind: input.kind } : {}),
      ...omitted,
      ...input.details,
    },
  };
}

function recordIdsOf(checked: CheckedOperation, data: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  for (const use of checked.plan.ids) {
    const type = use.coordinate.slice(0, use.coordinate.indexOf('.'));
    visit(data as never, use.path, [], (parent, key) => {
      const id = parent[key];
      if ((typeof id === 'string' || typeof id === 'number') && ids.size < MAX_RECORD_IDS) ids.add(`${type}:${id}`);
    });
  }
  return [...ids];
}

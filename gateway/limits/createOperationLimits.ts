import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  getOperationAST,
} from 'graphql';
import { type VariableBounds, checkDeclaredVariables, checkVariablesShape } from './checkVariables';
import { type RateDecision, type RateLimiter, createRateLimiter } from './createRateLimiter';
import { countPricedFields } from './countPricedFields';
import { estimateCost } from './estimateCost';
import { findIntrospectionField } from './findIntrospectionField';
import {
  type LimitError,
  documentTooLarge,
  introspectionDisabled,
  operationNameRequired,
  operationNotAllowed,
  persistedOperationNotFound,
  pricedFieldRepeated,
  queryTooCostly,
  queryTooDeep,
  rateLimited,
} from './limitErrors';
import { measureDepth } from './measureDepth';
import { type PersistedOperations, sha256Hex } from './readPersistedOperations';

export interface OperationLimitsOptions {
  /** Longest document accepted, in UTF-8 bytes (LIMIT_DOCUMENT_BYTES). */
  readonly maxDocumentBytes?: number;
  /** Deepest nesting of fields (LIMIT_MAX_DEPTH). */
  readonly maxDepth?: number;
  /** Highest estimated cost (LIMIT_MAX_COST); see estimateCost. */
  readonly maxCost?: number;
  /** Items assumed in a list whose size the operation and schema leave open (LIMIT_DEFAULT_LIST_SIZE). */
  readonly defaultListSize?: number;
  /** Items assumed by field name where a resolver defaults the size, e.g. `{ nearbyUnits: 5 }`. */
  readonly listSizes?: Readonly<Record<string, number>>;
  /**
   * What one field costs by schema coordinate, in place of 1 (LIMIT_FIELD_COSTS); default
   * DEFAULT_FIELD_COSTS. A priced field may also appear only `maxPricedFieldRepeats` times.
   */
  readonly fieldCosts?: Readonly<Record<string, number>>;
  /** Times one priced field may be selected in one operation, aliases included (LIMIT_PRICED_FIELD_REPEATS). */
  readonly maxPricedFieldRepeats?: number;
  /** Deepest nesting of arrays and objects in an operation's variables (LIMIT_VARIABLES_DEPTH). */
  readonly maxVariablesDepth?: number;
  /** Most values in an operation's variables together (LIMIT_VARIABLES_VALUES). */
  readonly maxVariableValues?: number;
  /** Allow `__schema` and `__type` (INTROSPECTION_ENABLED). */
  readonly introspectionEnabled?: boolean;
  /** The allow-list (PERSISTED_OPERATIONS_FILE); absent or null: any document may run. */
  readonly persistedOperations?: PersistedOperations | null;
  /** Operations a minute per caller (RATE_LIMIT_PER_MINUTE); 0 turns rate limiting off. */
  readonly rateLimitPerMinute?: number;
  /** Operations a caller may send at once (RATE_LIMIT_BURST). */
  readonly rateLimitBurst?: number;
  /** Callers whose rate is remembered at most (memory bound). */
  readonly maxRateLimitedCallers?: number;
  /** Clock for the rate limiter (ms). */
  readonly now?: () => number;
}

/**
 * Fields whose work is out of proportion to their answer: `verifyAuditChain` reads and hashes the
 * whole audit chain (100 aliases of it at cost 1 held the event loop 28 s).
 */
export const DEFAULT_FIELD_COSTS: Readonly<Record<string, number>> = { 'Query.verifyAuditChain': 2500 };

/** Who sends an operation, as the gateway context knows it. */
export interface LimitsCaller {
  /** The verified caller (an auth/identity Identity); rates are kept per subject when there is one. */
  readonly identity: { readonly subject: string } | null;
  /** Otherwise per network address. */
  readonly clientAddress: string;
}

/** What the limits see of a request before its document is parsed. */
export interface AdmissionRequest {
  /** The document's text; absent when an APQ-style request names it by hash only. */
  readonly query: string | undefined;
  /** The request's `extensions` (untrusted), for `persistedQuery.sha256Hash`. */
  readonly extensions?: Readonly<Record<string, unknown>> | undefined;
  /** The request's variables (untrusted): their shape is checked before anything else reads them. */
  readonly variables?: unknown;
  readonly caller: LimitsCaller;
}

export type Admission =
  | {
      readonly admitted: true;
      /** The document to parse: the request's, or the allow-list's for a hash-only request. */
      readonly query: string | undefined;
      /** The allow-list is on: it decided, and the request's `persistedQuery` extension is spent. */
      readonly allowListed: boolean;
    }
  | { readonly admitted: false; readonly error: LimitError };

/** What the limits see of a parsed (and, over HTTP, validated) operation. */
export interface DocumentCheck {
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  /** The client-facing (API) schema it runs against. */
  readonly schema: GraphQLSchema;
}

/** The hub's limits against abuse, with their state (rate buckets); shared by HTTP and WebSocket. */
export interface OperationLimits {
  /** Phase one, before parsing: the caller's rate, the document's size, the allow-list. */
  admit(request: AdmissionRequest): Admission;
  /** Phase two, on the parsed document: the operation to run, its variables, introspection, depth, cost. Null when it may run. */
  checkDocument(check: DocumentCheck): LimitError | null;
  /**
   * A request refused before it became an operation (no or bad token, too large, wrong content
   * type, CSRF, batching): it takes a token from its address's rate, so that a flood of refused
   * requests is rate-limited like operations are. Null when rate limiting is off.
   */
  refused(clientAddress: string): RateDecision | null;
  /** Whether the address has spent its rate on refused requests (or operations): its requests are turned away at once. */
  isAddressLimited(clientAddress: string): boolean;
}

/** The key a caller's rate is kept under: its subject when known, else its network address. */
export function callerKeyOf(caller: LimitsCaller): string {
  return caller.identity ? `subject:${caller.identity.subject}` : `address:${caller.clientAddress}`;
}

/**
 * Creates the limits of issue 5 ("Limits against abuse"). Each refusal is a `LimitError`: a
 * GraphQL error with a registered code and the HTTP status to answer with. Cheap checks come
 * first, and nothing is parsed before the rate and the size have been checked.
 */
export function createOperationLimits(options: OperationLimitsOptions = {}): OperationLimits {
  const {
    maxDocumentBytes = 32 * 1024,
    maxDepth = 12,
    maxCost = 5000,
    defaultListSize = 10,
    listSizes = {},
    introspectionEnabled = false,
    fieldCosts = DEFAULT_FIELD_COSTS,
    maxPricedFieldRepeats = 1,
    maxVariablesDepth = 32,
    maxVariableValues = 10_000,
    persistedOperations = null,
    rateLimitPerMinute = 600,
    rateLimitBurst = 100,
    maxRateLimitedCallers,
    now,
  } = options;
  const rates: RateLimiter | null =
    rateLimitPerMinute > 0
      ? createRateLimiter({
          perMinute: rateLimitPerMinute,
          burst: rateLimitBurst,
          ...(maxRateLimitedCallers !== undefined ? { maxCallers: maxRateLimitedCallers } : {}),
          ...(now ? { now } : {}),
        })
      : null;

  const pricedFields = new Set(Object.keys(fieldCosts));
  const variableBounds: VariableBounds = { maxDepth: maxVariablesDepth, maxValues: maxVariableValues };

  const admit = (request: AdmissionRequest): Admission => {
    const rate = rates?.take(callerKeyOf(request.caller));
    if (rate && !rate.allowed) return { admitted: false, error: rateLimited(rate.retryAfterSeconds, rateLimitPerMinute) };
    const { query } = request;
    const hasQuery = query !== undefined && query !== '';
    if (hasQuery) {
      // Before anything reads the text: hashing or parsing an oversized document is the cost to avoid.
      const sizeBytes = Buffer.byteLength(query, 'utf8');
      if (sizeBytes > maxDocumentBytes) return { admitted: false, error: documentTooLarge(sizeBytes, maxDocumentBytes) };
    }
    // Before anything walks them (the audit record, coercion): variables no operation could use.
    const shape = checkVariablesShape(request.variables, variableBounds);
    if (shape) return { admitted: false, error: shape };
    if (!persistedOperations) return { admitted: true, query, allowListed: false };
    if (hasQuery) {
      const hash = sha256Hex(query);
      return persistedOperations.allows(hash)
        ? { admitted: true, query, allowListed: true }
        : { admitted: false, error: operationNotAllowed(hash) };
    }
    const hash = persistedQueryHash(request.extensions);
    if (hash === null) return { admitted: true, query, allowListed: true };
    const body = persistedOperations.bodyOf(hash);
    return body === undefined ? { admitted: false, error: persistedOperationNotFound(hash) } : { admitted: true, query: body, allowListed: true };
  };

  const checkOperation = (
    operation: OperationDefinitionNode,
    fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    check: DocumentCheck,
  ): LimitError | null => {
    if (!introspectionEnabled) {
      const field = findIntrospectionField(operation, fragments);
      if (field) return introspectionDisabled(field);
    }
    const depth = measureDepth(operation, fragments);
    if (depth > maxDepth) return queryTooDeep(depth, maxDepth);
    if (pricedFields.size > 0) {
      for (const [coordinate, times] of countPricedFields(operation, fragments, check.schema, pricedFields)) {
        if (times > maxPricedFieldRepeats) return pricedFieldRepeated(coordinate, times, maxPricedFieldRepeats);
      }
    }
    const cost = estimateCost(operation, fragments, { schema: check.schema, variables: check.variables ?? {}, defaultListSize, listSizes, fieldCosts });
    return cost > maxCost ? queryTooCostly(cost, maxCost) : null;
  };

  const checkDocument = (check: DocumentCheck): LimitError | null => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    const operations: OperationDefinitionNode[] = [];
    for (const definition of check.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    }
    // The operation that will run: without one, nothing runs, and the client is told why.
    const chosen = getOperationAST(check.document, check.operationName ?? undefined);
    if (!chosen) return operations.length > 1 || check.operationName ? operationNameRequired(operations.length, check.operationName ?? null) : null;
    const variables = checkDeclaredVariables(chosen, check.variables, check.schema, variableBounds);
    return variables ?? checkOperation(chosen, fragments, check);
  };

  const addressKey = (clientAddress: string) => callerKeyOf({ identity: null, clientAddress });

  return {
    admit,
    checkDocument,
    refused: (clientAddress) => rates?.take(addressKey(clientAddress)) ?? null,
    isAddressLimited: (clientAddress) => rates?.isExhausted(addressKey(clientAddress)) ?? false,
  };
}

/** `extensions.persistedQuery.sha256Hash` (Apollo APQ), read defensively: it is client input. */
function persistedQueryHash(extensions: Readonly<Record<string, unknown>> | undefined): string | null {
  const persisted = extensions?.persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return null;
  const hash = (persisted as Record<string, unknown>).sha256Hash;
  return typeof hash === 'string' && hash !== '' ? hash : null;
}

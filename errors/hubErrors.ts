import { GraphQLError, type GraphQLErrorOptions, type GraphQLFormattedError } from 'graphql';

/** Every error code the hub puts in `extensions.code`, with what it means for a client. */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument is out of range or malformed; fix the request.',
  SUBGRAPH_UNAVAILABLE: 'A subgraph could not be reached; the answer holds what the others returned.',
  CAMERA_UNAVAILABLE: 'The camera could not be commanded: no adapter here controls it, or the device did not answer.',
  INTERNAL_SERVER_ERROR: 'Something failed inside the hub; details are in its log, not in the answer.',
  DOCUMENT_TOO_LARGE: 'The GraphQL document is longer than LIMIT_DOCUMENT_BYTES; it was not parsed (HTTP 413).',
  QUERY_TOO_DEEP: 'The operation nests fields deeper than LIMIT_MAX_DEPTH (`extensions.depth`, `extensions.maxDepth`).',
  QUERY_TOO_COSTLY: 'The operation\'s estimated cost exceeds LIMIT_MAX_COST (`extensions.estimatedCost`, `extensions.maxCost`); ask for fewer or smaller lists.',
  INTROSPECTION_DISABLED: 'Schema introspection (`__schema`, `__type`) is off on this hub (INTROSPECTION_ENABLED).',
  PERSISTED_OPERATION_NOT_FOUND: 'No operation in the persisted-operation allow-list has this hash; send one the hub lists.',
  OPERATION_NOT_ALLOWED: 'Only operations in the persisted-operation allow-list run on this hub (PERSISTED_OPERATIONS_FILE).',
  RATE_LIMITED: 'Too many operations from this caller; retry after `extensions.retryAfterSeconds` (HTTP 429).',
  UNAUTHENTICATED: 'No valid bearer token: missing, malformed, expired, or not from the configured issuer (HTTP 401; WebSocket close 4401).',
  LOCKED_OUT: 'Too many failed authentications for this identity or address; retry after `extensions.retryAfterSeconds` (HTTP 429).',
  FORBIDDEN: 'The caller may not read this field (it is null, `path` names it) or run this operation; `extensions.coordinate` names the field.',
  PURPOSE_REQUIRED: 'The operation reads restricted data; state the case or incident number in the X-Purpose header (HTTP 403).',
  AUDIT_UNAVAILABLE: 'The audit record of the operation could not be written, so it is not answered.',
  VARIABLES_REFUSED: 'A variable the operation does not declare, or one nested deeper or larger than its declared type allows (LIMIT_VARIABLES_*); refused before anything ran (`extensions.variable`).',
  GRAPHQL_VALIDATION_FAILED: 'The operation is not valid against the schema (an unknown field, a missing argument, a wrong type); nothing ran.',
  OPERATION_NAME_REQUIRED: 'The document holds several operations: name the one to run in `operationName` (HTTP 400).',
  BAD_REQUEST: 'The HTTP request is no GraphQL request the gateway takes: malformed JSON, a body over the size limit (413), an unsupported content type (415), a batch, or a request without CSRF-safe headers; `extensions.status` is the HTTP status.',
  DATA_DIRECTORY_IN_USE: 'At start, not in answers: the embedded database\'s data directory (PGLITE_DATA_DIR) is held by another live process (its lock file names it); PGlite serves one process at a time.',
  INGEST_PAYLOAD_TOO_LARGE: 'An ingest payload (an EIDO POST body or poll answer) is larger than EIDO_BODY_LIMIT_BYTES; it was not read, and a dead letter records it (HTTP 413).',
  SIGNATURE_REPLAYED: 'A subgraph refused a gateway signature it had already accepted (a replayed request or connection; HTTP 401).',
  PURPOSE_INVALID: 'The stated purpose (X-Purpose) is no case or incident number: control characters, more than 64 characters, or not matching PURPOSE_PATTERN (`extensions.pattern`; HTTP 400, WebSocket close 4403).',
  PURPOSE_UNKNOWN_INCIDENT: 'The stated purpose has the form of an incident number (PURPOSE_INCIDENT_PATTERN) but CAD knows no such incident (HTTP 403, WebSocket close 4403).',
  LINK_REFUSED: 'A signed hub link (/community/media, /community/upload, /community/download) was refused: a bad signature, expired, another kind of link, or what it names is gone or no longer allowed (HTTP 403, JSON `{ error: { code, message } }`).',
  CLIP_TOO_LARGE: 'An uploaded footage clip is larger than COMMUNITY_FOOTAGE_MAX_BYTES; nothing was stored (HTTP 413).',
  FOOTAGE_REQUEST_CLOSED: 'The footage request is no longer in a state that allows this (answered, denied, fulfilled or expired; `extensions.status`).',
  GRAPHQL_PARSE_FAILED: 'The document is not GraphQL (a syntax error; `locations` points at it); nothing ran. The code Apollo Server gives the same failure.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What an error carries in `extensions` besides its code, which only the registry gives. */
export type HubErrorExtensions = Readonly<Record<string, unknown>> & { readonly code?: never };

/** The rest of a GraphQL error: where in the document or the answer it points. */
export type HubErrorOptions = Omit<GraphQLErrorOptions, 'extensions'>;

/** A GraphQL error with a registered code. */
export class HubError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: HubErrorExtensions = {}, options: HubErrorOptions = {}) {
    super(message, { ...options, extensions: { ...extensions, code } });
    this.code = code;
    this.name = 'HubError';
  }
}

/** An entry of a response's `errors` with a registered code, as sent: for answers built, not thrown. */
export interface FormattedHubError extends GraphQLFormattedError {
  readonly extensions: { readonly code: ErrorCode; readonly [key: string]: unknown };
}

/**
 * The formatted form of a coded error, for answers the hub writes itself (an HTTP refusal, a
 * withheld field, a masked error). `where` holds `locations` and `path`, kept in its order.
 */
export function formattedHubError(
  code: ErrorCode,
  message: string,
  extensions: HubErrorExtensions = {},
  where: Pick<GraphQLFormattedError, 'locations' | 'path'> = {},
): FormattedHubError {
  return { message, ...where, extensions: { code, ...extensions } };
}

/** A client error in an argument: names the argument and what was wrong. */
export function badUserInput(argument: string, problem: string): HubError {
  return new HubError('BAD_USER_INPUT', `Argument "${argument}" ${problem}`, { argument });
}

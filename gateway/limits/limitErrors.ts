import { type ErrorCode, HubError } from '../../errors/hubErrors';

/** The codes a limit refuses an operation with (registered in errors/hubErrors.ts). */
export type LimitCode = Extract<
  ErrorCode,
  | 'DOCUMENT_TOO_LARGE'
  | 'QUERY_TOO_DEEP'
  | 'QUERY_TOO_COSTLY'
  | 'INTROSPECTION_DISABLED'
  | 'PERSISTED_OPERATION_NOT_FOUND'
  | 'OPERATION_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'VARIABLES_REFUSED'
  | 'OPERATION_NAME_REQUIRED'
>;

/** A refusal by one of the limits: a coded GraphQL error and the HTTP status it answers with. */
export class LimitError extends HubError {
  declare readonly code: LimitCode;
  /** The HTTP status of the response over HTTP (graphql-over-http request error). */
  readonly httpStatus: number;
  /** For RATE_LIMITED: whole seconds until the caller may try again (the `Retry-After` header). */
  readonly retryAfterSeconds: number | null;

  constructor(code: LimitCode, message: string, httpStatus: number, extensions: Record<string, unknown> = {}) {
    super(code, message, extensions);
    this.name = 'LimitError';
    this.httpStatus = httpStatus;
    const retryAfter = extensions.retryAfterSeconds;
    this.retryAfterSeconds = typeof retryAfter === 'number' ? retryAfter : null;
  }
}

export function documentTooLarge(sizeBytes: number, maxBytes: number): LimitError {
  return new LimitError('DOCUMENT_TOO_LARGE', `The document is ${sizeBytes} bytes long; the limit is ${maxBytes} bytes`, 413, {
    sizeBytes,
    maxBytes,
  });
}

export function queryTooDeep(depth: number, maxDepth: number): LimitError {
  return new LimitError('QUERY_TOO_DEEP', `The operation nests fields ${depth} deep; the limit is ${maxDepth}`, 400, { depth, maxDepth });
}

export function queryTooCostly(estimatedCost: number, maxCost: number): LimitError {
  // An astronomically nested estimate is still a number a client can read.
  const shown = Number.isFinite(estimatedCost) ? estimatedCost : Number.MAX_SAFE_INTEGER;
  return new LimitError(
    'QUERY_TOO_COSTLY',
    `The operation's estimated cost is ${shown}; the limit is ${maxCost}. Ask for fewer or smaller lists (first, limit)`,
    400,
    { estimatedCost: shown, maxCost },
  );
}

export function introspectionDisabled(field: string): LimitError {
  return new LimitError('INTROSPECTION_DISABLED', `Introspection is disabled on this hub (the operation selects ${field})`, 400, { field });
}

export function persistedOperationNotFound(sha256Hash: string): LimitError {
  return new LimitError('PERSISTED_OPERATION_NOT_FOUND', 'No persisted operation has this hash', 400, { sha256Hash });
}

export function operationNotAllowed(sha256Hash: string): LimitError {
  return new LimitError('OPERATION_NOT_ALLOWED', 'Only operations in the persisted-operation allow-list may run on this hub', 403, {
    sha256Hash,
  });
}

export function rateLimited(retryAfterSeconds: number, perMinute: number): LimitError {
  return new LimitError(
    'RATE_LIMITED',
    `Too many operations: the limit is ${perMinute} a minute per caller; retry in ${retryAfterSeconds} s`,
    429,
    { retryAfterSeconds },
  );
}

export function variablesRefused(variable: string | null, message: string): LimitError {
  return new LimitError('VARIABLES_REFUSED', message, 400, variable === null ? {} : { variable });
}

export function operationNameRequired(operations: number, operationName: string | null): LimitError {
  const message =
    operationName === null
      ? `The document holds ${operations} operations; name the one to run in operationName`
      : `The document holds no operation named "${operationName}"`;
  return new LimitError('OPERATION_NAME_REQUIRED', message, 400, { operations });
}

export function pricedFieldRepeated(field: string, repeats: number, maxRepeats: number): LimitError {
  return new LimitError(
    'QUERY_TOO_COSTLY',
    `The operation selects ${field} ${repeats} times; an expensive field may be selected at most ${maxRepeats} time(s) per operation`,
    400,
    { field, repeats, maxRepeats },
  );
}

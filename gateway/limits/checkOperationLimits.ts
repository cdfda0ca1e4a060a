import { type DocumentNode, GraphQLError, type GraphQLSchema, parse } from 'graphql';
import { HubError } from '../../errors/hubErrors';
import type { LimitsCaller, OperationLimits } from './createOperationLimits';

/** One operation as a graphql-ws `subscribe` message carries it, with who sent it. */
export interface OperationLimitsRequest {
  /** `payload.query`; empty or absent when an APQ-style client names the document by hash only. */
  readonly query: string | undefined;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
  /** `payload.extensions` (untrusted). */
  readonly extensions?: Readonly<Record<string, unknown>> | null | undefined;
  readonly caller: LimitsCaller;
  /** The client-facing (API) schema. */
  readonly schema: GraphQLSchema;
}

export type OperationLimitsVerdict =
  | {
      readonly allowed: true;
      /** The document to run: the client's, or the allow-list's for a hash-only request. */
      readonly query: string;
      /** It, parsed (not validated). */
      readonly document: DocumentNode;
    }
  /** A LimitError (coded), or the parser's syntax error; send it as the operation's error. */
  | { readonly allowed: false; readonly error: GraphQLError };

/**
 * Every limit, for one operation outside Apollo Server (the WebSocket subscribe path): the
 * caller's rate, the document's size and the allow-list before parsing, then introspection,
 * depth and cost. Parses the document (once) and hands it back, so the caller need not parse it
 * again; validation against the schema remains the caller's.
 */
export function checkOperationLimits(limits: OperationLimits, request: OperationLimitsRequest): OperationLimitsVerdict {
  const admission = limits.admit({ query: request.query, extensions: request.extensions ?? undefined, variables: request.variables, caller: request.caller });
  if (!admission.admitted) return { allowed: false, error: admission.error };
  const query = admission.query ?? '';
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    // Coded as Apollo Server codes the same failure over HTTP.
    const syntax = error instanceof GraphQLError ? error : null;
    return {
      allowed: false,
      error: new HubError(
        'GRAPHQL_PARSE_FAILED',
        syntax?.message ?? 'The document could not be parsed',
        {},
        syntax?.source && syntax.positions ? { source: syntax.source, positions: syntax.positions } : {},
      ),
    };
  }
  const refusal = limits.checkDocument({
    document,
    operationName: request.operationName,
    variables: request.variables ?? undefined,
    schema: request.schema,
  });
  return refusal ? { allowed: false, error: refusal } : { allowed: true, query, document };
}

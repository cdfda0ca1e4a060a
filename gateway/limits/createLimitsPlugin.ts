import { type ApolloServerPlugin, type GraphQLRequest, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { LimitsCaller, OperationLimits } from './createOperationLimits';
import type { LimitError } from './limitErrors';

/** What the plugin reads from the Apollo context value (the gateway's GatewayContext has both). */
export interface LimitsContext {
  readonly identity: LimitsCaller['identity'];
  readonly clientAddress: string;
}

/**
 * Parsed and validated in place of a document refused before parsing: Apollo Server turns only
 * errors thrown from `didResolveOperation` into a response (an error from `requestDidStart` is a
 * 500), and it parses `request.query` in between, so the refused text is swapped for this.
 */
const REFUSED_DOCUMENT = 'query RefusedByLimits { __typename }';

/** The client's document, for requests whose text the limits swapped out (for audit records). */
const refusedQueries = new WeakMap<GraphQLRequest, string | undefined>();

/**
 * The document the client sent, when the limits refused the request before parsing and Apollo's
 * `requestContext.source`/`queryHash` therefore describe REFUSED_DOCUMENT; undefined otherwise.
 */
export function originalQueryOf(request: GraphQLRequest): string | undefined {
  return refusedQueries.get(request);
}

/**
 * The limits as an Apollo Server plugin, for queries and mutations over HTTP (and through
 * `executeOperation`). In `requestDidStart`, before anything is parsed: the caller's rate, the
 * document's size and the allow-list (a hash-only APQ-style request gets its document from the
 * allow-list here, and the `persistedQuery` extension is removed so that Apollo's own APQ cache
 * plays no part). In `didResolveOperation`: introspection, depth and cost. A refusal answers
 * with its code and HTTP status (413 too large, 429 rate limited with `Retry-After`, 403 not
 * allowed, 400 otherwise). List it before plugins that act on the operation.
 */
export function createLimitsPlugin<TContext extends LimitsContext>(limits: OperationLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      // `executeOperation` without a context value hands plugins `{}`: such a caller is "unknown".
      const admission = limits.admit({
        query: request.query,
        extensions: request.extensions,
        variables: request.variables,
        caller: { identity: contextValue.identity ?? null, clientAddress: contextValue.clientAddress ?? 'unknown' },
      });
      let refusal: LimitError | null = null;
      if (!admission.admitted) {
        refusal = admission.error;
        refusedQueries.set(request, request.query);
        request.query = REFUSED_DOCUMENT;
        request.extensions = withoutPersistedQuery(request.extensions);
      } else if (admission.allowListed) {
        request.query = admission.query;
        request.extensions = withoutPersistedQuery(request.extensions);
      }
      return {
        async didResolveOperation({ document, schema }) {
          if (refusal) throw forHttp(refusal);
          const error = limits.checkDocument({ document, operationName: request.operationName, variables: request.variables, schema });
          if (error) throw forHttp(error);
        },
      };
    },
  };
}

/** The refusal with its HTTP status (and `Retry-After`), which Apollo Server strips from the body. */
function forHttp(error: LimitError): GraphQLError {
  const headers = new HeaderMap();
  if (error.retryAfterSeconds !== null) headers.set('retry-after', String(error.retryAfterSeconds));
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: error.httpStatus, headers } } });
}

function withoutPersistedQuery(extensions: GraphQLRequest['extensions']): GraphQLRequest['extensions'] {
  if (!extensions || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _persistedQuery, ...rest } = extensions;
  return rest;
}

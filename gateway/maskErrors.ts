import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ERROR_CODES, formattedHubError } from '../errors/hubErrors';

/** Codes whose message is safe to show a client as is: ours, and GraphQL's request errors. */
const PUBLIC_CODES = new Set<string>([
  ...Object.keys(ERROR_CODES),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Apollo Server `formatError`: errors with a public code pass through; anything else (a
 * subgraph's internal failure, a bug) is logged in full and replaced by a generic message that
 * still names the subgraph, so that no SQL, stack or vendor detail reaches a client.
 */
export function createErrorMasker(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: error, path: formatted.path }, 'masked error');
    const serviceName = formatted.extensions?.serviceName;
    return formattedHubError(
      'INTERNAL_SERVER_ERROR',
      typeof serviceName === 'string' ? `Subgraph "${serviceName}" failed` : 'Internal server error',
      typeof serviceName === 'string' ? { serviceName } : {},
      {
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
      },
    );
  };
}

import { type Span, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { ApolloServerPlugin, GraphQLRequestContext, HeaderMap } from '@apollo/server';
import { type DocumentNode, Kind } from 'graphql';
import type { HubMetrics, OperationOutcome } from '../observability/createHubMetrics';
import { hubTracer } from '../observability/hubTracer';
import { setOperationTrace } from './operationTrace';

/** Reads W3C trace-context headers off Apollo Server's request headers. */
const HEADER_GETTER = {
  keys: (carrier: HeaderMap) => [...carrier.keys()],
  get: (carrier: HeaderMap, key: string) => carrier.get(key),
};

/**
 * Metrics and traces of GraphQL operations: one span per operation, a child of the HTTP
 * request's span (observability/traceHttpRequests, which continues the client's W3C
 * `traceparent`) or else of the `traceparent` the request carries; its subgraph fetches are its
 * children (see createSubgraphDataSource). And
 * one count and latency observation per operation by name and outcome. Operations refused before
 * Apollo Server sees them (no token, malformed HTTP) are not operations here; the audit trail
 * and the logs have them.
 */
export function createTelemetryPlugin<TContext extends object>(metrics: Pick<HubMetrics, 'operationFinished'> | undefined): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart(requestContext) {
      const started = performance.now();
      const headers = requestContext.request.http?.headers;
      const active = context.active();
      const parent = trace.getSpan(active) || !headers ? active : propagation.extract(active, headers, HEADER_GETTER);
      const span: Span = hubTracer().startSpan('graphql operation', {}, parent);
      setOperationTrace(requestContext.contextValue, trace.setSpan(parent, span));
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          span.updateName(`graphql ${operation.operation}${operationName ? ` ${operationName}` : ''}`);
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async willSendResponse(responseContext) {
          const outcome = outcomeOf(responseContext);
          if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: firstErrorCode(responseContext) ?? outcome });
          span.setAttribute('rtcc.outcome', outcome);
          span.end();
          const name = responseContext.operationName ?? responseContext.request.operationName ?? nameInDocument(responseContext.document);
          metrics?.operationFinished(name ?? null, outcome, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/** The name of a document's only operation (an operation that failed validation has no resolved name yet). */
function nameInDocument(document: DocumentNode | undefined): string | undefined {
  const operations = document?.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION) ?? [];
  return operations.length === 1 ? operations[0]?.name?.value : undefined;
}

function outcomeOf(requestContext: GraphQLRequestContext<object>): OperationOutcome {
  const { body } = requestContext.response;
  if (body?.kind !== 'single') return 'ok';
  const { data, errors } = body.singleResult;
  if (!errors || errors.length === 0) return 'ok';
  return data === undefined || data === null ? 'error' : 'partial';
}

function firstErrorCode(requestContext: GraphQLRequestContext<object>): string | undefined {
  const { body } = requestContext.response;
  if (body?.kind !== 'single') return undefined;
  const code = body.singleResult.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

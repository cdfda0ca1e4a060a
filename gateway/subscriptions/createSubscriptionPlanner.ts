import { type GraphQLDataSource, type ServiceMap, buildOperationContext, executeQueryPlan } from '@apollo/gateway';
import { type Context, context as otelContext } from '@opentelemetry/api';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { type FetchNode, type PlanNode, type QueryPlan, QueryPlanner } from '@apollo/query-planner';
import { type DocumentNode, type ExecutionResult, type FieldNode, type GraphQLSchema, Kind, parse, print } from 'graphql';
import type { Logger } from 'pino';
import { setOperationTrace } from '../operationTrace';
import { createBatchingDataSource } from './createBatchingDataSource';
import { type SubscriptionTraits, coalescedFieldsOf, readSubscriptionTraits } from './readSubscriptionTraits';

/** A subscription operation, planned: what to subscribe to upstream, and how to complete each event. */
export interface PlannedSubscription {
  /** The subgraph that owns the subscription field. */
  readonly service: string;
  /** The operation to subscribe to on that subgraph, and its variables. */
  readonly operation: string;
  readonly variables: Record<string, unknown>;
  /**
   * Completes one upstream event through the rest of the plan (entity fetches to other
   * subgraphs). The fetches are spans under `trace` (the event's), by default the active context.
   */
  complete(event: ExecutionResult, trace?: Context): Promise<ExecutionResult>;
}

export interface SubscriptionPlanner {
  /** The client-facing (API) schema, for validating operations. */
  readonly schema: GraphQLSchema;
  /** What the subgraphs declared about each subscription field (see readSubscriptionTraits). */
  readonly traits: SubscriptionTraits;
  plan(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): PlannedSubscription;
}

export interface SubscriptionPlannerOptions {
  readonly supergraphSdl: string;
  /** The data source of every subgraph, by name. */
  readonly dataSources: Readonly<Record<string, GraphQLDataSource>>;
  readonly logger: Logger;
}

/**
 * Plans subscriptions with the federation query planner, which yields a `SubscriptionNode`: a
 * primary fetch to the subgraph that owns the field, then the rest of the plan. The gateway
 * subscribes to the primary fetch upstream and, for each event, executes
 * `Sequence(primary, rest)` with the primary fetch answered by the event itself, so that the
 * rest (entity fetches, `@requires`) and the shaping of the response are the stock executor's.
 * Entity fetches of events that arrive together are merged (see createBatchingDataSource).
 */
export function createSubscriptionPlanner(options: SubscriptionPlannerOptions): SubscriptionPlanner {
  const { supergraphSdl, dataSources, logger } = options;
  const traits = readSubscriptionTraits(supergraphSdl);
  // Coalesced fields' upstream events must carry the field that keys them.
  const keyFields = coalescedFieldsOf(traits);
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const schema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const batched: ServiceMap = Object.fromEntries(
    Object.entries(dataSources).map(([name, source]) => [name, createBatchingDataSource(source, { name })]),
  );

  return {
    schema,
    traits,
    plan(document, operationName, variables) {
      const operationContext = buildOperationContext({ schema, operationDocument: document, operationName: operationName ?? undefined });
      const operation = operationFromDocument(apiSchema, document, { operationName: operationName ?? undefined });
      const queryPlan = planner.buildQueryPlan(operation);
      const node = queryPlan.node;
      if (node?.kind !== 'Subscription') throw new Error('Not a subscription operation');
      const { primary, rest } = node;
      const upstreamVariables = Object.fromEntries(
        (primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
      );
      const executable: QueryPlan = {
        kind: 'QueryPlan',
        node: rest ? { kind: 'Sequence', nodes: [primary as PlanNode, rest] } : primary,
      };
      return {
        service: primary.serviceName,
        operation: withKeyFields(primary.operation, keyFields),
        variables: upstreamVariables,
        complete: (event, trace = otelContext.active()) => {
          const requestContext = requestContextFor(variables, logger);
          // Each fetch's span is a child of the event's (as a query's are of its operation's);
          // active too, so that the executor's own spans (gateway.execute, …) fall under it.
          setOperationTrace(requestContext.context, trace);
          return otelContext.with(trace, () =>
            executeQueryPlan(
              executable,
              answerPrimaryWith(batched, primary, event),
              requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
              operationContext,
              supergraphSchema,
              apiSchema,
              undefined,
            ),
          ) as Promise<ExecutionResult>;
        },
      };
    },
  };
}

/** A service map in which the primary fetch is answered by the event already received. */
function answerPrimaryWith(services: ServiceMap, primary: FetchNode, event: ExecutionResult): ServiceMap {
  const upstream = services[primary.serviceName];
  return {
    ...services,
    [primary.serviceName]: {
      process: async (options) => {
        if (options.request.query === primary.operation) {
          return { data: (event.data ?? null) as Record<string, unknown> | null, ...(event.errors ? { errors: [...event.errors] } : {}) };
        }
        if (!upstream) throw new Error(`No data source for subgraph "${primary.serviceName}"`);
        return upstream.process(options);
      },
    },
  };
}

/** The parts of Apollo's request context that executeQueryPlan reads. */
function requestContextFor(variables: Record<string, unknown>, logger: Logger) {
  return { request: { variables }, context: {}, logger, metrics: {} };
}

/** Adds each root field's key field (field → key) to its selection when it is missing. */
function withKeyFields(operation: string, keys: ReadonlyMap<string, string>): string {
  const document = parse(operation);
  let changed = false;
  const definitions = document.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return definition;
    const selections = definition.selectionSet.selections.map((selection) => {
      const key = selection.kind === Kind.FIELD ? keys.get(selection.name.value) : undefined;
      if (selection.kind !== Kind.FIELD || !key || !selection.selectionSet) return selection;
      const hasKey = selection.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === key && !s.alias);
      if (hasKey) return selection;
      changed = true;
      const keyField: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: key } };
      return { ...selection, selectionSet: { ...selection.selectionSet, selections: [...selection.selectionSet.selections, keyField] } };
    });
    return { ...definition, selectionSet: { ...definition.selectionSet, selections } };
  });
  return changed ? print({ ...document, definitions }) : operation;
}

import { stripSecurityPurpose } from '../gateway/authorization/stripSecurityPurpose';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import {
  type PlanNode,
  type QueryPlan,
  type QueryPlanSelectionNode,
  QueryPlanner,
  prettyFormatQueryPlan,
} from '@apollo/query-planner';
import { parse } from 'graphql';

/**
 * Plans `query` over the supergraph exactly as the hub's gateway does: `createGateway` builds
 * an `ApolloGateway` from the same SDL with no `queryPlannerConfig`, and the gateway plans with
 * `new QueryPlanner(supergraph, undefined)` and `operationFromDocument(apiSchema, document)`.
 */
export function planQuery(supergraphSdl: string, query: string): QueryPlan {
  const supergraph = Supergraph.build(stripSecurityPurpose(supergraphSdl));
  const operation = operationFromDocument(supergraph.apiSchema(), parse(query));
  return new QueryPlanner(supergraph).buildQueryPlan(operation);
}

/** The plan as `@apollo/query-planner` prints it. */
export function formatPlanInFull(plan: QueryPlan): string {
  return prettyFormatQueryPlan(plan);
}

/**
 * The plan in short form: one line per node, each fetch with its subgraph, the path it is
 * flattened at, the fields `@requires`/`@key` put in its representations, and its operation.
 */
export function formatPlanOutline(plan: QueryPlan): string {
  const lines: string[] = [];
  const visit = (node: PlanNode, depth: number, path: string) => {
    const indent = '  '.repeat(depth);
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel':
        lines.push(`${indent}${node.kind}`);
        node.nodes.forEach((child) => visit(child, depth + 1, ''));
        return;
      case 'Flatten':
        visit(node.node, depth, node.path.join('.'));
        return;
      case 'Fetch': {
        const at = path ? ` at ${path}` : ' (root)';
        const requires = node.requires ? ` with representations ${formatSelections(node.requires)}` : '';
        lines.push(`${indent}Fetch ${node.serviceName}${at}${requires}`);
        lines.push(`${indent}  ${node.operation}`);
        return;
      }
      case 'Defer':
      case 'Condition':
        lines.push(`${indent}${node.kind} (not expected in this benchmark)`);
        return;
    }
  };
  if (plan.node?.kind === 'Subscription') lines.push('Subscription (not expected in this benchmark)');
  else if (plan.node) visit(plan.node, 0, '');
  return lines.join('\n');
}

/** `{ ... on Unit { __typename id position { point { lat lon } } } }` style, on one line. */
export function formatSelections(selections: readonly QueryPlanSelectionNode[]): string {
  const parts = selections.map((selection) => {
    if (selection.kind === 'InlineFragment') {
      const on = selection.typeCondition ? `... on ${selection.typeCondition} ` : '... ';
      return `${on}${formatSelections(selection.selections)}`;
    }
    return selection.selections ? `${selection.name} ${formatSelections(selection.selections)}` : selection.name;
  });
  return `{ ${parts.join(' ')} }`;
}

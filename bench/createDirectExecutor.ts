import type { FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import { type GraphQLReply, assertLoopbackUrl, isErrorReply, postGraphQL } from './postGraphQL';

/** One subgraph fetch the direct path made, as the subgraph answered it. */
export interface DirectFetch {
  readonly serviceName: string;
  /** Where the plan flattens the fetch (`incident.nearbyUnits.@.unit`), or '' for a root fetch. */
  readonly path: string;
  /** The representations sent, for `_entities` fetches. */
  readonly representations: readonly Record<string, unknown>[] | null;
  readonly reply: GraphQLReply;
}

/** What one run of the plan produced: every fetch's reply, in the order they completed. */
export interface DirectResult {
  readonly fetches: readonly DirectFetch[];
  /** True when any fetch was not HTTP 200 or carried GraphQL `errors`. */
  readonly failed: boolean;
}

/** Runs the plan against the subgraphs for one set of operation variables. */
export type DirectExecutor = (variables: Record<string, unknown>) => Promise<DirectResult>;

type JsonObject = Record<string, unknown>;

/**
 * The field paths later fetches read their representations from: the flatten path followed by
 * the `requires` selection. Replies are merged only along these paths, because a zero-overhead
 * gateway needs nothing more to build the next representations.
 */
interface NeedTree {
  readonly children: Map<string, NeedTree>;
}

/**
 * A client that does the plan's work itself, straight against the subgraph URLs: the same
 * operations in the same sequence/parallel order, with `_entities` representations projected
 * from the earlier replies through each fetch's `requires` selection. It builds no final
 * response, which is the point: it is the floor a gateway with no overhead of its own could reach.
 */
export function createDirectExecutor(
  plan: QueryPlan,
  subgraphUrls: Readonly<Record<string, string>>,
  /** Headers for each subgraph request (the gateway signature subgraphs require). */
  headers: (url: string, body: string) => Record<string, string>,
): DirectExecutor {
  const root = plan.node;
  if (!root || root.kind === 'Subscription') throw new Error('bench: the direct path runs query plans only');
  checkSupported(root, subgraphUrls);
  const needs = collectNeeds(root);

  return async (variables) => {
    const fetches: DirectFetch[] = [];
    const data: JsonObject = {};
    const run = async (node: PlanNode, path: readonly string[]): Promise<void> => {
      switch (node.kind) {
        case 'Sequence':
          for (const child of node.nodes) await run(child, []);
          return;
        case 'Parallel':
          await Promise.all(node.nodes.map((child) => run(child, [])));
          return;
        case 'Flatten':
          return run(node.node, node.path.map(String));
        case 'Fetch':
          fetches.push(await runFetch(node, path, { data, variables, needs, url: subgraphUrls[node.serviceName]!, headers }));
          return;
        default:
          throw new Error(`bench: plan node ${node.kind} is not supported by the direct path`);
      }
    };
    await run(root, []);
    return { fetches, failed: fetches.some((fetch) => isErrorReply(fetch.reply)) };
  };
}

async function runFetch(
  node: FetchNode,
  path: readonly string[],
  context: { data: JsonObject; variables: Record<string, unknown>; needs: NeedTree; url: string; headers: (url: string, body: string) => Record<string, string> },
): Promise<DirectFetch> {
  const { data, variables, needs, url } = context;
  const headers = (body: string) => context.headers(url, body);
  const fetchVariables: Record<string, unknown> = {};
  for (const name of node.variableUsages ?? []) fetchVariables[name] = variables[name];

  if (!node.requires) {
    const reply = await postGraphQL(url, node.operation, fetchVariables, headers);
    if (reply.body?.data) mergeNeeded(data, reply.body.data, needs);
    return { serviceName: node.serviceName, path: '', representations: null, reply };
  }

  // As the gateway does: an entity that the `requires` selection does not match is not sent.
  const targets: JsonObject[] = [];
  const representations: JsonObject[] = [];
  for (const entity of entitiesAt(data, path)) {
    const representation = project(entity, node.requires);
    if (representation && typeof representation.__typename === 'string') {
      targets.push(entity);
      representations.push(representation);
    }
  }
  const at = path.join('.');
  if (representations.length === 0) {
    // Nothing to resolve: the gateway skips such a fetch too.
    const reply = { status: 200, body: { data: { _entities: [] } } };
    return { serviceName: node.serviceName, path: at, representations, reply };
  }
  const reply = await postGraphQL(url, node.operation, { ...fetchVariables, representations }, headers);
  const entities = reply.body?.data?._entities;
  const needAtPath = needAt(needs, path);
  if (Array.isArray(entities) && needAtPath) {
    entities.forEach((entity, i) => {
      if (isObject(entity)) mergeNeeded(targets[i]!, entity, needAtPath);
    });
  }
  return { serviceName: node.serviceName, path: at, representations, reply };
}

/** The objects at a plan path; `@` steps into every element of a list. */
function entitiesAt(data: JsonObject, path: readonly string[]): JsonObject[] {
  let current: unknown[] = [data];
  for (const segment of path) {
    current =
      segment === '@'
        ? current.flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : []))
        : current.flatMap((value) => (isObject(value) && value[segment] != null ? [value[segment]] : []));
  }
  return current.filter(isObject);
}

/** Projects an entity through a `requires` selection; null when no inline fragment applies. */
function project(value: JsonObject, selections: readonly QueryPlanSelectionNode[]): JsonObject | null {
  const out: JsonObject = {};
  let matched = false;
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && selection.typeCondition !== value.__typename) continue;
      Object.assign(out, project(value, selection.selections));
      matched = true;
      continue;
    }
    matched = true;
    const field = value[selection.name];
    out[selection.name] = selection.selections ? projectValue(field, selection.selections) : field;
  }
  return matched ? out : null;
}

function projectValue(value: unknown, selections: readonly QueryPlanSelectionNode[]): unknown {
  if (Array.isArray(value)) return value.map((item) => projectValue(item, selections));
  return isObject(value) ? project(value, selections) : (value ?? null);
}

/** Copies from `source` into `target` only what some later fetch will read. */
function mergeNeeded(target: JsonObject, source: JsonObject, need: NeedTree): void {
  for (const [key, child] of need.children) {
    if (key === '@' || !(key in source)) continue;
    target[key] = mergeValue(target[key], source[key], child);
  }
}

function mergeValue(existing: unknown, incoming: unknown, need: NeedTree): unknown {
  if (need.children.size === 0 || incoming === null || typeof incoming !== 'object') return incoming;
  if (Array.isArray(incoming)) {
    // Flatten paths mark list steps with `@`; lists inside a `requires` selection do not.
    const element = need.children.get('@') ?? need;
    const merged = Array.isArray(existing) ? (existing as unknown[]) : [];
    incoming.forEach((item, i) => {
      merged[i] = mergeValue(merged[i], item, element);
    });
    return merged;
  }
  const target = isObject(existing) ? existing : {};
  mergeNeeded(target, incoming as JsonObject, need);
  return target;
}

/** Every flatten path plus the `requires` fields read there, as one tree. */
function collectNeeds(root: PlanNode): NeedTree {
  const tree: NeedTree = { children: new Map() };
  const child = (parent: NeedTree, key: string) => {
    let next = parent.children.get(key);
    if (!next) parent.children.set(key, (next = { children: new Map() }));
    return next;
  };
  const addSelections = (at: NeedTree, selections: readonly QueryPlanSelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === 'InlineFragment') addSelections(at, selection.selections);
      else if (selection.selections) addSelections(child(at, selection.name), selection.selections);
      else child(at, selection.name);
    }
  };
  const visit = (node: PlanNode, path: readonly string[]) => {
    if (node.kind === 'Sequence' || node.kind === 'Parallel') node.nodes.forEach((next) => visit(next, []));
    else if (node.kind === 'Flatten') visit(node.node, node.path.map(String));
    else if (node.kind === 'Fetch' && node.requires) addSelections(path.reduce(child, tree), node.requires);
  };
  visit(root, []);
  return tree;
}

function needAt(tree: NeedTree, path: readonly string[]): NeedTree | undefined {
  let current: NeedTree | undefined = tree;
  for (const segment of path) current = current?.children.get(segment);
  return current;
}

/** Fails before measuring if the plan holds a node or subgraph the direct path cannot run. */
function checkSupported(node: PlanNode, subgraphUrls: Readonly<Record<string, string>>): void {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      node.nodes.forEach((child) => checkSupported(child, subgraphUrls));
      return;
    case 'Flatten':
      if (node.path.some((segment) => String(segment).includes('|') || String(segment).startsWith('...'))) {
        throw new Error(`bench: typed flatten path ${node.path.join('.')} is not supported by the direct path`);
      }
      checkSupported(node.node, subgraphUrls);
      return;
    case 'Fetch': {
      const url = subgraphUrls[node.serviceName];
      if (!url) throw new Error(`bench: no URL for subgraph "${node.serviceName}"`);
      assertLoopbackUrl(url);
      if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length) {
        throw new Error(`bench: fetch to ${node.serviceName} uses rewrites, which the direct path does not apply`);
      }
      return;
    }
    default:
      throw new Error(`bench: plan node ${node.kind} is not supported by the direct path`);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

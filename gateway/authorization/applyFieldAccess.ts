import { type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { formattedHubError } from '../../errors/hubErrors';
import type { FieldAccessDecision } from './decideFieldAccess';
import type { FieldUse, PathStep } from './planFieldAccess';

/** Most FORBIDDEN errors one result carries; a summary error stands for the rest. */
const MAX_FORBIDDEN_ERRORS = 50;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What applying the decisions found in one result. */
export interface AppliedAccess {
  readonly result: ExecutionResult;
  /** Restricted fields that carried a value in the result (coordinates), for the audit record. */
  readonly restrictedReturned: readonly string[];
}

/**
 * Applies access decisions to a result: every withheld field is set to null (or, when its type
 * is non-null, the nearest nullable field above it, as GraphQL's null propagation would) with a
 * FORBIDDEN error carrying its path; subgraph errors below a withheld field are dropped, so that
 * they cannot leak what was withheld. `transform` then rewrites what the caller may only see in
 * a reduced form (city partners' locations). The result is copied, never changed in place: one
 * completed event is shared by every subscriber.
 */
export function applyFieldAccess(
  result: ExecutionResult,
  decision: FieldAccessDecision,
  transform?: (data: Record<string, unknown>) => void,
): AppliedAccess {
  const restrictedReturned = new Set<string>();
  if (decision.denied.length === 0 && !transform && decision.needToKnow.length === 0) return { result, restrictedReturned: [] };
  const data = result.data ? (cloneJson(result.data as Json) as { [key: string]: Json }) : result.data;
  const errors: GraphQLFormattedError[] = [];
  let dataNulled = false;
  const withheldPaths: (string | number)[][] = [];
  let suppressed = 0;

  if (data) {
    for (const { use, reason } of decision.denied) {
      const cut = cutPoint(use.path);
      if (cut < 0) {
        dataNulled = true;
        pushError(errors, use, reason, [use.path[0]?.key ?? ''], () => (suppressed += 1));
        continue;
      }
      visit(data, use.path.slice(0, cut + 1), [], (parent, key, concretePath) => {
        if (!(key in parent)) return;
        parent[key] = null;
        withheldPaths.push(concretePath);
        if (errors.length < MAX_FORBIDDEN_ERRORS) pushError(errors, use, reason, pathAtUse(concretePath, use, cut), () => undefined);
        else suppressed += 1;
      });
    }
    for (const use of decision.needToKnow) {
      visit(data, use.path, [], (parent, key) => {
        const value = parent[key];
        if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)) restrictedReturned.add(use.coordinate);
      });
    }
    if (transform && !dataNulled) transform(data);
  }
  if (suppressed > 0) {
    errors.push(formattedHubError('FORBIDDEN', `${suppressed} more fields were withheld`));
  }
  const kept = (result.errors ?? []).filter((error) => {
    const path = error.path ?? [];
    return !withheldPaths.some((withheld) => withheld.every((segment, index) => path[index] === segment));
  });
  const allErrors = [...kept.map((error) => ('toJSON' in error ? error.toJSON() : error) as GraphQLFormattedError), ...errors];
  const next: ExecutionResult = {
    ...result,
    data: dataNulled ? null : (data as ExecutionResult['data']),
    ...(allErrors.length > 0 ? { errors: allErrors as unknown as ExecutionResult['errors'] } : {}),
  };
  return { result: next, restrictedReturned: [...restrictedReturned] };
}

/** Index of the step whose value becomes null: the field itself, or the nearest nullable above it; -1 for all of `data`. */
function cutPoint(path: readonly PathStep[]): number {
  for (let index = path.length - 1; index >= 0; index -= 1) if (path[index]?.nullable) return index;
  return -1;
}

/** The error's path: the concrete path down to the withheld field (its own key when nulling moved up). */
function pathAtUse(concretePath: (string | number)[], use: FieldUse, cut: number): (string | number)[] {
  if (cut === use.path.length - 1) return concretePath;
  return [...concretePath, ...use.path.slice(cut + 1).map((step) => step.key)];
}

function pushError(errors: GraphQLFormattedError[], use: FieldUse, reason: string, path: (string | number)[], onSuppressed: () => void): void {
  if (errors.length >= MAX_FORBIDDEN_ERRORS) {
    onSuppressed();
    return;
  }
  errors.push(formattedHubError('FORBIDDEN', `Not authorized to read ${use.coordinate}: ${reason}`, { coordinate: use.coordinate }, { path }));
}

/** Calls `at(parent, key, concretePath)` for every object holding the last step's key, through lists. */
export function visit(
  value: Json | undefined,
  steps: readonly PathStep[],
  concrete: (string | number)[],
  at: (parent: { [key: string]: Json }, key: string, concretePath: (string | number)[]) => void,
): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => visit(item, steps, [...concrete, index], at));
    return;
  }
  if (typeof value !== 'object') return;
  const [step, ...rest] = steps;
  if (!step) return;
  if (rest.length === 0) {
    at(value, step.key, [...concrete, step.key]);
    return;
  }
  visit(value[step.key], rest, [...concrete, step.key], at);
}

/** A deep copy of a JSON value (execution results are plain JSON). */
function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: { [key: string]: Json } = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson(value[key] as Json);
  return copy;
}

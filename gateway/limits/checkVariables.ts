import {
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  specifiedScalarTypes,
  typeFromAST,
} from 'graphql';
import { measureJson } from '../../audit/measureJson';
import { type LimitError, variablesRefused } from './limitErrors';

export interface VariableBounds {
  /** Deepest nesting of arrays and objects in the variables, whatever their types. */
  readonly maxDepth: number;
  /** Most values (scalars, lists, objects) in all variables together. */
  readonly maxValues: number;
}

/**
 * Phase one, before the document is parsed: the variables as a whole are no deeper and hold no
 * more values than any operation could use. Measured without recursion (audit/measureJson).
 */
export function checkVariablesShape(variables: unknown, bounds: VariableBounds): LimitError | null {
  if (variables === undefined || variables === null) return null;
  const measured = measureJson(variables, { maxDepth: bounds.maxDepth + 1, maxValues: bounds.maxValues });
  if (!measured.exceeded) return null;
  return measured.depth > bounds.maxDepth + 1
    ? variablesRefused(null, `The variables nest ${measured.depth - 1}+ levels deep; the limit is ${bounds.maxDepth}`)
    : variablesRefused(null, `The variables hold ${measured.values}+ values; the limit is ${bounds.maxValues}`);
}

/**
 * Phase two, on the operation that will run: every variable sent is one it declares, and none
 * nests deeper than its declared type allows (`[[ID!]]` two levels, an input object one level
 * plus its fields'). Refusing an undeclared variable costs nothing legitimate: GraphQL ignores
 * it; but it would be carried into logs and the audit trail.
 */
export function checkDeclaredVariables(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
  schema: GraphQLSchema,
  bounds: VariableBounds,
): LimitError | null {
  if (!variables) return null;
  const declared = new Map((operation.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, definition]));
  for (const [name, value] of Object.entries(variables)) {
    const definition = declared.get(name);
    if (!definition) return variablesRefused(name, `Variable "$${name}" is not declared by the operation`);
    const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
    // An unknown type fails validation; the global bound still holds for it.
    const allowed = type ? depthAllowed(type, bounds.maxDepth, new Set()) : bounds.maxDepth;
    const measured = measureJson(value, { maxDepth: allowed });
    if (measured.exceeded) {
      return variablesRefused(name, `Variable "$${name}" nests ${measured.depth}+ levels deep; its type allows ${allowed}`);
    }
  }
  return null;
}

const SPECIFIED_SCALARS = new Set(specifiedScalarTypes.map((type) => type.name));

/** How deep a value of `type` can nest: lists and input objects add a level each; recursion and custom scalars (JSON) get the global bound. */
function depthAllowed(type: GraphQLInputType, ceiling: number, visiting: Set<string>): number {
  if (isNonNullType(type)) return depthAllowed(type.ofType, ceiling, visiting);
  if (isListType(type)) return Math.min(ceiling, 1 + depthAllowed(type.ofType as GraphQLInputType, ceiling, visiting));
  if (isInputObjectType(type)) {
    if (visiting.has(type.name)) return ceiling;
    visiting.add(type.name);
    let deepest = 0;
    for (const field of Object.values(type.getFields())) deepest = Math.max(deepest, depthAllowed(field.type, ceiling, visiting));
    visiting.delete(type.name);
    return Math.min(ceiling, 1 + deepest);
  }
  if (isScalarType(type) && !SPECIFIED_SCALARS.has(type.name)) return ceiling;
  return 0;
}

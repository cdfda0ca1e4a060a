import {
  type ArgumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
} from 'graphql';
import { isIntrospectionField } from './findIntrospectionField';

/** Arguments that say how many items a list field (or a connection's lists) returns. */
const SIZE_ARGUMENTS = ['first', 'last', 'limit'] as const;

export interface CostEstimateOptions {
  /** The client-facing (API) schema the operation runs against. */
  readonly schema: GraphQLSchema;
  /** The operation's variables, for size arguments given as variables. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Items assumed in a list that has no size argument, or whose size nobody states. */
  readonly defaultListSize: number;
  /**
   * Items assumed, by field name, when a size argument is omitted and the schema gives it no
   * default because a resolver applies one (e.g. `nearbyUnits` → NEARBY_UNITS_LIMIT).
   */
  readonly listSizes?: Readonly<Record<string, number>>;
  /**
   * What one field costs by schema coordinate (`Query.verifyAuditChain`), in place of 1, for
   * fields whose work is out of proportion to what they return (LIMIT_FIELD_COSTS).
   */
  readonly fieldCosts?: Readonly<Record<string, number>>;
}

/**
 * A static estimate of what an operation costs to answer, before it runs: every field costs 1
 * (`__typename` nothing), and a field with a selection set that returns a list multiplies what
 * one item selects by the number of items asked for, so that nested lists multiply
 * (`nearbyUnits(limit: 50) { unit { nearbyCameras(limit: 100) { … } } }` is 50 × 100 cameras).
 * The number of items is the field's `first`, `last` or `limit` argument (a literal, a variable,
 * or the argument's default in the schema), else `listSizes`, else `defaultListSize`. A field
 * that takes a size argument but returns an object (a Relay connection) passes its size on to the
 * lists directly under it (`edges`, `nodes`). Aliased copies, every branch of a type condition,
 * and every spread of a fragment all add up; `@skip`/`@include` are not evaluated, so the
 * estimate errs high. Fragments are costed once per size they are spread under. An introspection
 * field (`__schema`, `__type`) costs 1 whatever it selects. A field priced in `fieldCosts` costs
 * its price instead of 1 (a walk of the whole audit chain is not one field's work): the gateway answers it from its own
 * schema, without a subgraph, and graphql-js's MaxIntrospectionDepthRule bounds its nesting.
 */
export function estimateCost(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  options: CostEstimateOptions,
): number {
  const { schema, variables, defaultListSize, listSizes = {}, fieldCosts = {} } = options;
  const costed = new Map<string, number>();
  const inProgress = new Set<string>();

  const valueOf = (node: ValueNode): number | undefined => {
    switch (node.kind) {
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.VARIABLE: {
        const name = node.name.value;
        const given = variables[name];
        if (typeof given === 'number') return given;
        if (given !== undefined) return undefined;
        const declared = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name);
        return declared?.defaultValue ? valueOf(declared.defaultValue) : undefined;
      }
      default:
        return undefined;
    }
  };

  /** Items the field asks for through a size argument; null when it takes none. */
  const requestedSize = (field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number | null => {
    for (const name of SIZE_ARGUMENTS) {
      const argument = definition?.args.find((candidate) => candidate.name === name);
      const given: ArgumentNode | undefined = field.arguments?.find((candidate) => candidate.name.value === name);
      if (!argument && !given) continue;
      const value = given ? valueOf(given.value) : undefined;
      if (value !== undefined && Number.isFinite(value)) return Math.max(0, value);
      if (typeof argument?.defaultValue === 'number') return argument.defaultValue;
      return listSizes[field.name.value] ?? null;
    }
    return null;
  };

  const fieldDefinition = (parentType: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined =>
    parentType && (isObjectType(parentType) || isInterfaceType(parentType)) ? parentType.getFields()[name] : undefined;

  const costOfField = (field: FieldNode, parentType: GraphQLNamedType | undefined, inheritedSize: number | null): number => {
    if (field.name.value === '__typename') return 0;
    const base = (parentType && fieldCosts[`${parentType.name}.${field.name.value}`]) ?? 1;
    if (!field.selectionSet || isIntrospectionField(field.name.value)) return base;
    const definition = fieldDefinition(parentType, field.name.value);
    const isList = definition ? isListType(getNullableType(definition.type)) : false;
    const size = requestedSize(field, definition);
    let items = 1;
    let passedOn: number | null = null;
    if (isList) items = size ?? inheritedSize ?? listSizes[field.name.value] ?? defaultListSize;
    else passedOn = size;
    return base + items * costOf(field.selectionSet, definition ? getNamedType(definition.type) : undefined, passedOn);
  };

  const costOf = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined, inheritedSize: number | null): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          total += costOfField(selection, parentType, inheritedSize);
          break;
        case Kind.INLINE_FRAGMENT: {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
          total += costOf(selection.selectionSet, type ?? undefined, inheritedSize);
          break;
        }
        case Kind.FRAGMENT_SPREAD:
          total += fragmentCost(selection.name.value, inheritedSize);
          break;
      }
    }
    return total;
  };

  const fragmentCost = (name: string, inheritedSize: number | null): number => {
    const key = `${name}\u0000${inheritedSize}`;
    const known = costed.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // A cycle (which validation refuses) is cut rather than followed.
    if (!fragment || inProgress.has(key)) return 0;
    inProgress.add(key);
    const cost = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, inheritedSize);
    inProgress.delete(key);
    costed.set(key, cost);
    return cost;
  };

  return costOf(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, null);
}

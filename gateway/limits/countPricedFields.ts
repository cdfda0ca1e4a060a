import { type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLSchema, Kind, type OperationDefinitionNode, type SelectionSetNode, getNamedType, isInterfaceType, isObjectType } from 'graphql';

/**
 * How many times the operation selects each priced field (by schema coordinate), aliases, type
 * conditions and every spread of a fragment included: `{ a: verifyAuditChain { ok } b:
 * verifyAuditChain { ok } }` selects `Query.verifyAuditChain` twice. Fragments are counted once
 * each and multiplied by their spreads; a cycle (which validation refuses) is cut.
 */
export function countPricedFields(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
  priced: ReadonlySet<string>,
): Map<string, number> {
  const counted = new Map<string, Map<string, number>>();
  const inProgress = new Set<string>();

  const add = (into: Map<string, number>, from: ReadonlyMap<string, number>) => {
    for (const [coordinate, times] of from) into.set(coordinate, (into.get(coordinate) ?? 0) + times);
  };

  const countIn = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType | undefined): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const coordinate = parentType ? `${parentType.name}.${selection.name.value}` : '';
          if (priced.has(coordinate)) counts.set(coordinate, (counts.get(coordinate) ?? 0) + 1);
          if (selection.selectionSet) {
            const field = parentType && (isObjectType(parentType) || isInterfaceType(parentType)) ? parentType.getFields()[selection.name.value] : undefined;
            add(counts, countIn(selection.selectionSet, field ? getNamedType(field.type) : undefined));
          }
          break;
        }
        case Kind.INLINE_FRAGMENT:
          add(counts, countIn(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) ?? undefined : parentType));
          break;
        case Kind.FRAGMENT_SPREAD:
          add(counts, countFragment(selection.name.value));
          break;
      }
    }
    return counts;
  };

  const countFragment = (name: string): ReadonlyMap<string, number> => {
    const known = counted.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return new Map();
    inProgress.add(name);
    const counts = countIn(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined);
    inProgress.delete(name);
    counted.set(name, counts);
    return counts;
  };

  return countIn(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined);
}

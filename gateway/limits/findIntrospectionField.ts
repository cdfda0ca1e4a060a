import { type FragmentDefinitionNode, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** Meta-fields that introspect the schema (GraphQL spec §4.2); `__typename` is not one of them. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** Whether a field name is a schema-introspection meta-field. */
export function isIntrospectionField(name: string): boolean {
  return INTROSPECTION_FIELDS.has(name);
}

/**
 * The first schema-introspection field (`__schema` or `__type`) the operation selects, directly
 * or through fragments (each visited once), or null.
 */
export function findIntrospectionField(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): string | null {
  const visited = new Set<string>();

  const find = (selectionSet: SelectionSetNode): string | null => {
    for (const selection of selectionSet.selections) {
      let found: string | null = null;
      switch (selection.kind) {
        case Kind.FIELD:
          if (isIntrospectionField(selection.name.value)) return selection.name.value;
          found = selection.selectionSet ? find(selection.selectionSet) : null;
          break;
        case Kind.INLINE_FRAGMENT:
          found = find(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment && !visited.has(name)) {
            visited.add(name);
            found = find(fragment.selectionSet);
          }
          break;
        }
      }
      if (found) return found;
    }
    return null;
  };

  return find(operation.selectionSet);
}

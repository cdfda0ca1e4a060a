import { type FragmentDefinitionNode, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { isIntrospectionField } from './findIntrospectionField';

/**
 * How deep an operation nests fields: `{ a { b } }` is 2. Fragment spreads and inline fragments
 * add no level of their own; their fields count where they are spread. Each fragment is measured
 * once (a fragment's depth does not depend on where it is spread), so a document that spreads
 * fragments into fragments many times over costs linear time; a spread of a fragment that is
 * already being measured (a cycle, which validation would refuse) adds nothing. An introspection
 * field (`__schema`, `__type`) counts as one level: where introspection is allowed the gateway
 * answers it from its own schema, and graphql-js's MaxIntrospectionDepthRule bounds its nesting.
 */
export function measureDepth(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): number {
  const measured = new Map<string, number>();
  const inProgress = new Set<string>();

  const depthOf = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          deepest = Math.max(
            deepest,
            1 + (selection.selectionSet && !isIntrospectionField(selection.name.value) ? depthOf(selection.selectionSet) : 0),
          );
          break;
        case Kind.INLINE_FRAGMENT:
          deepest = Math.max(deepest, depthOf(selection.selectionSet));
          break;
        case Kind.FRAGMENT_SPREAD:
          deepest = Math.max(deepest, fragmentDepth(selection.name.value));
          break;
      }
    }
    return deepest;
  };

  const fragmentDepth = (name: string): number => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const depth = depthOf(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, depth);
    return depth;
  };

  return depthOf(operation.selectionSet);
}

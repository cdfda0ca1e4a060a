import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, Kind, type OperationDefinitionNode, parse } from 'graphql';

let apiSchema: GraphQLSchema | undefined;

/**
 * The hub's client-facing schema, built as the gateway builds it: from schema/supergraph.graphql
 * with the `for: SECURITY` purpose dropped from its `@link`s, which `Supergraph.build` refuses.
 */
export function readApiSchema(): GraphQLSchema {
  if (!apiSchema) {
    const sdl = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
    const planned = sdl.replace(/(@link\([^)]*?)\s*,\s*for:\s*SECURITY\s*\)/g, '$1)');
    apiSchema = Supergraph.build(planned).apiSchema().toGraphQLJSSchema();
  }
  return apiSchema;
}

/** A document's only (or first) operation and its fragments, as the checks take them. */
export function operationOf(source: string): {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
} {
  const document = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operation ??= definition;
  }
  if (!operation) throw new Error('no operation in the document');
  return { document, operation, fragments };
}

/** `incident { calls { incident { calls … } } }`, a valid operation `levels` fields deep. */
export function incidentCallsChain(levels: number): string {
  let selection = 'id';
  for (let level = levels - 1; level >= 1; level -= 1) {
    const field = level === 1 ? 'incident(id: "inc-1")' : level % 2 === 0 ? 'calls' : 'incident';
    selection = `${field} { ${selection} }`;
  }
  return `{ ${selection} }`;
}

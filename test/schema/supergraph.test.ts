import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildASTSchema, parse, type GraphQLNamedType, isObjectType, isInputObjectType, isEnumType } from 'graphql';
import { composeSupergraph } from '../../schema/composeSupergraph';
import { SUBGRAPH_NAMES, readSubgraphSdl } from '../../schema/subgraphCatalog';

describe('schema', () => {
  it('the committed supergraph equals a fresh composition (run `npm run compose` after editing schema/*.graphql)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
    expect(committed).toBe(composeSupergraph());
  });

  it.each(SUBGRAPH_NAMES)('every type, field, argument and enum value in %s.graphql has a description', (name) => {
    const document = parse(readSubgraphSdl(name));
    const schema = buildASTSchema(document, { assumeValidSDL: true });
    const missing: string[] = [];
    const ours = (type: GraphQLNamedType) => type.astNode !== undefined && type.astNode !== null;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !ours(type)) continue;
      if (!['Query', 'Mutation', 'Subscription'].includes(type.name) && !type.description) missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

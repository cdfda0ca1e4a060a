import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { DateTimeResolver } from 'graphql-scalars';
import { parse, type GraphQLSchema } from 'graphql';
import { type SubgraphName, readSubgraphSdl } from '../schema/subgraphCatalog';

/** Builds a Federation 2 subgraph schema from `schema/<name>.graphql` and its resolvers. */
export function createSubgraphSchema<TContext>(
  name: SubgraphName,
  resolvers: GraphQLResolverMap<TContext>,
): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(readSubgraphSdl(name)),
    // The context type is ours to choose; buildSubgraphSchema only passes it through.
    resolvers: { DateTime: DateTimeResolver, ...resolvers } as GraphQLResolverMap<unknown>,
  });
}

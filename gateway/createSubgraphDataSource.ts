import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { HubError } from '../errors/hubErrors';

/**
 * Fetches from one subgraph over HTTP. A subgraph that cannot be reached (refused, reset,
 * timed out) becomes a `SUBGRAPH_UNAVAILABLE` error naming it, so that the gateway answers
 * with what the other subgraphs returned plus an error that says what is missing.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource {
  readonly subgraphName: string;

  constructor(options: { name: string; url: string }) {
    super({ url: options.url });
    this.subgraphName = options.name;
  }

  override async process(
    options: GraphQLDataSourceProcessOptions,
  ): ReturnType<RemoteGraphQLDataSource['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      // Errors the subgraph answered with are GraphQL errors already; pass them on.
      if (error instanceof GraphQLError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new HubError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.subgraphName}" is unavailable`, {
        serviceName: this.subgraphName,
        reason,
      });
    }
  }
}

/** The data source the gateway uses for each subgraph. */
export function createSubgraphDataSource(options: { name: string; url: string }): RemoteGraphQLDataSource {
  return new SubgraphDataSource(options);
}

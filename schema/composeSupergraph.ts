import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { DEFAULT_SUBGRAPH_PORTS, SUBGRAPH_NAMES, readSubgraphSdl } from './subgraphCatalog';

/**
 * Composes the subgraph SDL files into the supergraph SDL. Subgraph URLs are the defaults;
 * the gateway replaces them with the configured ones at run time.
 */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: `http://localhost:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
      typeDefs: parse(readSubgraphSdl(name)),
    })),
  );
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The hub's subgraphs, in the order they start. */
export const SUBGRAPH_NAMES = ['calls', 'cad', 'avl', 'cameras', 'ingest', 'audit', 'community'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Port each subgraph listens on by default, and the URL recorded in the committed supergraph. */
export const DEFAULT_SUBGRAPH_PORTS: Readonly<Record<SubgraphName, number>> = {
  calls: 4001,
  cad: 4002,
  avl: 4003,
  cameras: 4004,
  ingest: 4005,
  audit: 4006,
  community: 4007,
};

/** The SDL a subgraph serves, read from `schema/<name>.graphql`. */
export function readSubgraphSdl(name: SubgraphName): string {
  return readFileSync(join(__dirname, `${name}.graphql`), 'utf8');
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSupergraph } from './composeSupergraph';

// `npm run compose`: writes schema/supergraph.graphql from the subgraph SDL files.
const target = join(__dirname, 'supergraph.graphql');
writeFileSync(target, composeSupergraph());
console.log(`wrote ${target}`);

import type { Migration } from '../../storage/createDatabase';
import { footageMigrations } from './footage/footageMigrations';
import { programMigrations } from './programMigrations';

/**
 * Every table of the community subgraph's schema: the program desk's (`0…` migrations), then the
 * footage desk's (`f…`, subgraphs/community/footage/footageMigrations.ts).
 */
export const communityMigrations: readonly Migration[] = [...programMigrations, ...footageMigrations];

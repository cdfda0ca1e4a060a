import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listRooms, REPO_ROOT } from './createProjectLinter';

// `npm run typecheck` checks the files tsconfig.json includes and what they import: a room left
// out whose files nothing imports (cli/, run as scripts) would never be type-checked.
test('tsconfig.json includes every room', () => {
  const { include } = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
  expect(listRooms().filter((room) => !include.includes(room))).toEqual([]);
});

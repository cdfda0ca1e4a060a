import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectLinter, lintAs, listModulesOf, listRooms, pickModuleOf, REPO_ROOT } from './createProjectLinter';
import { foldersNamedIn, readMarkdownTable } from '../docs/readMarkdownTable';

const RULE = 'import/no-restricted-paths';
const linter = createProjectLinter();

/** The import specifier of `module` (a path from the root) as written in a file of `fromDirectory`. */
function specifier(fromDirectory: string, module: string): string {
  const depth = fromDirectory.split('/').length;
  return `${'../'.repeat(depth)}${module}`;
}

/** Lints a file at `probePath` (it need not exist) importing each of `modules`; which were refused. */
async function refusedImports(probePath: string, modules: readonly string[]): Promise<string[]> {
  // The rule judges only imports that resolve: a module that does not exist would pass unseen.
  for (const module of modules) {
    if (!existsSync(`${join(REPO_ROOT, module)}.ts`) && !existsSync(join(REPO_ROOT, module, 'index.ts'))) throw new Error(`no module ${module}`);
  }
  const directory = probePath.slice(0, probePath.lastIndexOf('/'));
  const text = modules.map((module) => `import '${specifier(directory, module)}';\n`).join('');
  const result = await lintAs(linter, probePath, text);
  const refusedLines = new Set(result.messages.filter((m) => m.ruleId === RULE).map((m) => m.line));
  return modules.filter((_, index) => refusedLines.has(index + 1));
}

describe('a lower room importing a higher one fails the lint (issue 11)', () => {
  const lower = ['contract', 'wire', 'config', 'geo', 'storage', 'errors'];
  const higher = ['hub', 'gateway', 'subgraphs', 'adapters'];

  test.each(lower)('%s/ may not import hub/, gateway/, subgraphs/ or adapters/', async (room) => {
    const modules = higher.map(pickModuleOf);
    expect(await refusedImports(`${room}/__layerProbe__.ts`, modules)).toEqual(modules);
  });

  test('the message says what the room may import and where the layering is written', async () => {
    const result = await lintAs(linter, 'contract/__layerProbe__.ts', `import '${specifier('contract', pickModuleOf('hub'))}';\n`);
    expect(result.messages.map((m) => [m.ruleId, m.message])).toEqual([
      [RULE, expect.stringContaining('contract/ may import only errors/, geo/ (docs/architecture.md)')],
    ]);
  });

  test('an allowed import passes: contract/ on geo/, and a room on its own files', async () => {
    expect(await refusedImports('contract/__layerProbe__.ts', [pickModuleOf('geo'), pickModuleOf('errors'), pickModuleOf('contract')])).toEqual([]);
    expect(await refusedImports('subgraphs/calls/__layerProbe__.ts', [pickModuleOf('subgraphs'), pickModuleOf('wire')])).toEqual([]);
  });

  test('the layering holds in sub-folders too', async () => {
    const modules = [pickModuleOf('subgraphs')];
    expect(await refusedImports('gateway/subscriptions/__layerProbe__.ts', modules)).toEqual(modules);
  });
});

/** docs/architecture.md's "Which room may import which": room → rooms it may import. */
function documentedLayering(): Map<string, Set<string>> {
  const markdown = readFileSync(join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');
  const rows = readMarkdownTable(markdown, ['room', 'tier', 'may import']).map(([room = '', tier = '', mayImport = '']) => ({
    room: foldersNamedIn(room)[0] ?? room,
    tier,
    mayImport,
  }));
  const ofTier = (tier: string) => rows.filter((row) => row.tier === tier).map((row) => row.room);
  return new Map(
    rows.map(({ room, mayImport }) => {
      const allowed = new Set(foldersNamedIn(mayImport));
      if (mayImport.includes('the foundations')) for (const r of ofTier('foundation')) allowed.add(r);
      if (mayImport.includes('the services')) for (const r of ofTier('service')) allowed.add(r);
      if (mayImport === 'every room') for (const r of rows) allowed.add(r.room);
      if (mayImport.startsWith('every room of the product')) for (const r of rows.filter((row) => row.tier !== 'outside')) allowed.add(r.room);
      return [room, allowed];
    }),
  );
}

describe("ESLint refuses exactly the imports docs/architecture.md's table forbids", () => {
  const layering = documentedLayering();
  const rooms = listRooms();

  test('the table has a row for every room of the tree, and no other', () => {
    expect([...layering.keys()].sort()).toEqual(rooms);
  });

  test.each(rooms)('%s/', async (room) => {
    const others = rooms.filter((other) => other !== room);
    const modules = others.map(pickModuleOf);
    const refused = (await refusedImports(`${room}/__layerProbe__.ts`, modules)).map((module) => module.split('/')[0]);
    const allowed = layering.get(room) ?? new Set<string>();
    expect(refused).toEqual(others.filter((other) => !allowed.has(other)));
  });
});

describe('no file of the product is exempt from the layering', () => {
  test('every module of a room has its room\'s zones, none its own', async () => {
    const zonesOf = async (file: string): Promise<unknown> =>
      ((await linter.calculateConfigForFile(join(REPO_ROOT, file))) as { rules: Record<string, unknown> }).rules[RULE];
    const exempt: string[] = [];
    for (const room of listRooms().filter((r) => r !== 'test' && r !== 'bench')) {
      const standard = await zonesOf(`${room}/__layerProbe__.ts`);
      for (const file of listModulesOf(room)) {
        if (JSON.stringify(await zonesOf(file)) !== JSON.stringify(standard)) exempt.push(file);
      }
    }
    expect(exempt).toEqual([]);
  });
});

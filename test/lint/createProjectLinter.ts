import { ESLint } from 'eslint';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root, where `eslint.config.mjs` lives. */
export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * An ESLint on the project's own configuration (`eslint.config.mjs`), as `npm run lint` runs it;
 * `import/no-cycle` is off because probes are single files and it would walk the whole tree.
 */
export function createProjectLinter(options: { readonly fix?: boolean } = {}): ESLint {
  return new ESLint({
    cwd: REPO_ROOT,
    fix: options.fix ?? false,
    overrideConfig: { rules: { 'import/no-cycle': 'off' } },
  });
}

/** Lints `text` as if it were the file `filePath` (relative to the root), which need not exist. */
export async function lintAs(linter: ESLint, filePath: string, text: string): Promise<ESLint.LintResult> {
  const [result] = await linter.lintText(text, { filePath: join(REPO_ROOT, filePath) });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  return result;
}

/** The top-level directories that hold TypeScript: the rooms. */
export function listRooms(): string[] {
  return readdirSync(REPO_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .map((entry) => entry.name)
    .filter((room) => listTypeScript(join(REPO_ROOT, room)).length > 0)
    .sort();
}

/**
 * A real module of `room` to import in a probe, as a path from the root without `.ts`:
 * its `index.ts` if it has one, else its first file (the rule only reports imports that resolve).
 */
export function pickModuleOf(room: string): string {
  const files = listModulesOf(room);
  const chosen = files.find((file) => file === `${room}/index.ts`) ?? files[0];
  if (!chosen) throw new Error(`${room}/ has no TypeScript module`);
  return chosen.replace(/\.ts$/, '');
}

/** The TypeScript files of `room`, as paths from the root, its top-level files first. */
export function listModulesOf(room: string): string[] {
  return listTypeScript(join(REPO_ROOT, room)).map((file) => relative(REPO_ROOT, file));
}

function listTypeScript(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : listTypeScript(path);
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
    })
    // Files at the room's top first, so that a room's own modules are preferred to its sub-folders'.
    .sort((a, b) => a.split('/').length - b.split('/').length);
}

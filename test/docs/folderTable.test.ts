import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldersNamedIn, readMarkdownTable } from './readMarkdownTable';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const architecture = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');

/** Directories git does not keep (node_modules/, dist/, …), named in .gitignore. */
const ignored = new Set(
  readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#')),
);

function holdsAFile(directory: string): boolean {
  return readdirSync(directory, { withFileTypes: true }).some((entry) =>
    entry.isDirectory() ? holdsAFile(join(directory, entry.name)) : true,
  );
}

function holdsTypeScript(directory: string): boolean {
  return readdirSync(directory, { withFileTypes: true }).some((entry) =>
    entry.isDirectory() ? holdsTypeScript(join(directory, entry.name)) : entry.name.endsWith('.ts'),
  );
}

/** The top-level folders of the tree: every directory with a file in it, but hidden and ignored ones. */
const treeFolders = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !ignored.has(entry.name))
  .map((entry) => entry.name)
  .filter((name) => holdsAFile(join(ROOT, name)))
  .sort();

/** The folder each row of a table names in its first cell, which must be exactly one `name/`. */
function firstColumnFolders(rows: string[][]): string[] {
  return rows.map((row) => {
    const named = foldersNamedIn(row[0] ?? '');
    if (named.length !== 1 || row[0] !== `\`${named[0]}/\``) throw new Error(`a row names no single folder: | ${row.join(' | ')} |`);
    return named[0] ?? '';
  });
}

describe("the README's folder table", () => {
  const rows = readMarkdownTable(readme, ['folder', 'what it holds']);
  const listed = firstColumnFolders(rows);

  test('lists every top-level folder of the tree, and no other', () => {
    expect(treeFolders.length).toBeGreaterThan(10);
    expect([...listed].sort()).toEqual(treeFolders);
  });

  test('lists each folder once, with what it holds', () => {
    expect(new Set(listed).size).toBe(listed.length);
    for (const row of rows) expect(row[1]?.length ?? 0).toBeGreaterThan(10);
  });
});

describe("docs/architecture.md's room table", () => {
  test('has a row for every folder that holds code, and no other', () => {
    const rooms = firstColumnFolders(readMarkdownTable(architecture, ['room', 'tier', 'owns']));
    const withCode = treeFolders.filter((name) => holdsTypeScript(join(ROOT, name)));
    expect([...rooms].sort()).toEqual(withCode);
  });
});

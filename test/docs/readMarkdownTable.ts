/**
 * The body rows of the table in `markdown` whose header row has exactly the cells `header`, each
 * row as its trimmed cells. Throws when there is no such table, so that a renamed column fails
 * the test that reads it instead of passing on nothing.
 */
export function readMarkdownTable(markdown: string, header: readonly string[]): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => sameCells(cellsOf(line), header));
  if (start < 0) throw new Error(`no table with the header | ${header.join(' | ')} |`);
  const rows: string[][] = [];
  // Skip the header and the | --- | line under it; the table ends at the first line that is not a row.
  for (const line of lines.slice(start + 2)) {
    if (!line.trimStart().startsWith('|')) break;
    rows.push(cellsOf(line));
  }
  return rows;
}

/** The names in backticks that end with a slash, as the tables write folders: `` `geo/` `` → `geo`. */
export function foldersNamedIn(cell: string): string[] {
  return [...cell.matchAll(/`([^`/]+)\/`/g)].map((match) => match[1] ?? '');
}

function cellsOf(line: string): string[] {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return [];
  return trimmed.replace(/^\|/, '').replace(/\|$/, '').split('|').map((cell) => cell.trim());
}

function sameCells(cells: readonly string[], header: readonly string[]): boolean {
  return cells.length === header.length && cells.every((cell, index) => cell === header[index]);
}

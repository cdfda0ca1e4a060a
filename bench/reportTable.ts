/**
 * How the benchmarks print their figures: aligned text tables (the first column left, the rest
 * right-aligned) and the units they state.
 */

/** The lines of a table with `header`, a rule under it, and `rows`, indented by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]) =>
    `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')}`;
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)];
}

/** Milliseconds, one decimal below 100. */
export const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** Bytes as MiB, one decimal. */
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

import { parse } from 'csv-parse/sync';

/** One CSV record: its cells, the 1-based line it starts on, and its text as it stands in the file. */
export interface CsvRecord {
  readonly line: number;
  readonly raw: string;
  readonly cells: readonly string[];
}

/** Text that is not a CSV record (a quote that never closes), kept as its single physical line. */
export interface CsvProblem {
  readonly line: number;
  readonly raw: string;
  readonly detail: string;
}

export interface CsvReading {
  /** The first non-blank record, or the problem that stands in its place; null for a blank file. */
  readonly header: CsvRecord | CsvProblem | null;
  /** Every later record or problem, in file order. Blank lines are left out. */
  readonly rows: readonly (CsvRecord | CsvProblem)[];
}

/** How far (lines, characters) a quoted field may run over before the opening line is given up. */
const MAX_CONTINUATION_LINES = 20;
const MAX_CONTINUATION_CHARS = 4096;

/** Quotes inside unquoted fields (`Cam "North" 3`) are text, as most exporters intend. */
const RELAXED = { relax_quotes: true, relax_column_count: true } as const;
const STRICT = { relax_quotes: false, relax_column_count: true } as const;

export const isCsvProblem = (reading: CsvRecord | CsvProblem): reading is CsvProblem => 'detail' in reading;

/**
 * Reads CSV text (RFC 4180, with a leading BOM and CRLF/LF/CR endings tolerated) so that one bad
 * line never costs the lines around it. Records are read line by line with csv-parse; a line
 * whose quote does not close on that line may continue onto the next ones (a quoted field with
 * a line break), but only while the joined text parses to one RFC 4180 record as wide as the
 * header and no line it takes in is a whole record by itself.
 * Otherwise the line alone is a problem and reading resumes on the next line: whole-file parsers
 * let an unbalanced quote swallow every record after it.
 */
export function readCsvRecords(text: string): CsvReading {
  for (const steps = readCsvRecordsInSteps(text); ;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Lines read between two pauses of {@link readCsvRecordsInSteps}. */
const LINES_PER_STEP = 2000;

/**
 * {@link readCsvRecords} as a generator that pauses (yields) every {@link LINES_PER_STEP} lines,
 * so that a caller can give the event loop back while a long file is read.
 */
export function* readCsvRecordsInSteps(text: string): Generator<void, CsvReading> {
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split(/\r\n|\n|\r/);
  const terminators = body.match(/\r\n|\n|\r/g) ?? [];
  return (yield* readWholeText(lines, terminators)) ?? (yield* readLineByLine(lines));
}

/**
 * The common case, fast: csv-parse passes over slices of whole lines, kept only when every
 * record is exactly one non-blank line, so that it equals what {@link readLineByLine} would read.
 * (A record spanning lines fails the check in the slice where it starts, whichever slice it ends in.)
 */
function* readWholeText(lines: readonly string[], terminators: readonly string[]): Generator<void, CsvReading | null> {
  const readings: CsvRecord[] = [];
  for (let start = 0; start < lines.length; start += LINES_PER_STEP) {
    if (start > 0) yield;
    const slice = readSlice(lines, terminators, start, Math.min(lines.length, start + LINES_PER_STEP));
    if (slice === null) return null;
    readings.push(...slice);
  }
  const [header = null, ...rows] = readings;
  return { header, rows };
}

function readSlice(lines: readonly string[], terminators: readonly string[], start: number, end: number): CsvRecord[] | null {
  let text = '';
  for (let index = start; index < end; index += 1) text += `${lines[index] ?? ''}${terminators[index] ?? ''}`;
  let parsed: unknown;
  try {
    parsed = parse(text, { ...RELAXED, skip_empty_lines: true, raw: true });
  } catch {
    return null;
  }
  const records = Array.isArray(parsed) ? (parsed as { record: unknown; raw: unknown }[]) : [];
  const readings: CsvRecord[] = [];
  let next = 0;
  for (let index = start; index < end; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    const { record, raw } = records[next] ?? {};
    next += 1;
    const expected = `${line}${terminators[index] ?? ''}`;
    // Blank lines before a record are part of its raw text; anything else means it spans lines.
    const matches =
      typeof raw === 'string' && raw.endsWith(expected) && /^[\r\n]*$/.test(raw.slice(0, raw.length - expected.length));
    if (!matches || !Array.isArray(record)) return null;
    readings.push({ line: index + 1, raw: line, cells: record.map(String) });
  }
  return next === records.length ? readings : null;
}

function* readLineByLine(lines: readonly string[]): Generator<void, CsvReading> {
  let header: CsvRecord | CsvProblem | null = null;
  const rows: (CsvRecord | CsvProblem)[] = [];
  // Each line is parsed on its own at most once, however many stray quotes before it look ahead.
  const alone = new Map<number, ParsedRecord>();
  const parseAlone = (index: number): ParsedRecord => {
    let parsed = alone.get(index);
    if (parsed === undefined) {
      parsed = parseOneRecord(lines[index] ?? '', RELAXED);
      alone.set(index, parsed);
    }
    return parsed;
  };
  let index = 0;
  let nextPause = LINES_PER_STEP;
  while (index < lines.length) {
    if (index >= nextPause) {
      nextPause = index + LINES_PER_STEP;
      yield;
    }
    if ((lines[index] ?? '').trim() === '') {
      index += 1;
      continue;
    }
    const width = header && !isCsvProblem(header) ? header.cells.length : null;
    const { reading, next } = readRecordAt(lines, index, width, parseAlone);
    if (header === null) header = reading;
    else rows.push(reading);
    index = next;
  }
  return { header, rows };
}

function readRecordAt(
  lines: readonly string[],
  start: number,
  width: number | null,
  parseAlone: (index: number) => ParsedRecord,
): { reading: CsvRecord | CsvProblem; next: number } {
  const first = lines[start] ?? '';
  const single = parseAlone(start);
  if (Array.isArray(single)) return { reading: { line: start + 1, raw: first, cells: single }, next: start + 1 };
  const problem = { reading: { line: start + 1, raw: first, detail: single.problem }, next: start + 1 };
  if (!single.unclosedQuote) return problem;

  let joined = first;
  const last = Math.min(lines.length - 1, start + MAX_CONTINUATION_LINES);
  for (let end = start + 1; end <= last; end += 1) {
    const next = lines[end] ?? '';
    // A line that is a whole record by itself is a record, not the rest of a stray quote's field.
    const own = parseAlone(end);
    if (width !== null && Array.isArray(own) && own.length === width) break;
    joined += `\n${next}`;
    if (joined.length - first.length > MAX_CONTINUATION_CHARS) break;
    // Without a quote the line cannot close the open field: read on without parsing.
    if (!next.includes('"')) continue;
    // Across lines only RFC 4180 quoting: a relaxed quote could close on any later `"`.
    const parsed = parseOneRecord(joined, STRICT);
    if (Array.isArray(parsed)) {
      // A record spanning lines must fit the header, or it is more likely good lines swallowed by a stray quote.
      if (width === null || parsed.length === width) {
        return { reading: { line: start + 1, raw: joined, cells: parsed }, next: end + 1 };
      }
      break;
    }
    if (!parsed.unclosedQuote) break;
  }
  return problem;
}

type ParsedRecord = string[] | { readonly problem: string; readonly unclosedQuote: boolean };

function parseOneRecord(text: string, options: typeof RELAXED | typeof STRICT): ParsedRecord {
  try {
    const records: unknown = parse(text, options);
    if (Array.isArray(records) && records.length === 1 && Array.isArray(records[0])) {
      return (records[0] as unknown[]).map(String);
    }
    return { problem: `not one CSV record (${Array.isArray(records) ? records.length : 0} found)`, unclosedQuote: false };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') return { problem: 'a quoted field is never closed', unclosedQuote: true };
    // csv-parse numbers lines within the text it was given; the caller knows the file's line.
    const message = error instanceof Error ? error.message : String(error);
    return { problem: message.replace(/ at line \d+/, ''), unclosedQuote: false };
  }
}

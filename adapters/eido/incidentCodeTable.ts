import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

/** What an incident type code means to the hub. */
export interface IncidentCodeEntry {
  readonly code: string;
  readonly text: string;
  /** e.g. Police, Fire, EMS, Traffic, Other. */
  readonly category: string;
  /** 1 (most urgent) to 9. */
  readonly priority: number;
  /** False when the code is not in the table and the entry is the table's default. */
  readonly known: boolean;
}

/** A CSV row the table refused, with its 1-based line number. */
export interface RejectedCodeRow {
  readonly line: number;
  readonly detail: string;
}

/** Maps CAD incident type codes (e.g. APCO ANS 2.103.1 common incident types) to text, category and priority. */
export interface IncidentCodeTable {
  /** The entry for `code` (matched case-insensitively), or a default: text = the code, default priority. */
  lookup(code: string): IncidentCodeEntry;
  readonly size: number;
  /** Rows left out of the table, so that whoever loads it can report them. */
  readonly rejectedRows: readonly RejectedCodeRow[];
}

export interface IncidentCodeTableOptions {
  /** Priority given to unknown codes; defaults to 5. */
  readonly defaultPriority?: number;
  /** Category given to unknown codes; defaults to `Other`. */
  readonly defaultCategory?: string;
}

const HEADER = ['code', 'text', 'category', 'priority'] as const;
const MAX_CODE_LENGTH = 32;

/**
 * Parses a code table CSV (RFC 4180) whose first line is the header `code,text,category,priority`.
 * Each line is one row; a row with the wrong number of fields, an empty field, a priority
 * outside 1–9 or a code already defined is rejected with its line number and the rest are kept.
 * Throws only when the header is wrong or an option is out of range: then nothing is usable.
 */
export function parseIncidentCodeTable(csv: string, options: IncidentCodeTableOptions = {}): IncidentCodeTable {
  const { defaultPriority = 5, defaultCategory = 'Other' } = options;
  if (!isPriority(defaultPriority)) {
    throw new RangeError(`defaultPriority must be an integer 1-9, got ${defaultPriority}`);
  }

  const lines = csv.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((line) => line.trim().length > 0);
  const header = headerIndex >= 0 ? parseLine(lines[headerIndex] ?? '') : null;
  if (!Array.isArray(header) || header.map((name) => name.toLowerCase()).join(',') !== HEADER.join(',')) {
    throw new Error(`incident code table: line ${headerIndex + 1} must be the header "${HEADER.join(',')}"`);
  }

  const entries = new Map<string, IncidentCodeEntry & { line: number }>();
  const rejectedRows: RejectedCodeRow[] = [];
  for (let index = headerIndex + 1; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (raw.trim().length === 0) continue;
    const line = index + 1;
    const fields = parseLine(raw);
    if (!Array.isArray(fields)) {
      rejectedRows.push({ line, detail: fields.error });
      continue;
    }
    const problem = checkRow(fields);
    if (problem !== null) {
      rejectedRows.push({ line, detail: problem });
      continue;
    }
    const [code = '', text = '', category = '', priority = ''] = fields;
    const key = code.toUpperCase();
    const existing = entries.get(key);
    if (existing) {
      rejectedRows.push({ line, detail: `code ${code} is already defined on line ${existing.line}` });
      continue;
    }
    entries.set(key, { code, text, category, priority: Number(priority), known: true, line });
  }

  return {
    size: entries.size,
    rejectedRows,
    lookup(code) {
      const entry = entries.get(code.trim().toUpperCase());
      if (entry) {
        const { line: _line, ...known } = entry;
        return known;
      }
      return { code, text: code, category: defaultCategory, priority: defaultPriority, known: false };
    },
  };
}

/** The table shipped with the hub: every APCO common incident type code in NENA's EIDO schema. */
export function createApcoIncidentCodeTable(options: IncidentCodeTableOptions = {}): IncidentCodeTable {
  return parseIncidentCodeTable(readFileSync(join(__dirname, 'apcoIncidentCodes.csv'), 'utf8'), options);
}

function parseLine(line: string): string[] | { error: string } {
  try {
    const records: unknown = parse(line, { trim: true, relax_column_count: true });
    if (!Array.isArray(records) || records.length !== 1 || !Array.isArray(records[0])) {
      return { error: 'not one CSV record' };
    }
    return (records[0] as unknown[]).map(String);
  } catch (error) {
    // csv-parse names the problem and column; the line number is ours.
    const message = error instanceof Error ? error.message : String(error);
    return { error: message.replace(/ at line \d+/, '') };
  }
}

function checkRow(fields: readonly string[]): string | null {
  if (fields.length !== HEADER.length) return `expected ${HEADER.length} fields, got ${fields.length}`;
  for (const [index, name] of HEADER.entries()) {
    if ((fields[index] ?? '').length === 0) return `${name} is empty`;
  }
  const [code = '', , , priority = ''] = fields;
  if (code.length > MAX_CODE_LENGTH || /[\s\p{Cc}]/u.test(code)) {
    return `code ${JSON.stringify(code.slice(0, 40))} must be at most ${MAX_CODE_LENGTH} characters without spaces`;
  }
  if (!/^\d$/.test(priority) || !isPriority(Number(priority))) return `priority ${JSON.stringify(priority)} is not 1-9`;
  return null;
}

function isPriority(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 9;
}

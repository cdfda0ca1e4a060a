/**
 * Framing of an EIDO HTTP payload (one JSON document, or an array of them) before anything is
 * parsed: how deep it nests and where each document of an array starts and ends, found by one
 * pass over the text that never recurses. Only documents within the limits are handed to
 * `JSON.parse`, so a payload nested 10,000 levels deep, or holding 20,000 documents, costs one
 * linear scan and never reaches code that recurses over it or works per document.
 */

export interface EidoPayloadLimits {
  /** Deepest nesting of objects and arrays accepted within one document. */
  readonly maxDepth: number;
  /** Documents read from one payload; the rest are kept together as one problem. */
  readonly maxDocuments: number;
}

/** One document of the payload: its parsed value and its text exactly as received. */
export interface EidoPayloadDocument {
  readonly value: unknown;
  readonly raw: string;
  /** Its place in the payload's array (0 for a single document). */
  readonly index: number;
}

/** Part of the payload that was not read, with the text it covers. */
export interface EidoPayloadProblem {
  readonly reason: 'malformed-json' | 'too-deep' | 'too-many-documents';
  readonly detail: string;
  readonly raw: string;
  /** JSON path of the part, `$` or `$[3]`. */
  readonly path: string;
}

export interface EidoPayload {
  readonly documents: readonly EidoPayloadDocument[];
  readonly problems: readonly EidoPayloadProblem[];
}

interface Extent {
  readonly start: number;
  readonly end: number;
  /** Deepest nesting of objects and arrays inside it (a scalar is 0, `{}` is 1). */
  readonly depth: number;
}

interface Scan {
  /** Whether the payload is an array at the top. */
  readonly isArray: boolean;
  /** The array's elements, or the one top-level value. */
  readonly parts: readonly Extent[];
  /** A reason the text cannot be JSON (unbalanced, unterminated); JSON.parse finds the rest. */
  readonly broken: string | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/**
 * One pass: string literals skipped (escapes honoured), brackets counted. Elements of a
 * top-level array are cut at the commas between them; their depth is counted from inside the array.
 */
function scanPayload(text: string): Scan {
  let index = 0;
  while (index < text.length && isSpace(text.charCodeAt(index))) index += 1;
  const isArray = text.charCodeAt(index) === OPEN_BRACKET;
  const base = isArray ? 1 : 0;
  const parts: Extent[] = [];
  let depth = 0;
  let partStart = isArray ? -1 : index;
  let partDepth = 0;
  let closed = false;
  const endPart = (end: number) => {
    if (partStart >= 0 && text.slice(partStart, end).trim().length > 0) parts.push({ start: partStart, end, depth: partDepth });
    partStart = -1;
    partDepth = 0;
  };
  for (; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      if (partStart < 0) partStart = index;
      index += 1;
      while (index < text.length && text.charCodeAt(index) !== QUOTE) index += text.charCodeAt(index) === BACKSLASH ? 2 : 1;
      if (index >= text.length) return { isArray, parts, broken: 'unterminated string' };
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > base) {
        if (partStart < 0) partStart = index;
        partDepth = Math.max(partDepth, depth - base);
      }
      continue;
    }
    if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
      if (depth < 0) return { isArray, parts, broken: `unbalanced ${String.fromCharCode(code)} at ${index}` };
      if (isArray && depth === 0) {
        endPart(index);
        closed = true;
        break;
      }
      continue;
    }
    if (isArray && depth === 1 && code === COMMA) {
      endPart(index);
      continue;
    }
    if (partStart < 0 && !isSpace(code)) partStart = index;
  }
  if (!isArray) endPart(text.length);
  if (depth > 0 && !closed) return { isArray, parts, broken: 'unterminated array or object' };
  return { isArray, parts, broken: null };
}

const parseFailure = (text: string): string | null => {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

/**
 * Splits and parses an EIDO payload within `limits`. A payload that is not JSON is one
 * `malformed-json` problem holding all of it; a document nested deeper than `maxDepth` is a
 * `too-deep` problem holding its text, and the documents beside it are read; documents beyond
 * `maxDocuments` are one `too-many-documents` problem holding them as an array.
 */
export function readEidoPayload(text: string, limits: EidoPayloadLimits): EidoPayload {
  const { maxDepth, maxDocuments } = limits;
  const scan = scanPayload(text);
  const whole = (reason: EidoPayloadProblem['reason'], detail: string): EidoPayload => ({
    documents: [],
    problems: [{ reason, detail, raw: text, path: '$' }],
  });
  if (scan.broken) return whole('malformed-json', `not JSON: ${scan.broken}`);
  if (!scan.isArray) {
    const [only] = scan.parts;
    if (!only) return whole('malformed-json', 'empty payload');
    if (only.depth > maxDepth) return whole('too-deep', `nested ${only.depth} levels deep; at most ${maxDepth} are read`);
    try {
      return { documents: [{ value: JSON.parse(text) as unknown, raw: text.slice(only.start, only.end), index: 0 }], problems: [] };
    } catch (error) {
      return whole('malformed-json', (error as Error).message);
    }
  }
  // An array: the whole text must be JSON when nothing in it is too deep; parsing it once is
  // the cheapest check. Beyond that, each document is parsed from its own text.
  const tooDeep = scan.parts.some((part) => part.depth > maxDepth);
  if (!tooDeep) {
    const failure = parseFailure(text);
    if (failure) return whole('malformed-json', failure);
  }
  const documents: EidoPayloadDocument[] = [];
  const problems: EidoPayloadProblem[] = [];
  for (const [index, part] of scan.parts.slice(0, maxDocuments).entries()) {
    const raw = text.slice(part.start, part.end).trim();
    const path = `$[${index}]`;
    if (part.depth > maxDepth) {
      problems.push({ reason: 'too-deep', detail: `${path}: nested ${part.depth} levels deep; at most ${maxDepth} are read`, raw, path });
      continue;
    }
    try {
      documents.push({ value: JSON.parse(raw) as unknown, raw, index });
    } catch (error) {
      problems.push({ reason: 'malformed-json', detail: `${path}: ${(error as Error).message}`, raw, path });
    }
  }
  const excess = scan.parts.slice(maxDocuments);
  if (excess.length > 0) {
    const raw = `[${excess.map((part) => text.slice(part.start, part.end).trim()).join(',')}]`;
    const detail = `${excess.length} documents beyond the ${maxDocuments} read from one request (EIDO_MAX_DOCUMENTS_PER_REQUEST) were not read; they are kept here, to be replayed`;
    problems.push({ reason: 'too-many-documents', detail, raw, path: `$[${maxDocuments}:]` });
  }
  return { documents, problems };
}

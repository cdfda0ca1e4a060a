/**
 * Typed field reading for response elements. Readers throw {@link FieldProblem}, which
 * {@link readFields} turns into a failure result; any other exception is a bug and propagates.
 */
import { clip, fail, succeed, type OnvifResult } from './onvifErrors';
import { attributeOf, descend, textOf, type XmlElement } from './parseXmlDocument';

export class FieldProblem extends Error {
  readonly reason: 'missing-field' | 'bad-value';

  constructor(reason: 'missing-field' | 'bad-value', detail: string) {
    super(detail);
    this.name = 'FieldProblem';
    this.reason = reason;
  }
}

/** Run a reader; a missing or bad field becomes `{ ok: false }`. */
export function readFields<T>(read: () => T): OnvifResult<T> {
  try {
    return succeed(read());
  } catch (error) {
    if (error instanceof FieldProblem) return fail(error.reason, error.message);
    throw error;
  }
}

const where = (element: XmlElement, path: readonly string[]): string => [element.localName, ...path].join('/');

export function requireChild(element: XmlElement, ...path: readonly string[]): XmlElement {
  const found = descend(element, ...path);
  if (found === undefined) throw new FieldProblem('missing-field', `${where(element, path)} is missing`);
  return found;
}

/** Trimmed text of a required element (it may be empty). */
export function requireText(element: XmlElement, ...path: readonly string[]): string {
  return textOf(requireChild(element, ...path));
}

/** Trimmed text of an optional element; null when absent or empty. */
export function optionalText(element: XmlElement, ...path: readonly string[]): string | null {
  const found = descend(element, ...path);
  const text = found === undefined ? '' : textOf(found);
  return text === '' ? null : text;
}

export function requireAttribute(element: XmlElement, name: string): string {
  const value = attributeOf(element, name);
  if (value === undefined || value.trim() === '') throw new FieldProblem('missing-field', `${element.localName}@${name} is missing`);
  return value.trim();
}

// xs:float / xs:double lexical space, without INF and NaN: positions must be finite.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function toFloat(text: string, field: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value)) throw new FieldProblem('bad-value', `${field}: "${clip(text, 40)}" is not a finite number`);
  return value;
}

export function toInteger(text: string, field: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^[+-]?\d+$/.test(text) || value < min || value > max) {
    throw new FieldProblem('bad-value', `${field}: "${clip(text, 40)}" is not an integer in [${min}, ${max}]`);
  }
  return value;
}

/** xs:boolean: true, false, 1, 0. */
export function toBoolean(text: string, field: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new FieldProblem('bad-value', `${field}: "${clip(text, 40)}" is not an xs:boolean`);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** xs:dateTime → ISO 8601 UTC. A time without a zone is read as UTC, as ONVIF devices mean it. */
export function toDateTime(text: string, field: string): string {
  const match = DATE_TIME.exec(text);
  const millis = match === null ? NaN : Date.parse(match[8] === undefined ? `${text}Z` : text);
  if (match === null || !Number.isFinite(millis)) throw new FieldProblem('bad-value', `${field}: "${clip(text, 40)}" is not an xs:dateTime`);
  return new Date(millis).toISOString();
}

/** Longest URI taken from a device, in characters (what browsers and players reliably take). */
export const MAX_URI_LENGTH = 2048;

// Controls (C0, DEL, C1), format characters (zero-width, BOM, bidi), unpaired surrogates and
// noncharacters: XML 1.0 lets DEL, C1 and bidi controls through, and none belongs in an id or a
// URL handed to an operator's console (a bidi override makes a URL read as another).
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Noncharacter_Code_Point}]/u;

/**
 * An absolute URI with one of the allowed schemes, returned exactly as sent (entities already
 * decoded). Refused besides: white space or unprintable characters, more than
 * {@link MAX_URI_LENGTH} characters, and credentials (`user:password@`), which the hub would
 * hand to every operator who may watch the stream (players authenticate on their own).
 */
export function toUri(text: string, field: string, schemes: readonly string[]): string {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (url === null || !schemes.includes(url.protocol.slice(0, -1)) || /\s/.test(text)) {
    throw new FieldProblem('bad-value', `${field}: "${clip(text, 80)}" is not a ${schemes.join('/')} URI`);
  }
  if (text.length > MAX_URI_LENGTH) throw new FieldProblem('bad-value', `${field}: ${text.length} characters, over ${MAX_URI_LENGTH}`);
  const unprintable = UNPRINTABLE.exec(text);
  if (unprintable) throw new FieldProblem('bad-value', `${field}: holds ${codePointOf(unprintable[0])}, which no URL handed to a console may hold`);
  if (url.username !== '' || url.password !== '') {
    throw new FieldProblem('bad-value', `${field}: carries credentials (user:password@); the hub takes stream and service URIs without them`);
  }
  return text;
}

/** A token (profile, configuration): printable, as it names the stream and goes back into requests. */
export function toToken(text: string, field: string): string {
  const unprintable = UNPRINTABLE.exec(text);
  if (unprintable) throw new FieldProblem('bad-value', `${field}: holds ${codePointOf(unprintable[0])}, which no token may hold`);
  return text;
}

function codePointOf(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function oneOf<T extends string>(text: string, allowed: readonly T[], field: string): T {
  const found = allowed.find((value) => value === text);
  if (found === undefined) throw new FieldProblem('bad-value', `${field}: "${clip(text, 40)}" is not one of ${allowed.join(', ')}`);
  return found;
}

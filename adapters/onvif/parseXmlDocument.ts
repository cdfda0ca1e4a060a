/**
 * Strict-on-structure, lenient-on-prefix XML reading for device payloads.
 *
 * fast-xml-parser checks tag balance, names and attributes; this module adds the rules it leaves
 * out (XML 1.0 characters and entity references, no DTD as SOAP 1.2 Part 1 §5 requires) and turns
 * its output into a typed tree. Namespace prefixes are kept but never required to be declared:
 * devices send undeclared `SOAP-ENV:` prefixes (reference GetSnapshotUri.xml and Error.xml), so
 * callers match elements by local name.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { clip, fail, succeed, type OnvifResult } from './onvifErrors';

export interface XmlAttribute {
  /** Qualified name as sent, e.g. `xml:lang`. */
  readonly name: string;
  readonly localName: string;
  /** Entity references decoded. */
  readonly value: string;
}

export interface XmlElement {
  /** Qualified name as sent, e.g. `tt:Uri`. */
  readonly name: string;
  readonly prefix: string | null;
  readonly localName: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element (text and CDATA, entities decoded), untrimmed. */
  readonly text: string;
  /** Namespace bindings in scope: prefix → URI, `''` for the default namespace. */
  readonly namespaces: ReadonlyMap<string, string>;
}

/** Limits that keep a hostile device from exhausting memory or the stack. */
export const XML_LIMITS = { maxChars: 4 * 1024 * 1024, maxDepth: 100 } as const;

const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded below, strictly: fast-xml-parser would pass undefined ones through.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  // SOAP 1.2 Part 1 §5: receivers ignore processing instructions.
  ignorePiTags: true,
  cdataPropName: '#cdata',
  maxNestedTags: XML_LIMITS.maxDepth,
});

// XML 1.0 §2.2 Char: no C0 controls except tab, LF, CR; no U+FFFE/U+FFFF; no unpaired surrogates.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const DECLARATION = /^<\?xml\s+version\s*=\s*(["'])1\.\d+\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>/;
const TYPOGRAPHIC_QUOTES: Readonly<Record<string, string>> = {
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
};
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const NAME_PART = /^[^:]+$/;

/**
 * Parse a device payload into an element tree.
 *
 * The XML declaration is checked, then dropped (the transport has already decoded the bytes, so
 * its encoding has nothing left to say). One repair is made, deliberately: typographic quotes
 * inside the declaration are read as ASCII quotes, because firmware copying templates from word
 * processors sends them (reference Error.xml: `<?xml version=”1.0” ?>`) and the declaration
 * carries nothing the body depends on. Typographic quotes anywhere else stay malformed.
 * Leading whitespace and a byte-order mark before the declaration are tolerated.
 */
export function parseXmlDocument(xml: unknown): OnvifResult<XmlElement> {
  if (typeof xml !== 'string') return fail('malformed-xml', `expected XML text, got ${xml === null ? 'null' : typeof xml}`);
  if (xml.length > XML_LIMITS.maxChars) return fail('too-large', `payload of ${xml.length} characters exceeds ${XML_LIMITS.maxChars}`);
  const forbidden = FORBIDDEN_CHAR.exec(xml);
  if (forbidden) return fail('malformed-xml', `character U+${codeOf(forbidden[0])} is not allowed in XML 1.0`);

  const body = withoutDeclaration(xml);
  if (!body.ok) return body;
  if (body.value.includes('<!DOCTYPE')) return fail('malformed-xml', 'a document type declaration is not allowed in SOAP (SOAP 1.2 Part 1 §5)');
  // XML 1.0 §2.6: processing-instruction targets matching [Xx][Mm][Ll] are reserved; a second declaration is one.
  if (/<\?xml[\s?]/i.test(body.value)) return fail('malformed-xml', 'an XML declaration is only allowed at the start');

  const validation = safely(() => XMLValidator.validate(body.value, { allowBooleanAttributes: false }));
  if (validation instanceof Error) return fail('malformed-xml', clip(validation.message));
  if (validation !== true) {
    const { code, msg, line, col } = validation.err;
    return fail('malformed-xml', `${code} at line ${line}${col === undefined ? '' : `, column ${col}`}: ${clip(msg)}`);
  }
  const parsed = safely((): unknown => PARSER.parse(body.value));
  if (parsed instanceof Error) {
    return /nested/i.test(parsed.message)
      ? fail('too-large', `elements nest deeper than ${XML_LIMITS.maxDepth}`)
      : fail('malformed-xml', clip(parsed.message));
  }
  if (!Array.isArray(parsed)) return fail('malformed-xml', 'no root element');
  const roots = parsed.filter((node): node is Record<string, unknown> => isRecord(node) && isElementKey(tagOf(node)));
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) return fail('malformed-xml', `expected one root element, found ${roots.length}`);
  return toElement(root, new Map(), 1);
}

// ---- navigation ---------------------------------------------------------------------------

/** The first child element with this local name. */
export function childNamed(element: XmlElement, localName: string): XmlElement | undefined {
  return element.children.find((child) => child.localName === localName);
}

/** Every child element with this local name, in document order. */
export function childrenNamed(element: XmlElement, localName: string): XmlElement[] {
  return element.children.filter((child) => child.localName === localName);
}

/** Follow a path of local names down from `element`, taking the first match at each step. */
export function descend(element: XmlElement, ...localNames: readonly string[]): XmlElement | undefined {
  let current: XmlElement | undefined = element;
  for (const name of localNames) {
    if (current === undefined) return undefined;
    current = childNamed(current, name);
  }
  return current;
}

/** The value of the attribute with this local name, or undefined. */
export function attributeOf(element: XmlElement, localName: string): string | undefined {
  return element.attributes.find((attribute) => attribute.localName === localName && !isNamespaceDeclaration(attribute.name))
    ?.value;
}

/** The element's own text, trimmed. */
export function textOf(element: XmlElement): string {
  return element.text.trim();
}

/** The text of the element and all its descendants, in document order, space-separated. */
export function deepTextOf(element: XmlElement): string {
  return [element.text, ...element.children.map(deepTextOf)].join(' ');
}

// ---- conversion ---------------------------------------------------------------------------

function withoutDeclaration(xml: string): OnvifResult<string> {
  const start = /^\ufeff?\s*/.exec(xml)?.[0].length ?? 0;
  if (!/^<\?xml[\s?]/.test(xml.slice(start, start + 6))) return succeed(xml);
  const end = xml.indexOf('?>', start);
  if (end < 0) return fail('malformed-xml', 'the XML declaration is not terminated');
  const declaration = xml.slice(start, end + 2).replace(/[\u201c-\u201f\u2018-\u201b]/g, (quote) => TYPOGRAPHIC_QUOTES[quote] ?? quote);
  if (!DECLARATION.test(declaration)) return fail('malformed-xml', `the XML declaration is not well-formed: ${clip(declaration, 80)}`);
  return succeed(xml.slice(end + 2));
}

function toElement(node: Record<string, unknown>, parentNamespaces: ReadonlyMap<string, string>, depth: number): OnvifResult<XmlElement> {
  if (depth > XML_LIMITS.maxDepth) return fail('too-large', `elements nest deeper than ${XML_LIMITS.maxDepth}`);
  const name = tagOf(node) ?? '';
  const qualified = splitName(name);
  if (qualified === undefined) return fail('malformed-xml', `element name "${clip(name, 80)}" is not a qualified name`);

  const attributes: XmlAttribute[] = [];
  let declared: Map<string, string> | null = null;
  const rawAttributes = node[':@'];
  if (isRecord(rawAttributes)) {
    for (const [key, raw] of Object.entries(rawAttributes)) {
      const attributeName = key.startsWith('@_') ? key.slice(2) : key;
      const attributeQName = splitName(attributeName);
      const shown = clip(attributeName, 80);
      if (attributeQName === undefined) return fail('malformed-xml', `attribute name "${shown}" is not a qualified name`);
      if (typeof raw !== 'string') return fail('malformed-xml', `attribute "${shown}" has no value`);
      if (raw.includes('<')) return fail('malformed-xml', `attribute "${shown}" contains "<"`);
      const value = decodeEntities(raw);
      if (!value.ok) return fail('malformed-xml', `attribute "${shown}": ${value.detail}`);
      attributes.push({ name: attributeName, localName: attributeQName.localName, value: value.value });
      if (isNamespaceDeclaration(attributeName)) {
        declared ??= new Map(parentNamespaces);
        declared.set(attributeName === 'xmlns' ? '' : attributeQName.localName, value.value);
      }
    }
  }
  const namespaces: ReadonlyMap<string, string> = declared ?? parentNamespaces;

  const children: XmlElement[] = [];
  let text = '';
  const content = node[name];
  if (!Array.isArray(content)) return fail('malformed-xml', `element "${clip(name, 80)}" could not be read`);
  for (const item of content) {
    if (!isRecord(item)) continue;
    const key = tagOf(item);
    if (key === undefined || key.startsWith('?')) continue;
    if (key === '#text') {
      const decoded = decodeEntities(String(item[key]));
      if (!decoded.ok) return fail('malformed-xml', `in "${clip(name, 80)}": ${decoded.detail}`);
      text += decoded.value;
    } else if (key === '#cdata') {
      text += cdataText(item[key]);
    } else {
      const child = toElement(item, namespaces, depth + 1);
      if (!child.ok) return child;
      children.push(child.value);
    }
  }
  return succeed({ name, prefix: qualified.prefix, localName: qualified.localName, attributes, children, text, namespaces });
}

/** XML 1.0 §4.1/§4.6: the five predefined entities and character references; nothing else without a DTD. */
function decodeEntities(raw: string): OnvifResult<string> {
  if (!raw.includes('&')) return succeed(raw);
  let problem: string | null = null;
  const decoded = raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*)?(;?)/g, (match, reference: string | undefined, semicolon: string) => {
    if (reference === undefined || semicolon !== ';') {
      problem ??= `"&" does not start an entity reference (${clip(match, 12)})`;
      return match;
    }
    if (reference.startsWith('#')) {
      const code = reference.startsWith('#x') ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
      if (!isXmlChar(code)) {
        problem ??= `character reference &${clip(reference, 12)}; is not an XML character`;
        return match;
      }
      return String.fromCodePoint(code);
    }
    const predefined = PREDEFINED_ENTITIES[reference];
    if (predefined === undefined) {
      problem ??= `entity &${clip(reference, 24)}; is not defined`;
      return match;
    }
    return predefined;
  });
  return problem === null ? succeed(decoded) : fail('malformed-xml', problem);
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return value.map((part) => (isRecord(part) && typeof part['#text'] === 'string' ? part['#text'] : '')).join('');
}

function splitName(name: string): { prefix: string | null; localName: string } | undefined {
  const parts = name.split(':');
  if (parts.length === 1 && NAME_PART.test(name)) return { prefix: null, localName: name };
  const [prefix, localName] = parts;
  if (parts.length !== 2 || prefix === undefined || localName === undefined || prefix === '' || localName === '') return undefined;
  return { prefix, localName };
}

function isNamespaceDeclaration(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:');
}

function isElementKey(key: string | undefined): key is string {
  return key !== undefined && key !== '#text' && key !== '#cdata' && !key.startsWith('?');
}

function tagOf(node: Record<string, unknown>): string | undefined {
  return Object.keys(node).find((key) => key !== ':@');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codeOf(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

function safely<T>(run: () => T): T | Error {
  try {
    return run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

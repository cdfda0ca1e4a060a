import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element with its namespace resolved (Namespaces in XML 1.0, §6). */
export interface XmlElement {
  /** Namespace URI, or null for an unprefixed element with no default namespace in scope. */
  readonly namespace: string | null;
  readonly localName: string;
  /** The name as written, prefix included; for messages only. */
  readonly qualifiedName: string;
  /** Unprefixed attributes (which have no namespace, §6.2) by local name. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text nodes, trimmed and joined with a space. */
  readonly text: string;
}

export type NamespacedXmlResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly detail: string };

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
});

/**
 * Parses XML that must be well-formed (XML 1.0 §2.1) and namespace-well-formed (Namespaces in
 * XML 1.0 §7; "Prefix Declared", §5). Whitespace and a byte-order mark before the XML
 * declaration are tolerated, although XML 1.0 §2.8 puts the declaration first: real EIDO
 * producers pad embedded XML. A DOCTYPE is refused: no location object needs one, and entity
 * declarations are an expansion risk.
 */
export function parseNamespacedXml(input: string): NamespacedXmlResult {
  const xml = input.replace(/^\uFEFF?\s+/, '').replace(/^\uFEFF/, '');
  if (xml.length === 0) return { ok: false, detail: 'empty document' };
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, detail: 'a DOCTYPE is not allowed' };

  const problems: string[] = [];
  const validation = XMLValidator.validate(xml);
  if (validation !== true) problems.push(describeSyntaxError(xml, validation.err));

  // Parse even when the syntax check failed, so that the detail also names namespace problems.
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (problems.length === 0) problems.push(`not well-formed: ${clip(message, 200)}`);
    return { ok: false, detail: problems.join('; ') };
  }
  const builder = createTreeBuilder();
  const roots = builder.build(nodes);
  if (builder.undeclaredPrefixes.size > 0) {
    const prefixes = [...builder.undeclaredPrefixes];
    const listed = prefixes.slice(0, 10).join(', ') + (prefixes.length > 10 ? `, … (${prefixes.length} in all)` : '');
    problems.push(`undeclared namespace prefix(es): ${listed}`);
  }
  problems.push(...builder.problems.slice(0, 5));
  const [root, ...others] = roots;
  if (problems.length === 0 && (root === undefined || others.length > 0)) {
    problems.push(`expected one root element, found ${roots.length}`);
  }
  if (problems.length > 0 || root === undefined) return { ok: false, detail: problems.join('; ') };
  return { ok: true, root };
}

interface SyntaxError {
  readonly msg: string;
  readonly line: number;
  readonly col: number;
}

/** The validator's message with where it happened and the tag it happened in. */
function describeSyntaxError(xml: string, error: SyntaxError): string {
  const offset = offsetOf(xml, error.line, error.col);
  const tagStart = xml.lastIndexOf('<', offset);
  const tag = tagStart >= 0 ? /^<\/?([^\s/>]+)/.exec(xml.slice(tagStart, tagStart + 200))?.[1] : undefined;
  const where = `line ${error.line}${Number.isFinite(error.col) ? `, col ${error.col}` : ''}`;
  return `not well-formed at ${where}${tag ? ` in <${clip(tag)}>` : ''}: ${clip(error.msg.replace(/\.$/, ''), 200)}`;
}

function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return Math.min(text.length, offset + (Number.isFinite(col) ? Math.max(0, col - 1) : 0));
}

/** Names and messages from the input, shortened for a rejection's detail. */
const clip = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max)}…` : text);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Turns fast-xml-parser's ordered output into namespace-resolved elements. */
function createTreeBuilder() {
  const undeclaredPrefixes = new Set<string>();
  const problems: string[] = [];

  function resolve(prefix: string | null, scope: ReadonlyMap<string, string>): string | null {
    if (prefix === 'xml') return XML_NAMESPACE;
    const uri = scope.get(prefix ?? '');
    if (uri !== undefined) return uri === '' ? null : uri;
    if (prefix !== null) undeclaredPrefixes.add(clip(prefix));
    return null;
  }

  function splitName(name: string): { prefix: string | null; localName: string } | null {
    const parts = name.split(':');
    if (parts.length === 1) return { prefix: null, localName: name };
    const [prefix, localName] = parts;
    if (parts.length > 2 || !prefix || !localName) return null;
    return { prefix, localName };
  }

  function element(name: string, content: unknown, rawAttributes: unknown, scope: ReadonlyMap<string, string>) {
    const declared = new Map(scope);
    const attributes = new Map<string, string>();
    const attributeEntries = isRecord(rawAttributes) ? Object.entries(rawAttributes) : [];
    // §6.1: declarations on an element are in scope for its own name and attributes.
    for (const [attribute, value] of attributeEntries) {
      const text = typeof value === 'string' ? value : '';
      if (attribute === 'xmlns') declared.set('', text);
      else if (attribute.startsWith('xmlns:')) {
        const prefix = attribute.slice('xmlns:'.length);
        // §3 (Namespace constraints: No Prefix Undeclaring; Reserved Prefixes and Namespace Names).
        if (text === '') problems.push(`prefix ${clip(prefix)} is declared with an empty namespace name`);
        else if (prefix === 'xmlns' || text === XMLNS_NAMESPACE) problems.push(`xmlns:${clip(prefix)} is reserved`);
        else declared.set(prefix, text);
      }
    }
    for (const [attribute, value] of attributeEntries) {
      if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) continue;
      const parts = splitName(attribute);
      if (parts === null) {
        problems.push(`attribute ${clip(attribute)} is not a valid qualified name`);
        continue;
      }
      if (parts.prefix === null) attributes.set(parts.localName, typeof value === 'string' ? value : '');
      else resolve(parts.prefix, declared);
    }
    const parts = splitName(name);
    if (parts === null) problems.push(`element ${clip(name)} is not a valid qualified name`);
    if (parts?.prefix === 'xmlns') problems.push(`element ${clip(name)} uses the reserved prefix xmlns`);
    const { children, text } = build(content, declared);
    return {
      namespace: parts ? resolve(parts.prefix, declared) : null,
      localName: parts?.localName ?? name,
      qualifiedName: name,
      attributes,
      children,
      text,
    };
  }

  function build(nodes: unknown, scope: ReadonlyMap<string, string>): { children: XmlElement[]; text: string } {
    const children: XmlElement[] = [];
    const texts: string[] = [];
    for (const node of Array.isArray(nodes) ? nodes : []) {
      if (!isRecord(node)) continue;
      for (const [key, value] of Object.entries(node)) {
        if (key === ':@') continue;
        if (key === '#text') {
          if (typeof value === 'string' && value.length > 0) texts.push(value);
          else if (typeof value === 'number' || typeof value === 'boolean') texts.push(String(value));
          continue;
        }
        children.push(element(key, value, node[':@'], scope));
      }
    }
    return { children, text: texts.join(' ') };
  }

  return {
    undeclaredPrefixes,
    problems,
    build: (nodes: unknown): XmlElement[] => build(nodes, new Map()).children,
  };
}

/** Child elements with the given namespace URI and local name, in document order. */
export function childrenNamed(parent: XmlElement, namespace: string, localName: string): XmlElement[] {
  return parent.children.filter((child) => child.namespace === namespace && child.localName === localName);
}

/** Every descendant (depth first, document order) with the given namespace URI and local name. */
export function descendantsNamed(parent: XmlElement, namespace: string, localName: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement): void => {
    for (const child of element.children) {
      if (child.namespace === namespace && child.localName === localName) found.push(child);
      visit(child);
    }
  };
  visit(parent);
  return found;
}

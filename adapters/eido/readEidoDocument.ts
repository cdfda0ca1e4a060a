/**
 * Read access to an untrusted EIDO (NENA-STA-021) JSON document: key lookup that accepts both
 * the camelCase of EIDO 1.0 and the PascalCase headers of older drafts, component lists, and
 * `$id`/`$ref` cross-references (`PrologueType.$id`, `ReferenceType.$ref` in the EIDO OpenAPI schema).
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

/** A data component and where it sits in the document, e.g. `$.locationComponent[0]`. */
export interface EidoComponent {
  readonly record: JsonRecord;
  readonly path: string;
}

/** Something in the document that could not be read, with where it is. */
export interface EidoProblem {
  readonly reason: string;
  readonly detail: string;
  readonly path: string;
}

export interface EidoDocument {
  readonly root: JsonRecord;
  /** Components by kind, in document order. */
  components(kind: ComponentKind): readonly EidoComponent[];
  /** The component a `{ "$ref": … }` names, or null when it names nothing in this document. */
  resolve(reference: unknown): EidoComponent | null;
}

/** Top-level component arrays this adapter reads, with the names drafts have used for them. */
const COMPONENT_NAMES = {
  incident: ['incidentComponent', 'incidentInformationComponent'],
  call: ['callComponent', 'callInformationComponent'],
  location: ['locationComponent', 'locationInformationComponent'],
  emergencyResource: ['emergencyResourceComponent'],
  dispatch: ['dispatchComponent', 'dispatchInformationComponent'],
  notes: ['notesComponent'],
  disposition: ['dispositionComponent'],
  person: ['personComponent', 'personInformationComponent'],
} as const;

export type ComponentKind = keyof typeof COMPONENT_NAMES;

/** Longest identifier accepted (incident, call and unit ids are URNs far shorter than this). */
export const MAX_IDENTIFIER_LENGTH = 512;

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A field by name, matched exactly first and then case-insensitively (`LastUpdateTimeStamp`). */
export function field(record: JsonRecord, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return record[key];
  }
  return undefined;
}

/** A trimmed non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/** An identifier: a non-empty string (or finite number) no longer than {@link MAX_IDENTIFIER_LENGTH}. */
export function identifier(value: unknown): string | undefined {
  const candidate = typeof value === 'number' && Number.isFinite(value) ? String(value) : text(value);
  return candidate !== undefined && candidate.length <= MAX_IDENTIFIER_LENGTH ? candidate : undefined;
}

/** Strings of a field that may hold one string or an array of them. */
export function texts(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map(text).filter((item): item is string => item !== undefined);
}

/** The items of a field that may hold one item or an array, with their paths. */
export function listOf(value: unknown, path: string): { readonly value: unknown; readonly path: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ value, path }];
  return value.map((item, index) => ({ value: item, path: `${path}[${index}]` }));
}

/** Shortens a vendor value for a message. */
export function preview(value: unknown): string {
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = typeof value;
  }
  return shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
}

/** Indexes the document's components; problems found on the way are appended to `problems`. */
export function readEidoDocument(root: JsonRecord, problems: EidoProblem[]): EidoDocument {
  const byKind = new Map<ComponentKind, EidoComponent[]>();
  const byId = new Map<string, EidoComponent>();

  const readList = (key: string, value: unknown): EidoComponent[] => {
    const path = `$.${key}`;
    if (value !== undefined && value !== null && typeof value !== 'object') {
      problems.push({ reason: 'bad-component', detail: `${key} is ${typeof value}, not an array of components`, path });
      return [];
    }
    const components: EidoComponent[] = [];
    for (const item of listOf(value, path)) {
      if (!isRecord(item.value)) {
        const detail = `expected an object, got ${preview(item.value)}`;
        problems.push({ reason: 'bad-component', detail, path: item.path });
        continue;
      }
      components.push({ record: item.value, path: item.path });
    }
    return components;
  };

  const index = (component: EidoComponent): void => {
    const id = identifier(field(component.record, '$id'));
    if (id !== undefined && !byId.has(id)) byId.set(id, component);
  };

  for (const [kind, names] of Object.entries(COMPONENT_NAMES) as [ComponentKind, readonly string[]][]) {
    const found: EidoComponent[] = [];
    for (const key of Object.keys(root)) {
      if (names.some((name) => name.toLowerCase() === key.toLowerCase())) found.push(...readList(key, root[key]));
    }
    byKind.set(kind, found);
    found.forEach(index);
  }
  // Other components (agency, agent, person, callback, additional data…) only need to resolve.
  const known = new Set(Object.values(COMPONENT_NAMES).flatMap((names) => names.map((name) => name.toLowerCase())));
  for (const key of Object.keys(root)) {
    if (!/component$/i.test(key) || known.has(key.toLowerCase())) continue;
    for (const item of listOf(root[key], `$.${key}`)) {
      if (isRecord(item.value)) index({ record: item.value, path: item.path });
    }
  }

  return {
    root,
    components: (kind) => byKind.get(kind) ?? [],
    resolve(reference) {
      if (!isRecord(reference)) return null;
      const id = identifier(field(reference, '$ref'));
      if (id === undefined) return null;
      // Some producers write references as fragment identifiers ("#id").
      return byId.get(id) ?? (id.startsWith('#') ? (byId.get(id.slice(1)) ?? null) : null);
    },
  };
}

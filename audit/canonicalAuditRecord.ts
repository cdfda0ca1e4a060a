import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { AuditRecord, JsonValue } from './auditRecord';
import { measureJson } from './measureJson';

/** `prevHash` of the first record ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag hashed in front of every record, so that a future format cannot collide with this one. */
const FORMAT = 'rtcc-audit-v1';

/**
 * The canonical serialisation of a record: JSON with sorted keys (the same for the same content
 * whatever the key order or engine), over every field except `hash`; times as ISO 8601 UTC.
 */
export function canonicalAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  // The serialiser recurses: a record that did not come through the log (one read back from a
  // tampered table) is refused with a clear error rather than a stack overflow.
  for (const value of [record.variables, record.details]) {
    if (measureJson(value, { maxDepth: MAX_AUDIT_JSON_DEPTH }).exceeded) {
      throw new TypeError(`audit record ${record.seq}: JSON nests deeper than ${MAX_AUDIT_JSON_DEPTH} levels`);
    }
  }
  return stableStringify({
    seq: record.seq,
    recordedAt: record.recordedAt.toISOString(),
    kind: record.kind,
    subject: record.subject,
    roles: record.roles,
    clientId: record.clientId,
    operationName: record.operationName,
    documentHash: record.documentHash,
    variables: record.variables,
    restrictedFields: record.restrictedFields,
    recordIds: record.recordIds,
    outcome: record.outcome,
    reason: record.reason,
    purpose: record.purpose,
    disseminatedTo: record.disseminatedTo,
    details: record.details,
    prevHash: record.prevHash,
  });
}

/** SHA-256 (hex) of the record's canonical serialisation, which includes the previous record's hash. */
export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(`${FORMAT}\n${canonicalAuditRecord(record)}`, 'utf8').digest('hex');
}

/**
 * Deepest nesting of arrays and objects an audit record's `variables` or `details` may have.
 * Serialising, hashing and PostgreSQL's jsonb all recurse: a bound far below their stacks keeps
 * a hostile value from overflowing one of them (callers summarise deeper values instead).
 */
export const MAX_AUDIT_JSON_DEPTH = 64;

/**
 * The value as PostgreSQL will hand it back: plain JSON (no undefined, functions, NaN or class
 * instances), strings without NUL and unpaired surrogates (which `jsonb` and `text` refuse).
 * Hashing the normalised value keeps the hash stable across the round trip through storage.
 * Throws a TypeError, without recursing, for a value nested deeper than MAX_AUDIT_JSON_DEPTH.
 */
export function normaliseJson(value: unknown): JsonValue {
  const { depth, exceeded } = measureJson(value, { maxDepth: MAX_AUDIT_JSON_DEPTH });
  if (exceeded) throw new TypeError(`audit record: JSON nests ${depth}+ levels deep; at most ${MAX_AUDIT_JSON_DEPTH} are kept`);
  const json = JSON.stringify(value);
  if (json === undefined) return null;
  return cleanStrings(JSON.parse(json) as JsonValue);
}

/** A text column's value, cleaned like strings inside JSON. */
export function normaliseText(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : wellFormed(value);
}

function cleanStrings(value: JsonValue): JsonValue {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value !== null && typeof value === 'object') {
    const cleaned: { [key: string]: JsonValue } = {};
    for (const [key, inner] of Object.entries(value)) cleaned[wellFormed(key)] = cleanStrings(inner);
    return cleaned;
  }
  return value;
}

/** Replaces NUL and unpaired UTF-16 surrogates with U+FFFD. */
function wellFormed(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { AuditRecord, JsonValue } from './auditRecord';

/** `prevHash` of the first record ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version tag hashed in front of every record, so that a future format cannot collide with this one. */
const FORMAT = 'rtcc-audit-v1';

/**
 * The canonical serialisation of a record: JSON with sorted keys (the same for the same content
 * whatever the key order or engine), over every field except `hash`; times as ISO 8601 UTC.
 */
export function canonicalAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
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
 * The value as PostgreSQL will hand it back: plain JSON (no undefined, functions, NaN or class
 * instances), strings without NUL and unpaired surrogates (which `jsonb` and `text` refuse).
 * Hashing the normalised value keeps the hash stable across the round trip through storage.
 */
export function normaliseJson(value: unknown): JsonValue {
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

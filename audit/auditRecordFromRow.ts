import type { AuditChainAnchor, AuditKind, AuditOutcome, AuditRecord, JsonValue } from './auditRecord';

/** A row of `audit_records` as the drivers return it (pg: bigint as text; PGlite: as number). */
export interface AuditRecordRow {
  seq: string | number;
  recorded_at: Date;
  kind: string;
  subject: string | null;
  roles: string[];
  client_id: string | null;
  operation_name: string | null;
  document_hash: string | null;
  variables: JsonValue | null;
  restricted_fields: string[];
  record_ids: string[];
  outcome: string;
  reason: string | null;
  purpose: string | null;
  disseminated_to: string | null;
  details: JsonValue | null;
  prev_hash: string;
  hash: string;
}

/** A row of `purge_anchors`. */
export interface PurgeAnchorRow {
  through_seq: string | number;
  through_hash: string;
  cutoff: Date;
  purge_record_seq: string | number;
  purged_at: Date;
}

export function auditRecordFromRow(row: AuditRecordRow): AuditRecord {
  return {
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    kind: row.kind as AuditKind,
    subject: row.subject,
    roles: row.roles,
    clientId: row.client_id,
    operationName: row.operation_name,
    documentHash: row.document_hash,
    variables: row.variables,
    restrictedFields: row.restricted_fields,
    recordIds: row.record_ids,
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    purpose: row.purpose,
    disseminatedTo: row.disseminated_to,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function anchorFromRow(row: PurgeAnchorRow): AuditChainAnchor {
  return {
    throughSeq: Number(row.through_seq),
    throughHash: row.through_hash,
    cutoff: row.cutoff,
    purgeRecordSeq: Number(row.purge_record_seq),
    purgedAt: row.purged_at,
  };
}

/** The audit trail: a tamper-evident, append-only log of who saw what, when and why. */
export * from './auditRecord';
export { auditMigrations, AUDIT_MINIMUM_RETENTION_DAYS } from './auditMigrations';
export { type AuditLog, type AuditLogOptions, type PurgeActor, createAuditLog } from './createAuditLog';
export { verifyAuditChain } from './verifyAuditChain';
export { REDACTED, redactKeysMatching, redactVariables } from './redactVariables';
export { hashDocument } from './hashDocument';
export { GENESIS_HASH, MAX_AUDIT_JSON_DEPTH, canonicalAuditRecord, hashAuditRecord } from './canonicalAuditRecord';
export { type JsonBounds, type JsonMeasure, measureJson } from './measureJson';
export {
  type Refusal,
  type RefusalAuditor,
  type RefusalAuditorOptions,
  type RefusalDetail,
  type RefusalKind,
  OTHER_ADDRESSES,
  REFUSAL_WINDOW_MS,
  createRefusalAuditor,
  printable,
} from './createRefusalAuditor';

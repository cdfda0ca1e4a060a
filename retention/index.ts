/**
 * Retention: the owners of the hub's data declare its classes and purge them, in-memory copies
 * included; the job here schedules the purges, keeps intelligence holds and audits what went.
 */
export {
  type DataClass,
  INTELLIGENCE_RECORD_TYPES,
  type IntelligenceRecordType,
  type RetentionSetting,
  isIntelligenceRecordType,
} from './dataClass';
export { retentionMigrations } from './retentionMigrations';
export type { PurgeAuditRecord, PurgeAuditTrail } from './purgeAuditTrail';
export type { CopiesRequest, DependentsDeleted, OwnerPurge, PurgeRequest, PurgeScope, RetentionParticipant } from './retentionParticipant';
export { type ReferringRows, deleteClassRows, deleteReferringRows } from './deleteClassRows';
export { type ClassPlan, type RetentionPlan, planRetention } from './planRetention';
export {
  type HoldRequest,
  type IntelligenceHold,
  type IntelligenceHolds,
  type IntelligenceHoldsOptions,
  createIntelligenceHolds,
} from './createIntelligenceHolds';
export {
  type ClassPurge,
  INTELLIGENCE_DATA_CLASS,
  type PurgeReport,
  type RetentionJob,
  type RetentionJobOptions,
  createRetentionJob,
} from './createRetentionJob';
export { type RetentionSchedule, type RetentionScheduleOptions, scheduleRetention } from './scheduleRetention';
export { type RunningRetention, type StartRetentionOptions, startRetention } from './startRetention';

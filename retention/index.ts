/** Retention: per data class, configurable, purged on schedule with an audit record of what went. */
export * from './retentionClasses';
export { retentionMigrations } from './retentionMigrations';
export { type PurgeRequest, type PurgeScope, type RetentionParticipant, deleteClassRows } from './retentionParticipant';
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
export { type RunningRetention, type StartRetentionOptions, retentionDaysFromConfig, startRetention } from './startRetention';

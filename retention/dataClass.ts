import type { HubConfig } from '../config/hubConfig';

/** What may be held as criminal intelligence (28 CFR Part 23): a 911 call or a CAD incident. */
export const INTELLIGENCE_RECORD_TYPES = ['call', 'incident'] as const;
export type IntelligenceRecordType = (typeof INTELLIGENCE_RECORD_TYPES)[number];

/** Whether `value` names something that may be held as criminal intelligence. */
export function isIntelligenceRecordType(value: string): value is IntelligenceRecordType {
  return (INTELLIGENCE_RECORD_TYPES as readonly string[]).includes(value);
}

/** The hub setting that gives a class's retention in days (`RETENTION_*_DAYS`, read into {@link HubConfig}). */
export type RetentionSetting = Extract<keyof HubConfig, `retention${string}Days`>;

/**
 * A data class as its owner declares it, beside the table it lives in: the retention job
 * learns the hub's classes from these declarations and knows no table of its own.
 */
export interface DataClass {
  /** Unique across the hub (`avl-positions`); names the class in purge records and reports. */
  readonly name: string;
  readonly description: string;
  /** The owner's schema (DATABASE_SCHEMA_PREFIX included) and table. */
  readonly schema: string;
  readonly table: string;
  readonly idColumn: string;
  /** A row's age counts from this time column. */
  readonly timeColumn: string;
  /** The setting that gives its retention in days. */
  readonly retentionSetting: RetentionSetting;
  /** The record type under which a row may be held as criminal intelligence (then exempt until its review date). */
  readonly intelligenceRecordType?: IntelligenceRecordType;
}

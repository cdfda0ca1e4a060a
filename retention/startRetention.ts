import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit';
import type { HubConfig } from '../config/hubConfig';
import { createDatabase } from '../storage/createDatabase';
import { type IntelligenceHolds, createIntelligenceHolds } from './createIntelligenceHolds';
import { type PurgeReport, type RetentionJob, createRetentionJob } from './createRetentionJob';
import type { RetentionClassName } from './retentionClasses';
import { retentionMigrations } from './retentionMigrations';
import type { RetentionParticipant } from './retentionParticipant';
import { scheduleRetention } from './scheduleRetention';

export interface StartRetentionOptions {
  readonly config: HubConfig;
  /** The hub's embedded database, when DATABASE_URL is unset. */
  readonly embedded: PGlite | undefined;
  readonly auditLog: AuditLog;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Called after each run. */
  readonly onRun?: (report: PurgeReport) => void;
  /** The subgraphs' retention parts: they delete their classes' rows and drop their in-memory copies. */
  readonly participants?: readonly RetentionParticipant[];
}

/** The retention job as the hub runs it. */
export interface RunningRetention {
  readonly job: RetentionJob;
  readonly holds: IntelligenceHolds;
  /** Stops the schedule, waits for a run in progress and closes the retention schema's connection. */
  stop(): Promise<void>;
}

/** Each class's retention in days, from the hub's settings. */
export function retentionDaysFromConfig(config: HubConfig): Record<RetentionClassName, number> {
  return {
    'avl-positions': config.retentionAvlPositionsDays,
    calls: config.retentionCallsDays,
    incidents: config.retentionIncidentsDays,
    'dead-letters': config.retentionDeadLettersDays,
    'audit-records': config.retentionAuditDays,
  };
}

/**
 * Opens the retention schema (intelligence holds), and runs the purge job at start and every
 * RETENTION_PURGE_INTERVAL_MS. Call it once the subgraphs' schemas exist (their tables are
 * what it purges) and stop it before their databases close.
 */
export async function startRetention(options: StartRetentionOptions): Promise<RunningRetention> {
  const { config, embedded, auditLog, logger, clock = () => new Date(), onRun, participants = [] } = options;
  const schemaPrefix = config.schemaPrefix ?? '';
  const database = await createDatabase({
    url: config.databaseUrl,
    embedded,
    schema: `${schemaPrefix}retention`,
    migrations: retentionMigrations,
    poolMax: 2,
  });
  const holds = createIntelligenceHolds({ database, reviewDays: config.intelligenceReviewDays, clock });
  const job = createRetentionJob({ database, schemaPrefix, auditLog, retentionDays: retentionDaysFromConfig(config), participants });
  const schedule = scheduleRetention({
    job,
    intervalMs: config.retentionPurgeIntervalMs,
    logger: logger.child({ component: 'retention' }),
    clock,
    onRun,
  });
  return {
    job,
    holds,
    async stop() {
      await schedule.stop();
      await database.close();
    },
  };
}

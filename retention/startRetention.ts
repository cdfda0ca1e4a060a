import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import type { HubConfig } from '../config/hubConfig';
import { createDatabase } from '../storage/createDatabase';
import { type IntelligenceHolds, createIntelligenceHolds } from './createIntelligenceHolds';
import { type PurgeReport, type RetentionJob, createRetentionJob } from './createRetentionJob';
import type { PurgeAuditTrail } from './purgeAuditTrail';
import { retentionMigrations } from './retentionMigrations';
import type { RetentionParticipant } from './retentionParticipant';
import { scheduleRetention } from './scheduleRetention';

export interface StartRetentionOptions {
  readonly config: HubConfig;
  /** The hub's embedded database, when DATABASE_URL is unset. */
  readonly embedded: PGlite | undefined;
  /** The audit log: the job's purge records go there, and it purges its own records. */
  readonly auditLog: PurgeAuditTrail;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Called after each run. */
  readonly onRun?: (report: PurgeReport) => void;
  /** The owners of the hub's data (the subgraphs' parts): they declare and purge their classes and drop their copies. */
  readonly participants?: readonly RetentionParticipant[];
}

/** The retention job as the hub runs it. */
export interface RunningRetention {
  readonly job: RetentionJob;
  readonly holds: IntelligenceHolds;
  /** Stops the schedule, waits for a run in progress and closes the retention schema's connection. */
  stop(): Promise<void>;
}

/**
 * Opens the retention schema (intelligence holds), and runs the purge job at start and every
 * RETENTION_PURGE_INTERVAL_MS; each class's retention is the setting its owner declares. Call
 * it once the participants are loaded and stop it before their databases close.
 */
export async function startRetention(options: StartRetentionOptions): Promise<RunningRetention> {
  const { config, embedded, auditLog, logger, clock = () => new Date(), onRun, participants = [] } = options;
  const database = await createDatabase({
    url: config.databaseUrl,
    embedded,
    schema: `${config.schemaPrefix ?? ''}retention`,
    migrations: retentionMigrations,
    poolMax: 2,
  });
  let job: RetentionJob;
  try {
    // Refuses declarations that do not fit together (two owners of a class, a copy with no owner).
    job = createRetentionJob({ database, auditLog, retentionDays: config, participants });
  } catch (error) {
    await database.close();
    throw error;
  }
  const holds = createIntelligenceHolds({ database, reviewDays: config.intelligenceReviewDays, clock });
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

import type { Logger } from 'pino';
import type { PurgeReport, RetentionJob } from './createRetentionJob';

export interface RetentionScheduleOptions {
  readonly job: RetentionJob;
  /** Time between the end of one run and the start of the next. */
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Called after each run (tests wait on it). */
  readonly onRun?: (report: PurgeReport) => void;
}

export interface RetentionSchedule {
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the retention job once right away, then every `intervalMs`. A failed run is logged and
 * the next one comes as usual; the timer does not keep the process alive.
 */
export function scheduleRetention(options: RetentionScheduleOptions): RetentionSchedule {
  const { job, intervalMs, logger, clock = () => new Date(), onRun } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();

  const runOnce = async () => {
    try {
      const report = await job.purgeExpired({ now: clock() });
      const failed = report.classes.filter((purge) => purge.error !== null);
      const deleted = Object.fromEntries(report.classes.map((purge) => [purge.dataClass, purge.deleted]));
      if (failed.length > 0) logger.warn({ deleted, failed: failed.map(({ dataClass, error }) => ({ dataClass, error })) }, 'retention purge incomplete');
      else logger.info({ deleted }, 'retention purge done');
      onRun?.(report);
    } catch (error) {
      logger.error({ err: error }, 'retention purge failed');
    }
  };

  const tick = () => {
    current = runOnce().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs).unref();
    });
  };
  timer = setTimeout(tick, 0).unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

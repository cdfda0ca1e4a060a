/** Runs an async job one at a time; asking while it runs queues exactly one more run. */
export interface ExclusiveRunner {
  /** Starts the job, or, if it is running, has it run once more afterwards. */
  request(): void;
  /** Resolves once no run is in progress or queued. */
  idle(): Promise<void>;
}

/**
 * `job` resolves true when work may remain (run again if asked meanwhile) and false when it
 * stopped on a failure (wait for the next request: e.g. an HTTP retry waits for the next tick).
 * A job that throws counts as false; reporting is the job's business.
 */
export function createExclusiveRunner(job: () => Promise<boolean>): ExclusiveRunner {
  let running: Promise<void> | null = null;
  let again = false;

  const run = (): Promise<void> =>
    job()
      .catch(() => false)
      .then((mayContinue) => {
        if (again && mayContinue) {
          again = false;
          return run();
        }
        again = false;
        return undefined;
      });

  return {
    request() {
      if (running) {
        again = true;
        return;
      }
      running = run().finally(() => {
        running = null;
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}

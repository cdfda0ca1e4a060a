import type { FastifyInstance } from 'fastify';

/** One thing the hub needs to serve: a name for the answer and a cheap check that rejects when it is not reachable. */
export interface ReadinessCheck {
  /** E.g. `database calls`, `bus`, `subgraph cad`. */
  readonly name: string;
  check(signal: AbortSignal): Promise<void>;
}

/** What `/ready` answers. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** The checks that failed or did not answer in time, with why. */
  readonly notReady: readonly { readonly name: string; readonly reason: string }[];
}

/** Runs every check at once, each given `timeoutMs`; a check that takes longer counts as failed. */
export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<ReadinessReport> {
  const outcomes = await Promise.all(checks.map(async ({ name, check }) => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Rejected before the abort, so that the answer says it timed out rather than how the check took the abort.
        reject(new Error(`no answer within ${timeoutMs} ms`));
        controller.abort();
      }, timeoutMs);
    });
    try {
      await Promise.race([check(controller.signal), timedOut]);
      return null;
    } catch (error) {
      return { name, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }));
  const notReady = outcomes.filter((outcome) => outcome !== null);
  return { ready: notReady.length === 0, notReady };
}

/**
 * `GET /ready`, for load balancers: 200 `{ status: 'ready' }` when every check passes, else 503
 * with the checks that did not (`/health` says only that the process is alive). Requests that
 * arrive while a round of checks is running share its answer: a flood of `/ready` (it needs no
 * token) never has more than one request per subgraph and database in flight.
 */
export function createReadyRoute(checks: () => readonly ReadinessCheck[], timeoutMs: number): (app: FastifyInstance) => void {
  let running: Promise<ReadinessReport> | undefined;
  const currentReport = (): Promise<ReadinessReport> => {
    running ??= checkReadiness(checks(), timeoutMs).finally(() => {
      running = undefined;
    });
    return running;
  };
  return (app) => {
    app.get('/ready', async (_request, reply) => {
      const report = await currentReport();
      if (report.ready) return reply.send({ status: 'ready' });
      return reply.code(503).send({ status: 'not-ready', notReady: report.notReady });
    });
  };
}

/** A subgraph is reachable when its `/health` answers 200 (`url` is its `/graphql` endpoint). */
export function subgraphReadinessCheck(name: string, url: string): ReadinessCheck {
  const health = new URL('health', url.replace(/\/graphql$/, '/'));
  return {
    name: `subgraph ${name}`,
    async check(signal) {
      const response = await fetch(health, { signal });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`/health answered ${response.status}`);
    },
  };
}

import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DevTokenClaims } from '../auth/createDevIssuer';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import type { SubscriptionStats } from '../gateway/createGateway';
import type { HubMetrics } from '../observability/createHubMetrics';
import type { ReadinessCheck } from '../observability/createReadiness';
import { type HubGatewayOptions, createHubGateway } from './createHubGateway';
import type { FromGatewayThread, GatewayThreadData, ToGatewayThread } from './gatewayThreadProtocol';

/** The hub's gateway, in the main thread or its own. */
export interface HubGateway {
  /** `http://host:port/graphql`; WebSocket clients use the same path. */
  readonly url: string;
  /** Where the gateway runs (GATEWAY_THREAD). */
  readonly thread: 'main' | 'worker';
  subscriptionStats(): Promise<SubscriptionStats>;
  /**
   * The gateway thread's event-loop use (as `performance.eventLoopUtilization`); in the main
   * thread, the main thread's.
   */
  eventLoopUtilization(previous?: EventLoopUtilization): EventLoopUtilization;
  /**
   * The gateway thread's V8 heap in use, in bytes, after a full garbage collection if asked;
   * null when the gateway shares the main thread's heap.
   */
  heapUsed(options: { readonly collectGarbage: boolean }): Promise<number | null>;
  /** Called once if the gateway stops without being closed (its thread failed). */
  onFailure(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** How long the gateway's thread may take to start, and to stop before it is terminated. */
const START_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 15_000;

/**
 * Starts the gateway where GATEWAY_THREAD says: `main` (the default) runs it in the hub's thread;
 * `worker` gives it its own thread and event loop, so that fanning events out to hundreds of
 * consoles and serving the subgraphs can run on two cores of a hub that has them to spare.
 */
export async function startHubGateway(options: HubGatewayOptions): Promise<HubGateway> {
  // @apollo/gateway probes cloud metadata and reports usage unless told not to (createGateway
  // tells it in its own thread): set here too, the gateway's thread starts with a copy of it.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  if (options.config.gatewayThread === 'main') {
    const gateway = await createHubGateway(options);
    return {
      url: gateway.url,
      thread: 'main',
      subscriptionStats: async () => gateway.subscriptionStats(),
      eventLoopUtilization: (previous) => performance.eventLoopUtilization(previous),
      heapUsed: async () => null,
      onFailure: () => undefined,
      close: () => gateway.close(),
    };
  }
  return startGatewayThread(options);
}

async function startGatewayThread(options: HubGatewayOptions): Promise<HubGateway> {
  const { logger, audit } = options;
  const checks = new Map((options.readinessChecks ?? []).map((check) => [check.name, check]));
  const data: GatewayThreadData = {
    config: options.config,
    logLevel: logger.level,
    subgraphUrls: options.subgraphUrls,
    subgraphSigningSecret: options.subgraphSigningSecret,
    devIssuer: options.devIssuer && { issuer: options.devIssuer.issuer, jwks: options.devIssuer.jwks },
    devIssuerSigns: options.devIssuer?.sign !== undefined,
    readinessChecks: [...checks.keys()],
  };
  // The hub runs from TypeScript sources through tsx (npm start, jest): the thread registers it first.
  const entry = join(__dirname, 'gatewayThread.ts');
  const worker = new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`, {
    eval: true,
    name: 'rtcc-gateway',
    workerData: data,
  });
  const send = (message: ToGatewayThread) => worker.postMessage(message);
  const readiness = answerReadiness(checks, send);

  let state: 'starting' | 'running' | 'closing' | 'closed' = 'starting';
  const failureListeners: ((error: Error) => void)[] = [];
  let failure: Error | null = null;
  // Answers awaited from the thread, by request id.
  const answers = new Map<number, { resolve(value: never): void; reject(error: Error): void }>();
  let nextRequestId = 1;
  const ask = <T>(message: (requestId: number) => ToGatewayThread): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (state !== 'running') {
        reject(new Error(`the gateway thread is ${failure ? 'failed' : state}`));
        return;
      }
      const requestId = nextRequestId++;
      answers.set(requestId, { resolve: resolve as (value: never) => void, reject });
      send(message(requestId));
    });
  const answer = (requestId: number, value: unknown) => {
    answers.get(requestId)?.resolve(value as never);
    answers.delete(requestId);
  };
  let closed: (() => void) | null = null;
  let started: { resolve(url: string): void; reject(error: Error): void } | null = null;

  const failed = (error: Error) => {
    if (failure || state === 'closed') return;
    failure = error;
    for (const pending of answers.values()) pending.reject(error);
    answers.clear();
    if (started) {
      started.reject(error);
      started = null;
      return;
    }
    if (state === 'closing') return;
    logger.fatal({ err: error }, 'the gateway thread failed');
    for (const listener of failureListeners) listener(error);
  };

  worker.on('message', (message: FromGatewayThread) => {
    switch (message.type) {
      case 'ready':
        state = 'running';
        started?.resolve(message.url);
        started = null;
        return;
      case 'failed': {
        const error = new Error(`gateway thread: ${message.message}`);
        if (message.stack) error.stack = message.stack;
        failed(error);
        return;
      }
      case 'audit':
        appendFor(audit, message.id, message.record, send, logger);
        return;
      case 'metrics':
        sendMetrics(options.metrics, message.id, send);
        return;
      case 'check':
        readiness.check(message.id, message.name);
        return;
      case 'sign':
        signFor(options.devIssuer, message.id, message.claims, send);
        return;
      case 'abandon':
        readiness.abort(message.id);
        return;
      case 'stats':
        answer(message.requestId, message.stats);
        return;
      case 'heap':
        answer(message.requestId, message.heapUsed);
        return;
      case 'closed':
        closed?.();
        return;
      default: {
        const unknown: never = message;
        logger.error({ message: unknown }, 'unknown message from the gateway thread');
      }
    }
  });
  worker.on('error', failed);
  worker.on('exit', (code) => {
    if (state !== 'closing' && state !== 'closed') failed(new Error(`the gateway thread exited (code ${code})`));
    closed?.();
  });

  const url = await new Promise<string>((resolve, reject) => {
    started = { resolve, reject };
    setTimeout(() => reject(new Error(`the gateway thread did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS).unref();
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  return {
    url,
    thread: 'worker',
    subscriptionStats: () => ask<SubscriptionStats>((requestId) => ({ type: 'stats', requestId })),
    eventLoopUtilization: (previous) => worker.performance.eventLoopUtilization(previous),
    heapUsed: ({ collectGarbage }) => ask<number>((requestId) => ({ type: 'heap', requestId, collectGarbage })),
    onFailure: (listener) => void failureListeners.push(listener),
    async close() {
      if (state === 'closed' || state === 'closing') return;
      state = 'closing';
      await new Promise<void>((resolve) => {
        closed = resolve;
        send({ type: 'close' });
        setTimeout(() => {
          logger.warn(`the gateway thread did not stop within ${CLOSE_TIMEOUT_MS} ms; terminating it`);
          resolve();
        }, CLOSE_TIMEOUT_MS).unref();
      });
      await worker.terminate();
      state = 'closed';
    },
  };
}

/** Appends a record for the gateway's thread and tells it whether the record is stored. */
function appendFor(audit: AuditSink, id: number, record: Parameters<AuditSink['append']>[0], send: (message: ToGatewayThread) => void, logger: Logger): void {
  audit.append(record).then(
    () => send({ type: 'audit-done', id }),
    (error: unknown) => {
      logger.error({ err: error, kind: record.kind }, 'audit record from the gateway thread could not be written');
      send({ type: 'audit-done', id, error: error instanceof Error ? error.message : String(error) });
    },
  );
}

/** Sends the main thread's metric families for the gateway thread's `/metrics` (none when the hub keeps no registry). */
function sendMetrics(metrics: HubMetrics | undefined, id: number, send: (message: ToGatewayThread) => void): void {
  if (!metrics) {
    send({ type: 'metrics', id, families: [] });
    return;
  }
  void metrics.registry.getMetricsAsJSON().then(
    (families) => send({ type: 'metrics', id, families }),
    (error: unknown) => send({ type: 'metrics', id, error: error instanceof Error ? error.message : String(error) }),
  );
}

/**
 * Runs the main thread's readiness checks for the gateway thread's `/ready`, one message each,
 * and aborts a check the thread stopped waiting for (it times them out, as the main thread's
 * `/ready` would).
 */
function answerReadiness(checks: ReadonlyMap<string, ReadinessCheck>, send: (message: ToGatewayThread) => void) {
  const running = new Map<number, AbortController>();
  return {
    check(id: number, name: string): void {
      const check = checks.get(name);
      if (!check) {
        send({ type: 'checked', id, error: `no readiness check named "${name}" in the main thread` });
        return;
      }
      const controller = new AbortController();
      running.set(id, controller);
      void Promise.resolve()
        .then(() => check.check(controller.signal))
        .then(
          () => send({ type: 'checked', id }),
          (error: unknown) => send({ type: 'checked', id, error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => running.delete(id));
    },
    abort(id: number): void {
      running.get(id)?.abort();
      running.delete(id);
    },
  };
}

/** Signs a development token the gateway's thread asked for with the issuer's key, which never leaves this thread. */
function signFor(devIssuer: HubGatewayOptions['devIssuer'], id: number, claims: DevTokenClaims, send: (message: ToGatewayThread) => void): void {
  const sign = devIssuer?.sign;
  if (!sign) {
    send({ type: 'signed', id, error: 'the hub holds no development issuer key' });
    return;
  }
  sign(claims).then(
    (token) => send({ type: 'signed', id, token }),
    (error: unknown) => send({ type: 'signed', id, error: error instanceof Error ? error.message : String(error) }),
  );
}

/**
 * The gateway's thread (GATEWAY_THREAD=worker): runs the gateway on its own event loop, so that
 * delivering subscription events to hundreds of consoles does not queue behind the subgraphs,
 * storage and ingest of the main thread, and vice versa. It reaches the subgraphs over HTTP and
 * WebSocket as a separate gateway process would; audit records go to the main thread, which
 * owns the audit log. Started by startHubGateway.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import type { AuditRecordInput } from '../audit/auditRecord';
import type { AuditSink } from '../gateway/audit/createAuditPlugin';
import type { Gateway } from '../gateway/createGateway';
import { createHubGateway } from './createHubGateway';
import { createHubMetrics } from '../observability/createHubMetrics';
import type { ReadinessCheck } from '../observability/createReadiness';
import type { ThreadMetrics } from '../observability/mergeThreadMetrics';
import { startTracing } from '../observability/startTracing';
import { traceLogMixin } from '../observability/traceLogMixin';
import type { FromGatewayThread, GatewayThreadData, ToGatewayThread } from './gatewayThreadProtocol';

/** How long closing waits for the main thread to answer the last audit records. */
const AUDIT_SETTLE_MS = 10_000;
/**
 * How long a scrape waits for the main thread's metric families before it fails (500): a main
 * thread that cannot answer in that time is stuck, and `/ready` says so too.
 */
const MAIN_METRICS_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('hub/gatewayThread.ts runs as a worker thread (see startHubGateway)');
  const send = (message: FromGatewayThread) => port.postMessage(message);
  const data = workerData as GatewayThreadData;
  const logger = pino({ level: data.logLevel, mixin: traceLogMixin });
  // OpenTelemetry's globals are per thread: this thread's spans need their own SDK.
  const tracing = await startTracing({ endpoint: data.config.otelExporterOtlpEndpoint, serviceName: data.config.otelServiceName });

  let nextId = 1;
  const waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let settled: (() => void) | null = null;
  const audit: AuditSink = {
    append: (record: AuditRecordInput) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        try {
          send({ type: 'audit', id, record });
        } catch (error) {
          waiting.delete(id);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
  };

  // Questions to the main thread (its metric families, its readiness checks), by id.
  let nextQuestion = 1;
  const questions = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const ask = <T>(message: (id: number) => FromGatewayThread, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextQuestion++;
      questions.set(id, { resolve: resolve as (value: unknown) => void, reject });
      signal?.addEventListener('abort', () => {
        if (!questions.delete(id)) return;
        send({ type: 'abandon', id });
        reject(new Error('aborted'));
      }, { once: true });
      send(message(id));
    });
  const answer = (id: number, error: string | undefined, value?: unknown) => {
    const question = questions.get(id);
    questions.delete(id);
    if (error === undefined) question?.resolve(value);
    else question?.reject(new Error(error));
  };
  // The whole hub's metrics and readiness, though the databases, the bus, ingest and the audit log are the main thread's.
  const metrics = createHubMetrics({
    mainThread: () => {
      const timeout = AbortSignal.timeout(MAIN_METRICS_TIMEOUT_MS);
      return ask<ThreadMetrics>((id) => ({ type: 'metrics', id }), timeout).catch((error: unknown) => {
        throw timeout.aborted ? new Error(`the main thread sent no metrics within ${MAIN_METRICS_TIMEOUT_MS} ms`) : error;
      });
    },
  });
  const readinessChecks: ReadinessCheck[] = data.readinessChecks.map((name) => ({
    name,
    check: (signal) => ask<void>((id) => ({ type: 'check', id, name }), signal),
  }));

  // Set once started; messages are handled from the start (the main thread sends none before `ready`).
  const started: { gateway?: Gateway } = {};
  port.on('message', (message: ToGatewayThread) => {
    switch (message.type) {
      case 'audit-done': {
        const entry = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error === undefined) entry?.resolve();
        else entry?.reject(new Error(message.error));
        if (waiting.size === 0) settled?.();
        return;
      }
      case 'metrics':
        answer(message.id, 'error' in message ? message.error : undefined, 'families' in message ? message.families : undefined);
        return;
      case 'signed':
        answer(message.id, 'error' in message ? message.error : undefined, 'token' in message ? message.token : undefined);
        return;
      case 'checked':
        answer(message.id, message.error);
        return;
      case 'stats':
        if (started.gateway) send({ type: 'stats', requestId: message.requestId, stats: started.gateway.subscriptionStats() });
        return;
      case 'heap':
        if (message.collectGarbage) collectGarbage();
        send({ type: 'heap', requestId: message.requestId, heapUsed: process.memoryUsage().heapUsed });
        return;
      case 'close':
        void (async () => {
          await started.gateway?.close();
          await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'flushing traces failed'));
          if (waiting.size > 0) {
            await new Promise<void>((resolve) => {
              settled = resolve;
              setTimeout(resolve, AUDIT_SETTLE_MS).unref();
            });
          }
          if (waiting.size > 0) logger.error({ unanswered: waiting.size }, 'gateway thread closing with audit records unanswered');
          send({ type: 'closed' });
          port.close();
        })().catch(fail);
        return;
      default: {
        const unknown: never = message;
        logger.error({ message: unknown }, 'gateway thread: unknown message');
      }
    }
  });

  const gateway = await createHubGateway({
    config: data.config,
    logger,
    audit,
    subgraphUrls: data.subgraphUrls,
    subgraphSigningSecret: data.subgraphSigningSecret,
    // The key stays in the main thread: development tokens are signed there, one message each.
    devIssuer: data.devIssuer && (data.devIssuerSigns ? { ...data.devIssuer, sign: (claims) => ask<string>((id) => ({ type: 'sign', id, claims })) } : data.devIssuer),
    metrics,
    readinessChecks,
  });
  started.gateway = gateway;
  send({ type: 'ready', url: gateway.url });
}

let gc: (() => void) | undefined;

/** A full collection, so that a heap figure is live memory (`--expose-gc` switched on when first asked). */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

function fail(error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  parentPort?.postMessage({ type: 'failed', message: failure.message, stack: failure.stack } satisfies FromGatewayThread);
  parentPort?.close();
}

main().catch(fail);

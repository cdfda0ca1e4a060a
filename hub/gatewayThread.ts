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
import { startTracing } from '../observability/startTracing';
import { traceLogMixin } from '../observability/traceLogMixin';
import type { FromGatewayThread, GatewayThreadData, ToGatewayThread } from './gatewayThreadProtocol';

/** How long closing waits for the main thread to answer the last audit records. */
const AUDIT_SETTLE_MS = 10_000;

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
    devIssuer: data.devIssuer,
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

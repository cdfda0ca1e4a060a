/**
 * The messages between the hub's main thread and the gateway's thread (GATEWAY_THREAD=worker).
 * No implementation here.
 */
import type { AuditRecordInput } from '../audit/auditRecord';
import type { DevTokenClaims } from '../auth/createDevIssuer';
import type { SubscriptionStats } from '../gateway/createGateway';
import type { DevIssuerKeys } from './createHubAuth';
import type { HubConfig } from '../config/hubConfig';
import type { ThreadMetrics } from '../observability/mergeThreadMetrics';

/** What the gateway's thread starts from (its `workerData`). */
export interface GatewayThreadData {
  readonly config: HubConfig;
  /** The main thread's log level; the thread logs to standard output like the main thread. */
  readonly logLevel: string;
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly subgraphSigningSecret: string;
  readonly devIssuer: DevIssuerKeys | undefined;
  /** The development issuer's key is in the main thread: the thread's sign-in endpoint signs through `sign` messages. */
  readonly devIssuerSigns: boolean;
  /**
   * The names of the main thread's readiness checks (each database, the bus), in order: the
   * thread's `/ready` runs each through a `check` message.
   */
  readonly readinessChecks: readonly string[];
}

/** From the gateway's thread to the main thread. */
export type FromGatewayThread =
  /** Listening; clients may connect. */
  | { readonly type: 'ready'; readonly url: string }
  /** Could not start, or failed later; the thread ends. */
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string | undefined }
  /** Append this record to the audit log and answer with `audit-done` and the same id. */
  | { readonly type: 'audit'; readonly id: number; readonly record: AuditRecordInput }
  | { readonly type: 'stats'; readonly requestId: number; readonly stats: SubscriptionStats }
  /** The thread's V8 heap in use, in bytes. */
  | { readonly type: 'heap'; readonly requestId: number; readonly heapUsed: number }
  /** Send the main thread's metric families (`/metrics` was scraped); answered by `metrics` with the same id. */
  | { readonly type: 'metrics'; readonly id: number }
  /** Sign a development token (`POST /auth/dev/token`) with the issuer's key, which stays in the main thread; answered by `signed`. */
  | { readonly type: 'sign'; readonly id: number; readonly claims: DevTokenClaims }
  /** Run the main thread's readiness check `name`; answered by `checked` with the same id. */
  | { readonly type: 'check'; readonly id: number; readonly name: string }
  /**
   * The thread stopped waiting for the answer to `metrics` or `check` `id` (a check past
   * READY_CHECK_TIMEOUT_MS, a scrape past its wait): a check still running is aborted.
   */
  | { readonly type: 'abandon'; readonly id: number }
  /** Stopped serving; every audit record it sent has been answered. */
  | { readonly type: 'closed' };

/** From the main thread to the gateway's thread. */
export type ToGatewayThread =
  | { readonly type: 'audit-done'; readonly id: number; readonly error?: string | undefined }
  /** The main thread's families (as `Registry.getMetricsAsJSON()`), or why they could not be read. */
  | { readonly type: 'metrics'; readonly id: number; readonly families: ThreadMetrics }
  | { readonly type: 'metrics'; readonly id: number; readonly error: string }
  /** The token `sign` `id` asked for, or why it could not be signed. */
  | { readonly type: 'signed'; readonly id: number; readonly token: string }
  | { readonly type: 'signed'; readonly id: number; readonly error: string }
  /** Check `id` passed, or failed with `error` (the reason `/ready` names). */
  | { readonly type: 'checked'; readonly id: number; readonly error?: string | undefined }
  | { readonly type: 'stats'; readonly requestId: number }
  /** Measure the heap, after a full garbage collection if asked (benchmarks). */
  | { readonly type: 'heap'; readonly requestId: number; readonly collectGarbage: boolean }
  | { readonly type: 'close' };

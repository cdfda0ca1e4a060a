import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client on the gateway's `/graphql`, recording what one subscription delivers. */
export interface RecordedSubscription<T> {
  readonly events: T[];
  readonly errors: unknown[];
  completed: boolean;
  /** Resolves once at least `count` events have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

type ConnectionParams = Record<string, string>;

/** Per gateway URL, the connection parameters (token, purpose) test clients use by default. */
const callers = new Map<string, () => Promise<ConnectionParams>>();

/** startTestHub registers its hub's default caller here, so that clients authenticate. */
export function registerGatewayCaller(httpUrl: string, params: () => Promise<ConnectionParams>): void {
  callers.set(httpUrl, params);
}

export function forgetGatewayCaller(httpUrl: string): void {
  callers.delete(httpUrl);
}

/**
 * A graphql-ws client on the gateway: authenticated as the hub's default test caller unless
 * `connectionParams` says otherwise (`{}` for none).
 */
export function createGatewayClient(
  httpUrl: string,
  options: { retry?: boolean; connectionParams?: ConnectionParams | (() => Promise<ConnectionParams>) } = {},
): Client {
  const fallback = callers.get(httpUrl);
  const params = options.connectionParams ?? fallback;
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: options.retry ? 5 : 0,
    lazy: true,
    ...(params ? { connectionParams: typeof params === 'function' ? params : () => params } : {}),
  });
}

export function record<T = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): RecordedSubscription<T> {
  const recorded: RecordedSubscription<T> = {
    events: [],
    errors: [],
    completed: false,
    waitFor: (count, timeoutMs = 10_000) => waitUntil(() => recorded.events.length >= count, timeoutMs, () =>
      `expected ${count} events, got ${recorded.events.length}; errors: ${JSON.stringify(recorded.errors).slice(0, 500)}`,
    ).then(() => recorded.events),
    stop: () => undefined,
  };
  recorded.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) recorded.errors.push(...result.errors);
        if (result.data) recorded.events.push(result.data as T);
      },
      // A closed socket arrives as a CloseEvent; keep what explains it.
      error: (error) =>
        recorded.errors.push(
          error instanceof Error || Array.isArray(error)
            ? error
            : { code: (error as { code?: number }).code, reason: (error as { reason?: string }).reason },
        ),
      complete: () => {
        recorded.completed = true;
      },
    },
  );
  return recorded;
}

/** Polls `condition` every 10 ms until it holds; fails with `describe()` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Like {@link waitUntil} for a condition that has to ask something asynchronously. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { type Client, createClient } from 'graphql-ws';
import { CONSOLE_OPERATIONS, type ConsoleOperationName } from './consoleOperations';

/** A GraphQL error as the hub reports it (`extensions.code` from its registry). */
export interface ApiError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string };
}

/** A GraphQL answer: data, possibly partial, and the errors of what was withheld or failed. */
export interface ApiResult<T> {
  readonly data: T | null;
  readonly errors: readonly ApiError[];
}

/** Whether the live connection is up; the console shows a banner while it is not. */
export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface ApiClientOptions {
  /** `/graphql` on the page's own origin. */
  readonly graphqlUrl: string;
  /** The bearer token, read at each request (it may be renewed). */
  readonly token: () => string;
  /** The case or incident number stated as the purpose (X-Purpose); null when none yet. */
  readonly purpose: () => string | null;
  readonly onConnectionState: (state: ConnectionState) => void;
  /** Open the WebSocket only once something subscribes (the owner pages); default false: at once (the console). */
  readonly lazy?: boolean;
}

/** The console's one way to the hub: persisted documents over HTTP and graphql-ws. */
export interface ApiClient {
  request<T>(operation: ConsoleOperationName, variables?: Record<string, unknown>): Promise<ApiResult<T>>;
  /** Runs a subscription until the returned function is called; reconnects by itself. */
  subscribe<T>(operation: ConsoleOperationName, variables: Record<string, unknown>, onData: (result: ApiResult<T>) => void): () => void;
  /** Drops the live connection and opens a new one (a new purpose is sent at connection_init). */
  reconnect(): void;
  close(): void;
}

/** Retries wait 0.5 s, 1 s, 2 s … up to 10 s, with jitter, for as long as the page is open. */
const retryWait = async (retries: number) => {
  const base = Math.min(10_000, 500 * 2 ** retries);
  await new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
};

/**
 * Creates the API client. Every document is one of CONSOLE_OPERATIONS, sent whole with its
 * operation name, so that a hub with the console's persisted-operation manifest as its
 * allow-list runs it. The WebSocket states the token and purpose in connection_init, as the
 * gateway reads them (`Authorization`, `X-Purpose`).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { graphqlUrl, token, purpose, onConnectionState, lazy = false } = options;
  const headers = (): Record<string, string> => {
    const stated = purpose();
    return { 'content-type': 'application/json', authorization: `Bearer ${token()}`, ...(stated ? { 'x-purpose': stated } : {}) };
  };
  const wsUrl = new URL(graphqlUrl, window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  const open = (): Client =>
    createClient({
      url: wsUrl.href,
      lazy,
      connectionParams: () => {
        const stated = purpose();
        return { Authorization: `Bearer ${token()}`, ...(stated ? { 'X-Purpose': stated } : {}) };
      },
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait,
      // A restarting gateway closes with 1001/1006; every close is worth another try here.
      shouldRetry: () => true,
      keepAlive: 10_000,
      on: {
        connecting: () => onConnectionState('connecting'),
        connected: () => onConnectionState('online'),
        closed: () => onConnectionState('offline'),
        error: () => onConnectionState('offline'),
      },
    });
  let client = open();
  const live = new Set<{ restart(): void }>();

  return {
    async request<T>(operation: ConsoleOperationName, variables: Record<string, unknown> = {}): Promise<ApiResult<T>> {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ operationName: operation, query: CONSOLE_OPERATIONS[operation], variables }),
      });
      const body = (await response.json()) as { data?: T | null; errors?: ApiError[] };
      return { data: body.data ?? null, errors: body.errors ?? [] };
    },
    subscribe<T>(operation: ConsoleOperationName, variables: Record<string, unknown>, onData: (result: ApiResult<T>) => void) {
      let stop: (() => void) | null = null;
      const start = () => {
        stop = client.subscribe<T>(
          { operationName: operation, query: CONSOLE_OPERATIONS[operation], variables },
          {
            next: (result) => onData({ data: (result.data as T | null | undefined) ?? null, errors: (result.errors ?? []) as ApiError[] }),
            // A subscription the hub ended (e.g. refused) is not retried here; the socket is.
            error: () => undefined,
            complete: () => undefined,
          },
        );
      };
      const entry = { restart: () => (stop?.(), start()) };
      live.add(entry);
      start();
      return () => {
        live.delete(entry);
        stop?.();
      };
    },
    reconnect() {
      void client.dispose();
      client = open();
      for (const entry of live) entry.restart();
    },
    close() {
      live.clear();
      void client.dispose();
    },
  };
}

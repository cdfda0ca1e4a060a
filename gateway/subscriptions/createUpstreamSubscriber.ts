import { type Client, createClient } from 'graphql-ws';
import type { ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import WebSocket, { type ClientOptions } from 'ws';
import { EMPTY_BODY_SHA256, GATEWAY_SIGNATURE_HEADER, GATEWAY_SIGNATURE_PARAM, type GatewaySigner } from '../../wire/gatewaySignature';

/** Receives what one upstream subscription yields. */
export interface UpstreamSink {
  next(result: ExecutionResult): void;
  /** The subgraph refused the subscription (bad arguments, unknown field): it will not recover by retrying. */
  error(error: unknown): void;
  complete(): void;
}

export interface UpstreamSubscriber {
  /** Subscribes `operation` on subgraph `service`; returns a function that ends it. */
  subscribe(service: string, operation: string, variables: Record<string, unknown>, sink: UpstreamSink): () => void;
  /** Upstream WebSocket connections open right now. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface UpstreamSubscriberOptions {
  /** GraphQL endpoint of each subgraph (http:// URLs are turned into ws://). */
  readonly urls: Readonly<Record<string, string>>;
  /**
   * Signs each connection, freshly on every (re)connect: the upgrade request in its header and
   * the `connection_init` payload. Upstream subscriptions are shared among clients, so they
   * forward no caller.
   */
  readonly signer: GatewaySigner;
  readonly logger: Logger;
  /** First wait before reconnecting, doubled each failure up to `maxRetryDelayMs` (full jitter). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
}

/**
 * One graphql-ws client per subgraph, multiplexing every upstream subscription the gateway
 * holds on it. The connection opens with the first subscription and closes with the last. When
 * it drops (subgraph restart, network), it reconnects with exponential backoff and resubscribes
 * every live subscription, so clients keep theirs.
 */
export function createUpstreamSubscriber(options: UpstreamSubscriberOptions): UpstreamSubscriber {
  const { urls, signer, logger, retryDelayMs = 200, maxRetryDelayMs = 10_000 } = options;
  const clients = new Map<string, Client>();
  // Each client has at most one socket at a time; these are the ones open now.
  const openServices = new Set<string>();

  const clientFor = (service: string): Client => {
    const existing = clients.get(service);
    if (existing) return existing;
    const url = urls[service];
    if (!url) throw new Error(`No URL configured for subgraph "${service}"`);
    const log = logger.child({ upstream: service });
    const wsUrl = url.replace(/^http/, 'ws');
    const { pathname, search } = new URL(wsUrl);
    const client = createClient({
      url: wsUrl,
      webSocketImpl: createSignedWebSocketClass(signer, `${pathname}${search}`),
      connectionParams: () => ({ [GATEWAY_SIGNATURE_PARAM]: signer.signConnection(pathname) }),
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        const ceiling = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** retries);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
      },
      on: {
        connected: () => {
          openServices.add(service);
          log.debug('upstream connected');
        },
        closed: (event) => {
          openServices.delete(service);
          log.debug({ code: (event as { code?: number }).code }, 'upstream closed');
        },
      },
    });
    clients.set(service, client);
    return client;
  };

  return {
    subscribe(service, operation, variables, sink) {
      return clientFor(service).subscribe<Record<string, unknown>>(
        { query: operation, variables },
        {
          next: (result) => sink.next(result as ExecutionResult),
          error: (error) => sink.error(error),
          complete: () => sink.complete(),
        },
      );
    },
    openConnections: () => openServices.size,
    async close() {
      await Promise.all([...clients.values()].map((client) => client.dispose()));
      clients.clear();
    },
  };
}

/** `ws`'s WebSocket, whose upgrade request carries the gateway's signature as a GET of `path`. */
function createSignedWebSocketClass(signer: GatewaySigner, path: string): new (address: string, protocols?: string | string[]) => WebSocket {
  return class SignedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[], options?: ClientOptions) {
      const signature = signer.signRequest({ method: 'GET', path, bodySha256: EMPTY_BODY_SHA256, caller: null });
      super(address, protocols, { ...options, headers: { ...options?.headers, [GATEWAY_SIGNATURE_HEADER]: signature } });
    }
  };
}

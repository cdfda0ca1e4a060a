import { type DocumentNode, type FormattedExecutionResult, parse } from 'graphql';
import { type Client, createClient } from 'graphql-ws';

/** One request from GraphiQL: its operation and the headers of its headers editor. */
export interface FetcherParams {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: unknown;
}
export interface FetcherOptions {
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly documentAST?: DocumentNode;
}

/**
 * GraphiQL's fetcher for the hub: queries and mutations are POSTed to `graphqlPath` on the page's
 * origin as JSON (the gateway refuses anything else as a CSRF risk); subscriptions go over
 * graphql-ws on the same path, the headers sent as connection parameters, as the gateway reads
 * them. `fallbackHeaders` (the development sign-in's) apply where the editor names no such header.
 */
export function createHubFetcher(options: { readonly graphqlPath: string; readonly fallbackHeaders: () => Readonly<Record<string, string>> }) {
  const { graphqlPath, fallbackHeaders } = options;
  let socket: { readonly key: string; readonly client: Client } | null = null;
  const headersOf = (fetcherOptions: FetcherOptions | undefined): Record<string, string> => {
    const given = Object.fromEntries(Object.entries(fetcherOptions?.headers ?? {}).map(([name, value]) => [name, String(value)]));
    const named = new Set(Object.keys(given).map((name) => name.toLowerCase()));
    const fallback = Object.entries(fallbackHeaders()).filter(([name]) => !named.has(name.toLowerCase()));
    return { ...Object.fromEntries(fallback), ...given };
  };
  const clientFor = (headers: Record<string, string>): Client => {
    const key = JSON.stringify(headers);
    if (socket?.key === key) return socket.client;
    void socket?.client.dispose();
    const url = new URL(graphqlPath, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = { key, client: createClient({ url: url.href, connectionParams: headers, lazy: true }) };
    return socket.client;
  };

  return (params: FetcherParams, fetcherOptions?: FetcherOptions): Promise<FormattedExecutionResult> | AsyncIterable<FormattedExecutionResult> => {
    const headers = headersOf(fetcherOptions);
    if (isSubscription(params.query, params.operationName)) {
      return clientFor(headers).iterate({ query: params.query, ...(params.operationName ? { operationName: params.operationName } : {}), variables: (params.variables ?? {}) as Record<string, unknown> });
    }
    return fetch(graphqlPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(params),
    }).then(async (response) => (await response.json()) as FormattedExecutionResult);
  };
}

/**
 * Whether the operation to run (the named one, else the first) is a subscription. Read from the
 * text sent, not GraphiQL's `documentAST`, which lags behind the editor by a debounce. A document
 * that does not parse goes over HTTP, where the gateway says what is wrong with it.
 */
function isSubscription(query: string, operationName: string | null | undefined): boolean {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return false;
  }
  const operations = document.definitions.filter((definition) => definition.kind === 'OperationDefinition');
  const chosen = operationName ? operations.find((operation) => operation.name?.value === operationName) : operations[0];
  return chosen?.operation === 'subscription';
}

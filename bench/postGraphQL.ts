/** A GraphQL response body as both the gateway and the subgraphs send it. */
export interface GraphQLResponseBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { readonly message: string }[];
}

/** What one POST returned: the HTTP status and the parsed body (null when it was not JSON). */
export interface GraphQLReply {
  readonly status: number;
  readonly body: GraphQLResponseBody | null;
}

/** Every request is bounded, so that a stuck server cannot hold the benchmark open. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * POSTs one GraphQL operation as JSON over Node's global fetch (undici, keep-alive by
 * default). Callers check their URLs once with {@link assertLoopbackUrl}.
 */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  /** Extra headers, from the body about to be sent (a bearer token; a subgraph signature). */
  headers: (body: string) => Record<string, string> = () => ({}),
): Promise<GraphQLReply> {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers(body) },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, body: parseBody(text) };
}

/** True when the reply counts as an error: not HTTP 200, not JSON, or carrying GraphQL `errors`. */
export function isErrorReply(reply: GraphQLReply): boolean {
  return reply.status !== 200 || reply.body === null || (reply.body.errors?.length ?? 0) > 0;
}

/** A short description of an error reply, for the report. */
export function describeErrorReply(reply: GraphQLReply): string {
  const first = reply.body?.errors?.[0]?.message;
  return `HTTP ${reply.status}${first ? `: ${first}` : reply.body === null ? ': body is not JSON' : ''}`;
}

function parseBody(text: string): GraphQLResponseBody | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as GraphQLResponseBody) : null;
  } catch {
    return null;
  }
}

/** The benchmark loads only 127.0.0.1: it must never send its load to another host. */
export function assertLoopbackUrl(url: string): string {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`bench: refusing to load ${url}; only 127.0.0.1 targets are allowed`);
  return url;
}

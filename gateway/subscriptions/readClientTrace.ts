import type { IncomingHttpHeaders } from 'node:http';
import { type Context, ROOT_CONTEXT, type TextMapGetter, propagation, trace } from '@opentelemetry/api';

/** Where a WebSocket client may send its W3C trace context (`traceparent`, `tracestate`). */
export interface ClientTraceSources {
  /** The `subscribe` message's `extensions`: this operation's own. */
  readonly extensions?: Readonly<Record<string, unknown>> | null | undefined;
  /** connection_init's payload: every operation of the connection. */
  readonly connectionParams?: Readonly<Record<string, unknown>> | null | undefined;
  /** The upgrade request's headers, for clients that can set them (browsers cannot). */
  readonly headers?: IncomingHttpHeaders | undefined;
}

/**
 * Reads trace-context keys in any case (connection parameters are the client's own object), and
 * only string values: everything here is untrusted, and the W3C propagator validates the rest.
 */
const GETTER: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const found = Object.keys(carrier).find((name) => name.toLowerCase() === key);
    const value = found === undefined ? undefined : carrier[found];
    return typeof value === 'string' ? value : undefined;
  },
};

/**
 * The trace context an operation over the socket continues: the first valid `traceparent` of
 * the subscribe message's extensions, connection_init's payload or the upgrade's headers, in
 * that order (the most specific wins); else the root, so the operation starts a trace of its own.
 */
export function readClientTrace(sources: ClientTraceSources): Context {
  for (const carrier of [sources.extensions, sources.connectionParams, sources.headers]) {
    if (!carrier || typeof carrier !== 'object') continue;
    const extracted = propagation.extract(ROOT_CONTEXT, carrier, GETTER);
    const spanContext = trace.getSpanContext(extracted);
    if (spanContext && trace.isSpanContextValid(spanContext)) return extracted;
  }
  return ROOT_CONTEXT;
}

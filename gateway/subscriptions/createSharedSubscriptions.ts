import { type Link, ROOT_CONTEXT, type Span, SpanKind, type SpanContext, SpanStatusCode, trace } from '@opentelemetry/api';
import stableStringify from 'fast-json-stable-stringify';
import { type DocumentNode, type ExecutionResult, GraphQLError, Kind, getOperationAST, print } from 'graphql';
import type { Logger } from 'pino';
import type { SubscriptionPlanner } from './createSubscriptionPlanner';
import { HubError } from '../../errors/hubErrors';
import { hubTracer } from '../../observability/hubTracer';
import type { UpstreamSubscriber } from './createUpstreamSubscriber';
import { coalescedFieldsOf } from './readSubscriptionTraits';

/** One completed event of a shared stream, as every client of the stream receives it. */
export interface SharedEvent {
  readonly result: ExecutionResult;
  /** When the event was handed to its listeners (ms since epoch): one clock reading for all of them. */
  readonly at: number;
  /**
   * The event as the clients that share `key` see it, after `transform` (their access
   * decisions): transformed and serialised to UTF-8 JSON once per key for all of them.
   */
  viewFor(key: string, transform: (result: ExecutionResult) => TransformedEvent): EventView;
  /** Set for events that a slow client may see only the latest of (fields declared `@coalesce`): `field:key`. */
  readonly coalesceKey: string | undefined;
}

/** What access control made of an event for some clients. */
export interface TransformedEvent {
  readonly result: ExecutionResult;
  /** Restricted fields that carried a value (for the audit trail). */
  readonly restrictedReturned: readonly string[];
}

/** An event as some clients see it. */
export interface EventView extends TransformedEvent {
  readonly bytes: Buffer;
}

/** One client's end of a shared subscription. */
export interface SubscriptionListener {
  /** The client's subscription span (its start): the span of each event the client receives links to it. */
  readonly link?: SpanContext | undefined;
  next(event: SharedEvent): void;
  error(errors: readonly GraphQLError[]): void;
  complete(): void;
}

export interface SubscriptionRequest {
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly variables: Record<string, unknown>;
}

export interface SharedSubscriptions {
  /** Joins (or opens) the shared stream for this operation and variables; returns a function to leave. */
  subscribe(request: SubscriptionRequest, listener: SubscriptionListener): () => void;
  /** Shared streams open now, each one upstream subscription. */
  readonly streamCount: number;
  close(): void;
}

export interface SharedSubscriptionsOptions {
  readonly planner: SubscriptionPlanner;
  readonly upstream: UpstreamSubscriber;
  readonly logger: Logger;
  /** Root fields whose events coalesce for slow clients (latest wins), with the field that keys them; by default those the planner's supergraph declares `@coalesce`. */
  readonly coalescedFields?: ReadonlyMap<string, string>;
}

interface Stream {
  readonly listeners: Set<SubscriptionListener>;
  stop(): void;
}

/** Links an event's span keeps to its listeners' subscriptions (a stream may have hundreds of listeners). */
const MAX_EVENT_LINKS = 32;

/**
 * Shares one upstream subscription, and one completion of each event through the query plan,
 * among every client that subscribed with the same document, operation name and variables.
 * Events are delivered in upstream order even though their completions run concurrently.
 * The upstream subscription ends when the last client leaves.
 *
 * Each event is a span (`subscription event <field>`) from its arrival until it is handed to
 * the listeners, with the completion's subgraph fetches as its children. It starts a trace of
 * its own, linked to the subscription of each listener (up to MAX_EVENT_LINKS): one completion
 * serves every client of the stream, and a stream lives for hours, so a child of one client's
 * trace would belong to that client alone and grow it without end.
 */
export function createSharedSubscriptions(options: SharedSubscriptionsOptions): SharedSubscriptions {
  const { planner, upstream, logger, coalescedFields = coalescedFieldsOf(planner.traits) } = options;
  const streams = new Map<string, Stream>();

  const open = (key: string, request: SubscriptionRequest): Stream => {
    const planned = planner.plan(request.document, request.operationName, request.variables);
    const spanName = `subscription event ${rootFieldOf(request)}`;
    const listeners = new Set<SubscriptionListener>();
    let delivered: Promise<void> = Promise.resolve();
    const close = () => {
      if (streams.get(key) === stream) streams.delete(key);
    };

    const stopUpstream = upstream.subscribe(planned.service, planned.operation, planned.variables, {
      next: (event) => {
        const coalesceKey = coalesceKeyOf(event, coalescedFields);
        const span = startEventSpan(spanName, planned.service, listeners);
        const completed = planned.complete(event, trace.setSpan(ROOT_CONTEXT, span)).catch((error: unknown): ExecutionResult => {
          logger.error({ err: error, service: planned.service }, 'completing a subscription event failed');
          return { errors: [new HubError('INTERNAL_SERVER_ERROR', 'Internal server error')] };
        });
        delivered = delivered
          .then(() => completed)
          .then((result) => {
            try {
              if (listeners.size === 0) return;
              const shared = sharedEvent(result, coalesceKey);
              for (const listener of listeners) listener.next(shared);
            } finally {
              endEventSpan(span, result);
            }
          });
      },
      error: (error) => {
        close();
        const errors = toGraphQLErrors(error, planned.service);
        void delivered.then(() => {
          for (const listener of listeners) listener.error(errors);
        });
      },
      complete: () => {
        close();
        void delivered.then(() => {
          for (const listener of listeners) listener.complete();
        });
      },
    });
    const stream: Stream = { listeners, stop: stopUpstream };
    return stream;
  };

  return {
    subscribe(request, listener) {
      const key = `${print(request.document)}\n${request.operationName ?? ''}\n${stableStringify(request.variables)}`;
      let stream = streams.get(key);
      if (!stream) {
        stream = open(key, request);
        streams.set(key, stream);
      }
      const joined = stream;
      joined.listeners.add(listener);
      return () => {
        joined.listeners.delete(listener);
        if (joined.listeners.size === 0) {
          if (streams.get(key) === joined) streams.delete(key);
          joined.stop();
        }
      };
    },
    get streamCount() {
      return streams.size;
    },
    close() {
      for (const stream of streams.values()) stream.stop();
      streams.clear();
    },
  };
}

/** The span of one event of a stream, linked to its listeners' subscriptions. */
function startEventSpan(name: string, service: string, listeners: ReadonlySet<SubscriptionListener>): Span {
  const span = hubTracer().startSpan(name, {
    kind: SpanKind.CONSUMER,
    root: true,
    attributes: { 'rtcc.subgraph': service, 'rtcc.subscription.listeners': listeners.size },
  });
  // Links are gathered only for a span that records (tracing on, sampled): events are the bulk of the traffic.
  if (span.isRecording()) {
    const links: Link[] = [];
    for (const { link } of listeners) {
      if (links.length >= MAX_EVENT_LINKS) break;
      if (link && trace.isSpanContextValid(link)) links.push({ context: link });
    }
    span.addLinks(links);
  }
  return span;
}

/** Ends an event's span, as an error when its completion answered with errors (a subgraph down, say). */
function endEventSpan(span: Span, result: ExecutionResult): void {
  const [first] = result.errors ?? [];
  if (first) {
    const code = first.extensions?.code;
    span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : first.message });
  }
  span.end();
}

/** The subscription's root field (its response key), to name its events' spans. */
function rootFieldOf(request: SubscriptionRequest): string {
  const [first] = getOperationAST(request.document, request.operationName ?? undefined)?.selectionSet.selections ?? [];
  return first?.kind === Kind.FIELD ? first.name.value : 'subscription';
}

/** The event as clients receive it; the JSON is made on first use and then reused. */
function sharedEvent(result: ExecutionResult, coalesceKey: string | undefined): SharedEvent {
  const byKey = new Map<string, EventView>();
  return {
    result,
    at: Date.now(),
    coalesceKey,
    viewFor(key, transform) {
      let view = byKey.get(key);
      if (!view) {
        const transformed = transform(result);
        // GraphQLError serialises through its toJSON (message, locations, path, extensions).
        view = { ...transformed, bytes: Buffer.from(JSON.stringify(transformed.result)) };
        byKey.set(key, view);
      }
      return view;
    },
  };
}

/** `field:key` for an event of a coalesced root field that carries its key. */
function coalesceKeyOf(event: ExecutionResult, fields: ReadonlyMap<string, string>): string | undefined {
  const data = event.data as Record<string, unknown> | null | undefined;
  if (!data) return undefined;
  for (const [field, value] of Object.entries(data)) {
    const by = fields.get(field);
    if (!by || typeof value !== 'object' || value === null) continue;
    const key = (value as Record<string, unknown>)[by];
    if (typeof key === 'string') return `${field}:${key}`;
  }
  return undefined;
}

/** What an upstream subscription failed with, as GraphQL errors naming the subgraph. */
function toGraphQLErrors(error: unknown, service: string): GraphQLError[] {
  if (Array.isArray(error)) {
    return error.map((item: { message?: string; extensions?: Record<string, unknown> }) =>
      new GraphQLError(item.message ?? 'Subscription failed', { extensions: { ...item.extensions, serviceName: service } }),
    );
  }
  return [
    new HubError('SUBGRAPH_UNAVAILABLE', `Subgraph "${service}" ended the subscription`, { serviceName: service, reason: error instanceof Error ? error.message : String(error) }),
  ];
}

import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { type Attributes, type Context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { hubTracer } from '../../observability/hubTracer';
import { operationTraceOf, setOperationTrace } from '../operationTrace';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

interface Pending {
  readonly options: GraphQLDataSourceProcessOptions;
  readonly representations: unknown[];
  /** The trace context the fetch was asked for in (its event's span). */
  readonly trace: Context;
  resolve(response: Response): void;
  reject(error: unknown): void;
}

/** One operation's entity fetches: those gathering for the next request, and whether one is out. */
interface Lane {
  gathering: Pending[];
  /** A request of this operation is out; what gathers meanwhile leaves when it returns. */
  inFlight: boolean;
  /** The gathering requests leave on the next turn (setImmediate) already. */
  scheduled: boolean;
}

/**
 * Wraps a subgraph data source so that `_entities` fetches with the same operation go out
 * together: when several subscription events arrive together, each runs its own query plan, and
 * their entity fetches are merged here. Fetches started in the same turn of the event loop leave
 * as one request; while that request is out, the next ones of the same operation gather and
 * leave as one when it returns (at most one request per operation in flight), so that under
 * load (500 position fixes/s) the requests grow instead of multiplying. When the gateway is
 * idle nothing waits beyond the turn. The answer is split back by position; errors are routed
 * by their `_entities` index.
 *
 * A fetch that leaves alone is its event's fetch span. A merged request answers several events,
 * so each of them gets a span `subgraph <name> batch` for it; the request's own span (and the
 * `traceparent` it carries) is a child of the first one, and the others link to that one.
 */
export function createBatchingDataSource(inner: GraphQLDataSource, options: { readonly name?: string } = {}): GraphQLDataSource & { batchesSent(): number } {
  const { name = 'subgraph' } = options;
  const lanes = new Map<string, Lane>();
  let batches = 0;

  const send = (key: string, lane: Lane) => {
    lane.scheduled = false;
    const group = lane.gathering;
    if (group.length === 0) {
      lanes.delete(key);
      return;
    }
    lane.gathering = [];
    lane.inFlight = true;
    void flush(group).finally(() => {
      lane.inFlight = false;
      send(key, lane);
    });
  };

  const flush = async (group: Pending[]) => {
    const [first] = group;
    if (!first) return;
    if (group.length === 1) {
      await inner.process(first.options).then(first.resolve, first.reject);
      return;
    }
    batches += 1;
    const representations = group.flatMap((pending) => pending.representations);
    const spans = startBatchSpans(group, { 'rtcc.subgraph': name, 'rtcc.batch.events': group.length, 'rtcc.batch.representations': representations.length }, `subgraph ${name} batch`);
    let context = first.options.context;
    if (spans) {
      context = { ...context };
      setOperationTrace(context, spans.lead);
    }
    try {
      const merged = await inner.process({
        ...first.options,
        context,
        request: {
          ...first.options.request,
          variables: { ...first.options.request.variables, representations },
        },
      });
      // Errors the subgraph answered with belong to single entities, routed below; only a failed request fails the spans.
      spans?.end(false);
      const entities = (merged.data?._entities as unknown[] | undefined) ?? null;
      let offset = 0;
      for (const pending of group) {
        const count = pending.representations.length;
        const [start, end] = [offset, offset + count];
        offset = end;
        const errors = merged.errors?.flatMap((error) => {
          const [root, index, ...rest] = error.path ?? [];
          if (root !== '_entities' || typeof index !== 'number') return [error];
          return index >= start && index < end ? [{ ...error, path: ['_entities', index - start, ...rest] }] : [];
        });
        pending.resolve({
          ...merged,
          data: entities ? { ...merged.data, _entities: entities.slice(start, end) } : (merged.data ?? null),
          ...(errors && errors.length > 0 ? { errors } : { errors: undefined }),
        });
      }
    } catch (error) {
      spans?.end(true);
      for (const pending of group) pending.reject(error);
    }
  };

  return {
    batchesSent: () => batches,
    process(options) {
      const { query, variables } = options.request;
      const representations = variables?.representations;
      if (!query || !Array.isArray(representations)) return inner.process(options);
      const { representations: _omit, ...others } = variables ?? {};
      const key = `${query}\n${JSON.stringify(others)}`;
      return new Promise<Response>((resolve, reject) => {
        let lane = lanes.get(key);
        if (!lane) {
          lane = { gathering: [], inFlight: false, scheduled: false };
          lanes.set(key, lane);
        }
        lane.gathering.push({ options, representations, trace: operationTraceOf(options.context), resolve, reject });
        if (lane.inFlight || lane.scheduled) return;
        // Entity fetches of concurrently executing plans are issued within a few microtasks
        // of each other; setImmediate waits until they all have been.
        lane.scheduled = true;
        const ready = lane;
        setImmediate(() => send(key, ready));
      });
    },
  };
}

/**
 * One span per event of a merged request, each a child of its event's span; the first is the
 * request's parent (`lead`), the others link to it. Null when no event's span records (tracing
 * off or not sampled): nothing is made then.
 */
function startBatchSpans(group: readonly Pending[], attributes: Attributes, name: string): { readonly lead: Context; end(failed: boolean): void } | null {
  const recording = group.filter((pending) => trace.getSpan(pending.trace)?.isRecording());
  const [leader, ...others] = recording;
  if (!leader) return null;
  const tracer = hubTracer();
  const leadSpan = tracer.startSpan(name, { attributes }, leader.trace);
  const spans: Span[] = [leadSpan, ...others.map((pending) => tracer.startSpan(name, { attributes, links: [{ context: leadSpan.spanContext() }] }, pending.trace))];
  return {
    lead: trace.setSpan(leader.trace, leadSpan),
    end(failed) {
      for (const span of spans) {
        if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    },
  };
}

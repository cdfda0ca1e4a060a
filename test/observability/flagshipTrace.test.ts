import type { PlanNode } from '@apollo/query-planner';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { planQuery } from '../../bench/planQuery';
import { FLAGSHIP_QUERY } from '../../schema/flagshipQuery';
import { loadCityFixture } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { fetchesOf, useInMemoryTracing } from '../support/inMemoryTracing';
import { STORAGE_TARGETS } from '../support/storageTargets';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

const exporter = useInMemoryTracing();

describe.each(STORAGE_TARGETS)('traces of the flagship query ($name)', (target) => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target);
    await loadCityFixture(hub.sink);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('has one span per subgraph fetch, all in the trace of the client\'s traceparent', async () => {
    exporter.reset();
    const headers = { authorization: `Bearer ${await hub.token()}`, 'x-purpose': 'TEST-0001', traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` };
    const { status, body } = await hub.post(FLAGSHIP_QUERY, { id: 'inc-1' }, headers);
    // The subgraphs accepted every signed fetch with its traceparent.
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });

    const spans = exporter.getFinishedSpans();
    // The gateway's request span continues the client's span; the operation's is its child.
    const requests = spans.filter((span) => span.kind === SpanKind.SERVER && span.name === 'gateway POST /graphql');
    expect(requests).toHaveLength(1);
    const [requestSpan] = requests as [ReadableSpan];
    expect(requestSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(requestSpan.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
    const operation = spans.filter((span) => span.name.startsWith('graphql '));
    expect(operation).toHaveLength(1);
    const [operationSpan] = operation as [ReadableSpan];
    expect(operationSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(operationSpan.parentSpanContext?.spanId).toBe(requestSpan.spanContext().spanId);
    expect(operationSpan.name).toBe('graphql query');
    // @apollo/gateway's own spans (plan, execute, fetch) fall in the same trace.
    expect(spans.find((span) => span.name === 'gateway.plan')?.spanContext().traceId).toBe(TRACE_ID);

    const supergraph = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
    const planned = fetchesOf(planQuery(supergraph, FLAGSHIP_QUERY).node as PlanNode | undefined).sort();
    const fetches = spans.filter((span) => span.kind === SpanKind.CLIENT && span.name.startsWith('subgraph '));
    expect(fetches.map((span) => span.attributes['rtcc.subgraph']).sort()).toEqual(planned);
    for (const fetch of fetches) {
      expect(fetch.spanContext().traceId).toBe(TRACE_ID);
      expect(fetch.parentSpanContext?.spanId).toBe(operationSpan.spanContext().spanId);
    }

    // Each subgraph continued the fetch's traceparent: one server span under each fetch span.
    const subgraphSide = spans.filter((span) => span.kind === SpanKind.SERVER && span.name.startsWith('subgraph '));
    expect(subgraphSide.map((span) => span.parentSpanContext?.spanId).sort()).toEqual(fetches.map((span) => span.spanContext().spanId).sort());
    expect(new Set(subgraphSide.map((span) => span.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
  });

  it('starts a trace of its own for a client that sends no traceparent', async () => {
    exporter.reset();
    const body = await hub.query(FLAGSHIP_QUERY, { id: 'inc-1' });
    expect(body.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const traceIds = new Set(spans.map((span) => span.spanContext().traceId));
    expect(traceIds.size).toBe(1);
    expect(traceIds.has(TRACE_ID)).toBe(false);
    expect(spans.filter((span) => span.kind === SpanKind.CLIENT).length).toBeGreaterThan(1);
  });
});

import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { planQuery } from '../../bench/planQuery';
import { createSubgraphDataSource } from '../../gateway/createSubgraphDataSource';
import { setOperationTrace } from '../../gateway/operationTrace';
import { createBatchingDataSource } from '../../gateway/subscriptions/createBatchingDataSource';
import { hubTracer } from '../../observability/hubTracer';
import { createGatewaySigner } from '../../wire/gatewaySignature';
import { loadCityFixture, ringingCall } from '../support/cityFixture';
import { DEFAULT_TEST_CALLER, type TestHub, startTestHub } from '../support/startTestHub';
import { fetchesOf, useInMemoryTracing } from '../support/inMemoryTracing';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, eventually, waitUntil } from '../support/subscribeThroughGateway';

/** A subscription whose events are completed by entity fetches to another subgraph (cameras). */
const CALLS_WITH_CAMERAS = /* GraphQL */ `subscription CallsWithCameras { callReceived { id nearbyCameras { distanceMeters } } }`;

const CONNECTION_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SUBSCRIBE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const traceparent = (traceId: string) => `00-${traceId}-${CLIENT_SPAN_ID}-01`;

const exporter = useInMemoryTracing();

const spans = () => exporter.getFinishedSpans();
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const childrenOf = (parent: ReadableSpan, all = spans()) => all.filter((span) => span.parentSpanContext?.spanId === idOf(parent));

describe.each(STORAGE_TARGETS)('traces of subscription events ($name)', (target) => {
  const signingSecret = randomBytes(32).toString('hex');
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(target, { env: { SUBGRAPH_SIGNING_SECRET: signingSecret } });
    await loadCityFixture(hub.sink);
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Opens CALLS_WITH_CAMERAS with connection_init carrying CONNECTION_TRACE_ID, and `extensions` as the subscribe message's. */
  const subscribe = async (extensions?: Record<string, unknown>) => {
    const token = await hub.token();
    const client = createGatewayClient(hub.gatewayUrl, {
      connectionParams: { Authorization: `Bearer ${token}`, 'X-Purpose': DEFAULT_TEST_CALLER.purpose, traceparent: traceparent(CONNECTION_TRACE_ID) },
    });
    const events: string[] = [];
    const errors: unknown[] = [];
    client.subscribe<{ callReceived: { id: string } }>(
      { query: CALLS_WITH_CAMERAS, ...(extensions ? { extensions } : {}) },
      { next: (result) => (result.data ? events.push(result.data.callReceived.id) : errors.push(result.errors)), error: (error) => errors.push(error), complete: () => undefined },
    );
    await eventually(async () => hub.subgraphs.calls.subgraph.activeSubscriptions() > 0 && spans().some((span) => span.name === 'graphql subscription CallsWithCameras'), 20_000, 'the subscription to start');
    return { client, events, errors };
  };

  it('makes each event a span linked to the subscription, with its completion fetches as children that carry traceparent', async () => {
    exporter.reset();
    const { client, events, errors } = await subscribe();
    try {
      // The subscription's start continues the trace of connection_init's traceparent.
      const [start, ...more] = spans().filter((span) => span.name === 'graphql subscription CallsWithCameras');
      expect(more).toEqual([]);
      expect(start?.kind).toBe(SpanKind.SERVER);
      expect(start?.spanContext().traceId).toBe(CONNECTION_TRACE_ID);
      expect(start?.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);

      // One event at a time, so that no two events' entity fetches merge.
      for (const callId of ['trace-call-1', 'trace-call-2']) {
        await hub.sink.emit(ringingCall(callId));
        await waitUntil(() => events.includes(callId), 20_000, () => `event ${callId}; errors ${JSON.stringify(errors)}`);
      }
      const supergraph = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
      const plan = planQuery(supergraph, CALLS_WITH_CAMERAS).node;
      if (plan?.kind !== 'Subscription') throw new Error('not planned as a subscription');
      const planned = fetchesOf(plan.rest).sort();
      expect(planned.length).toBeGreaterThan(0);

      // Each event span ends once the event is handed to the clients; its subgraph's spans end before.
      await waitUntil(() => spans().filter((span) => span.name === 'subscription event callReceived').length === 2, 20_000, () => 'two event spans');
      const all = spans();
      const eventSpans = all.filter((span) => span.name === 'subscription event callReceived');
      // Each event starts a trace of its own (one completion serves every client of the stream)…
      expect(new Set(eventSpans.map((span) => span.spanContext().traceId)).size).toBe(2);
      for (const event of eventSpans) {
        expect(event.parentSpanContext).toBeUndefined();
        expect(event.kind).toBe(SpanKind.CONSUMER);
        // …linked to the subscription's start, in the client's trace.
        expect(event.links.map((link) => link.context)).toEqual([expect.objectContaining({ traceId: CONNECTION_TRACE_ID, spanId: start && idOf(start) })]);
        // Its completion's fetches are its children, one per planned fetch.
        const fetches = childrenOf(event, all).filter((span) => span.kind === SpanKind.CLIENT && span.name.startsWith('subgraph '));
        expect(fetches.map((span) => span.attributes['rtcc.subgraph']).sort()).toEqual(planned);
        // Each fetch carried its traceparent: the subgraph's request span is its child.
        for (const fetch of fetches) {
          const served = childrenOf(fetch, all).filter((span) => span.kind === SpanKind.SERVER);
          expect(served.map((span) => span.name)).toEqual([`subgraph ${String(fetch.attributes['rtcc.subgraph'])} POST /graphql`]);
          expect(served[0]?.spanContext().traceId).toBe(event.spanContext().traceId);
        }
        // The executor's own spans fall in the event's trace too, not in traces of their own.
        const execute = all.filter((span) => span.name === 'gateway.execute' && span.parentSpanContext?.spanId === idOf(event));
        expect(execute).toHaveLength(1);
      }
    } finally {
      await client.dispose();
    }
  });

  it('continues the subscribe message\'s traceparent (extensions) before connection_init\'s, for queries too', async () => {
    exporter.reset();
    const { client } = await subscribe({ traceparent: traceparent(SUBSCRIBE_TRACE_ID) });
    try {
      const [start] = spans().filter((span) => span.name === 'graphql subscription CallsWithCameras');
      expect(start?.spanContext().traceId).toBe(SUBSCRIBE_TRACE_ID);
      expect(start?.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
      // A query over the socket continues its trace the same way, down to its subgraph fetch.
      const answered = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: 'query IncidentNumber { incident(id: "inc-1") { number } }', extensions: { traceparent: traceparent(SUBSCRIBE_TRACE_ID) } }, { next: resolve, error: reject, complete: () => undefined });
      });
      expect(answered).toEqual({ data: { incident: { number: expect.any(String) } } });
      const [query] = spans().filter((span) => span.name === 'graphql query IncidentNumber');
      expect(query?.spanContext().traceId).toBe(SUBSCRIBE_TRACE_ID);
      expect(query?.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
      expect(childrenOf(query as ReadableSpan).filter((span) => span.kind === SpanKind.CLIENT).map((span) => span.name)).toEqual(['subgraph cad']);
    } finally {
      await client.dispose();
    }
  });

  it('gives each event of a merged entity fetch a span for it, the request under the first and linked from the others', async () => {
    exporter.reset();
    // The gateway's own data source on the hub's cameras subgraph, behind the batching the planner uses.
    const cameras = createSubgraphDataSource({ name: 'cameras', url: hub.subgraphs.cameras.server.url, signer: createGatewaySigner({ secret: signingSecret }) });
    const batching = createBatchingDataSource(cameras, { name: 'cameras' });
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Camera{id}}}';
    const eventSpans = ['cam-east', 'cam-north', 'cam-west'].map((id) => ({ id, span: hubTracer().startSpan('subscription event test', { root: true }) }));
    // Started in one turn of the event loop: they leave as one request.
    const answers = await Promise.all(eventSpans.map(({ id, span }) => {
      const context = {};
      setOperationTrace(context, trace.setSpan(ROOT_CONTEXT, span));
      return batching.process({ request: { query, variables: { representations: [{ __typename: 'Camera', id }] } }, context } as unknown as GraphQLDataSourceProcessOptions);
    }));
    for (const { span } of eventSpans) span.end();
    expect(batching.batchesSent()).toBe(1);
    expect(answers.map((answer) => answer.data?._entities)).toEqual([[{ id: 'cam-east' }], [{ id: 'cam-north' }], [{ id: 'cam-west' }]]);

    const all = spans();
    const [first, ...others] = eventSpans.map(({ span }) => all.find((finished) => finished.spanContext().spanId === span.spanContext().spanId) as ReadableSpan);
    const batchOf = (event: ReadableSpan) => childrenOf(event, all).filter((span) => span.name === 'subgraph cameras batch');
    const [lead, ...moreLeads] = batchOf(first as ReadableSpan);
    expect(moreLeads).toEqual([]);
    expect(lead?.attributes).toMatchObject({ 'rtcc.batch.events': 3, 'rtcc.batch.representations': 3 });
    // The one request: a child of the first event's batch span, its traceparent continued by the subgraph.
    const requests = all.filter((span) => span.kind === SpanKind.CLIENT && span.name === 'subgraph cameras');
    expect(requests.map((span) => span.parentSpanContext?.spanId)).toEqual([lead && idOf(lead)]);
    expect(childrenOf(requests[0] as ReadableSpan, all).map((span) => span.kind)).toEqual([SpanKind.SERVER]);
    // Every other event has its own batch span, linked to the one the request is under.
    for (const event of others) {
      const [own] = batchOf(event);
      expect(own?.spanContext().traceId).toBe(event.spanContext().traceId);
      expect(own?.links.map((link) => link.context.spanId)).toEqual([lead && idOf(lead)]);
    }
  });
});

/** A span as OTLP/JSON carries it (hex ids, numeric kind). */
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly links?: readonly { readonly traceId: string; readonly spanId: string }[];
}

/** A collector on a free port that keeps every span posted to `/v1/traces` (OTLP/HTTP JSON). */
async function startOtlpCollector(): Promise<{ readonly url: string; readonly spans: OtlpSpan[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as {
        resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
      };
      for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      response.writeHead(request.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** OTLP's SpanKind numbers. */
const OTLP_KIND = { SERVER: 2, CLIENT: 3, CONSUMER: 5 } as const;

describe('traces of subscription events with the gateway in its own thread (GATEWAY_THREAD=worker)', () => {
  it('exports the thread\'s spans over OTLP: the event linked to the subscription, its fetches under it, the subgraphs\' spans under those', async () => {
    const collector = await startOtlpCollector();
    let hub: TestHub | undefined;
    try {
      exporter.reset();
      hub = await startTestHub(STORAGE_TARGETS[0] as (typeof STORAGE_TARGETS)[number], { env: { GATEWAY_THREAD: 'worker', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } });
      expect(hub.gateway.thread).toBe('worker');
      await loadCityFixture(hub.sink);
      const client = createGatewayClient(hub.gatewayUrl, {
        connectionParams: { Authorization: `Bearer ${await hub.token()}`, 'X-Purpose': DEFAULT_TEST_CALLER.purpose, traceparent: traceparent(CONNECTION_TRACE_ID) },
      });
      const events: string[] = [];
      client.subscribe<{ callReceived: { id: string } }>({ query: CALLS_WITH_CAMERAS }, { next: (result) => void (result.data && events.push(result.data.callReceived.id)), error: () => undefined, complete: () => undefined });
      const running = hub;
      await eventually(async () => running.subgraphs.calls.subgraph.activeSubscriptions() > 0, 20_000, 'the upstream subscription');
      await hub.sink.emit(ringingCall('thread-trace-call'));
      await waitUntil(() => events.includes('thread-trace-call'), 20_000, () => 'the event');
      await client.dispose();
      // Closing the hub stops the thread's SDK, which flushes what it batched.
      await hub.close();
      hub = undefined;
    } finally {
      await hub?.close();
      await collector.close();
    }

    const exported = collector.spans;
    const [start] = exported.filter((span) => span.name === 'graphql subscription CallsWithCameras');
    expect(start).toMatchObject({ traceId: CONNECTION_TRACE_ID, parentSpanId: CLIENT_SPAN_ID, kind: OTLP_KIND.SERVER });
    const [event, ...moreEvents] = exported.filter((span) => span.name === 'subscription event callReceived');
    expect(moreEvents).toEqual([]);
    expect(event?.kind).toBe(OTLP_KIND.CONSUMER);
    expect(event?.links).toEqual([expect.objectContaining({ traceId: CONNECTION_TRACE_ID, spanId: start?.spanId })]);
    const fetches = exported.filter((span) => span.kind === OTLP_KIND.CLIENT && span.parentSpanId === event?.spanId);
    expect(fetches.length).toBeGreaterThan(0);
    // The subgraphs run in the main thread, whose spans this file's SDK keeps: each continued its fetch's traceparent.
    for (const fetch of fetches) {
      const served = spans().filter((span) => span.kind === SpanKind.SERVER && span.parentSpanContext?.spanId === fetch.spanId);
      expect(served.map((span) => span.spanContext().traceId)).toEqual([event?.traceId]);
    }
  });
});

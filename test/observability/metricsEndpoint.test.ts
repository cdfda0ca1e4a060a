import { createHubMetrics } from '../../observability/createHubMetrics';
import { ringingCall, loadCityFixture } from '../support/cityFixture';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { createGatewayClient, record } from '../support/subscribeThroughGateway';
import { type PrometheusFamily, parsePrometheusText, sampleValue } from './parsePrometheusText';

const INCIDENT_NUMBER = /* GraphQL */ `query IncidentNumber($id: ID!) { incident(id: $id) { number } }`;

/** The families the issue names, with their Prometheus type. */
const EXPECTED_FAMILIES: Readonly<Record<string, string>> = {
  rtcc_graphql_operations_total: 'counter',
  rtcc_graphql_operation_duration_seconds: 'histogram',
  rtcc_subgraph_fetch_duration_seconds: 'histogram',
  rtcc_subscription_shared_streams: 'gauge',
  rtcc_subscription_clients: 'gauge',
  rtcc_subscription_events_delivered_total: 'counter',
  rtcc_subscription_outbox_messages: 'gauge',
  rtcc_subscription_slow_clients_closed_total: 'counter',
  rtcc_ingest_events_accepted_total: 'counter',
  rtcc_ingest_events_rejected_total: 'counter',
  rtcc_ingest_dead_letters_total: 'counter',
  rtcc_audit_write_duration_seconds: 'histogram',
  nodejs_eventloop_lag_p99_seconds: 'gauge',
};

/** Every storage target, with the gateway in the main thread and in its own (GATEWAY_THREAD). */
const MODES = STORAGE_TARGETS.flatMap((target) => (['main', 'worker'] as const).map((thread) => ({ target, name: target.name, thread })));

describe.each(MODES)('/metrics of a running hub ($name, gateway thread: $thread)', ({ target, thread }) => {
  let hub: TestHub;
  const metricsUrl = () => new URL('/metrics', hub.gatewayUrl);
  const scrape = async (): Promise<Map<string, PrometheusFamily>> => {
    const response = await fetch(metricsUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };

  beforeAll(async () => {
    hub = await startTestHub(target, { env: { GATEWAY_THREAD: thread } });
    expect(hub.gateway.thread).toBe(thread);
    await loadCityFixture(hub.sink);
  });
  afterAll(() => hub?.close());

  it('parses as Prometheus text and has every family the issue names, each declared once', async () => {
    // The parser refuses a family declared twice and a series given twice.
    const families = await scrape();
    for (const [name, type] of Object.entries(EXPECTED_FAMILIES)) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
    }
    // And every family a hub's registry defines (the hub's and Node's), wherever the gateway runs.
    const defined = (await createHubMetrics().registry.getMetricsAsJSON()).map((family) => family.name);
    expect(defined.filter((name) => !families.has(name))).toEqual([]);
    // The fixture's events were counted by the main thread's sink, wherever the gateway runs.
    expect(sampleValue(families, 'rtcc_ingest_events_accepted_total')).toBeGreaterThan(0);
  });

  it('shows the event-loop delay of each thread the hub runs', async () => {
    const lag = (await scrape()).get('nodejs_eventloop_lag_p99_seconds')?.samples ?? [];
    // One thread: unlabelled. Two: one series each, labelled with the thread.
    expect(lag.map((sample) => sample.labels.thread ?? '(none)').sort()).toEqual(thread === 'worker' ? ['gateway', 'main'] : ['(none)']);
  });

  it('counts an operation by name and outcome, times it, and times its subgraph fetch', async () => {
    const before = await scrape();
    const body = await hub.query(INCIDENT_NUMBER, { id: 'inc-1' });
    expect(body.errors).toBeUndefined();
    const after = await scrape();
    const ok = { operation: 'IncidentNumber', outcome: 'ok' };
    expect(sampleValue(after, 'rtcc_graphql_operations_total', ok) - sampleValue(before, 'rtcc_graphql_operations_total', ok)).toBe(1);
    expect(sampleValue(after, 'rtcc_graphql_operation_duration_seconds_count', ok) - sampleValue(before, 'rtcc_graphql_operation_duration_seconds_count', ok)).toBe(1);
    // `incident { number }` is answered by the CAD subgraph alone: one fetch.
    const cad = { subgraph: 'cad', outcome: 'ok' };
    expect(sampleValue(after, 'rtcc_subgraph_fetch_duration_seconds_count', cad) - sampleValue(before, 'rtcc_subgraph_fetch_duration_seconds_count', cad)).toBe(1);
    // Its audit record was written (one or more records per write).
    expect(sampleValue(after, 'rtcc_audit_records_written_total')).toBeGreaterThan(sampleValue(before, 'rtcc_audit_records_written_total'));
    expect(sampleValue(after, 'rtcc_audit_write_duration_seconds_count')).toBeGreaterThan(sampleValue(before, 'rtcc_audit_write_duration_seconds_count'));
  });

  it('counts an operation that failed as an error, under its name', async () => {
    const before = await scrape();
    const body = await hub.query(/* GraphQL */ `query Broken { noSuchField }`);
    expect(body.errors?.length).toBeGreaterThan(0);
    const after = await scrape();
    const failed = { operation: 'Broken', outcome: 'error' };
    expect(sampleValue(after, 'rtcc_graphql_operations_total', failed) - sampleValue(before, 'rtcc_graphql_operations_total', failed)).toBe(1);
  });

  it('counts accepted events by source, and rejected ones by source and reason', async () => {
    const before = await scrape();
    await hub.sink.emit(ringingCall('metrics-call-1'));
    const { callId: _, ...withoutCallId } = ringingCall('metrics-call-2');
    await hub.sink.emit(withoutCallId as unknown as Parameters<TestHub['sink']['emit']>[0]);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('rtcc_ingest_events_accepted_total', { source: 'test' })).toBe(1);
    expect(delta('rtcc_ingest_events_rejected_total', { source: 'test', reason: 'missing-field' })).toBe(1);
    expect(delta('rtcc_ingest_dead_letters_total', { source: 'test' })).toBe(1);
  });

  it('shows an open subscription and the events delivered to it', async () => {
    const before = await scrape();
    const client = createGatewayClient(hub.gatewayUrl);
    try {
      const calls = record<{ callReceived: { id: string } }>(client, 'subscription { callReceived { id } }');
      // Open once the calls subgraph serves the gateway's upstream subscription.
      while (hub.subgraphs.calls.subgraph.activeSubscriptions() === 0) {
        expect(calls.errors).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const during = await scrape();
      expect(sampleValue(during, 'rtcc_subscription_shared_streams')).toBe(1);
      expect(sampleValue(during, 'rtcc_subscription_upstream_connections')).toBeGreaterThanOrEqual(1);
      expect(sampleValue(during, 'rtcc_subscription_clients')).toBeGreaterThanOrEqual(1);
      await hub.sink.emit(ringingCall('metrics-call-3'));
      const [event] = await calls.waitFor(1);
      expect(event?.callReceived.id).toBe('metrics-call-3');
      const after = await scrape();
      expect(sampleValue(after, 'rtcc_subscription_events_delivered_total') - sampleValue(before, 'rtcc_subscription_events_delivered_total')).toBe(1);
    } finally {
      await client.dispose();
    }
  });
});

describe('/metrics with METRICS_TOKEN set', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(STORAGE_TARGETS[0] as (typeof STORAGE_TARGETS)[number], { env: { METRICS_TOKEN: 'scrape-secret-0123456789' } });
  });
  afterAll(() => hub?.close());

  it('is refused without the token or with another, and served with it', async () => {
    const url = new URL('/metrics', hub.gatewayUrl);
    const without = await fetch(url);
    expect(without.status).toBe(401);
    expect(((await without.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await fetch(url, { headers: { authorization: 'Bearer scrape-secret-0123456788' } })).status).toBe(401);
    const served = await fetch(url, { headers: { authorization: 'Bearer scrape-secret-0123456789' } });
    expect(served.status).toBe(200);
    expect(parsePrometheusText(await served.text()).has('rtcc_graphql_operations_total')).toBe(true);
  });
});

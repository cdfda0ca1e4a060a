import { createHubMetrics } from '../../observability/createHubMetrics';
import { parsePrometheusText, sampleValue } from './parsePrometheusText';

/** Two hub registries as the two threads of a GATEWAY_THREAD=worker hub make them. */
function threads() {
  const main = createHubMetrics();
  const gateway = createHubMetrics({ mainThread: () => main.registry.getMetricsAsJSON() });
  return { main, gateway };
}

describe('the gateway thread\'s registry, merged with the main thread\'s', () => {
  it('declares every family once, each from the thread that observes it', async () => {
    const { main, gateway } = threads();
    // What each thread observes: operations and fetches in the gateway's, audit writes and ingest in the main one.
    gateway.operationFinished('Incident', 'ok', 0.02);
    gateway.subgraphFetched('cad', 'ok', 0.01);
    main.auditWritten(3, 0.004);
    main.readIngest(() => ({ bySource: { eido: { accepted: 7, rejected: 2, rejectedByReason: { 'missing-field': 2 }, deadLettersSuppressed: 0 } } }));
    gateway.readSubscriptions(() => ({ clients: 4, sharedStreams: 2, upstreamConnections: 1, slowClientsDisconnected: 0, eventsDelivered: 9, outboxMessages: 0 }));
    // The main thread's registry never hears of the gateway's subscriptions; the gateway's has no ingest.

    // The parser throws on a family declared twice or a series given twice.
    const families = parsePrometheusText(await gateway.registry.metrics());
    expect(sampleValue(families, 'rtcc_graphql_operations_total', { operation: 'Incident', outcome: 'ok' })).toBe(1);
    expect(sampleValue(families, 'rtcc_subgraph_fetch_duration_seconds_count', { subgraph: 'cad' })).toBe(1);
    expect(sampleValue(families, 'rtcc_subscription_clients')).toBe(4);
    expect(sampleValue(families, 'rtcc_subscription_events_delivered_total')).toBe(9);
    // The main thread's own families, with its values (the gateway thread's copy counted nothing).
    expect(sampleValue(families, 'rtcc_audit_records_written_total')).toBe(3);
    expect(sampleValue(families, 'rtcc_audit_write_duration_seconds_count')).toBe(1);
    expect(sampleValue(families, 'rtcc_ingest_events_accepted_total', { source: 'eido' })).toBe(7);
    expect(sampleValue(families, 'rtcc_ingest_events_rejected_total', { source: 'eido', reason: 'missing-field' })).toBe(2);
    // Hub families carry no thread label: each has one thread that observes it.
    for (const name of ['rtcc_graphql_operations_total', 'rtcc_audit_records_written_total', 'rtcc_subscription_clients']) {
      expect(families.get(name)?.samples.every((sample) => !('thread' in sample.labels))).toBe(true);
    }
  });

  it('keeps each thread\'s event loop and heap under a thread label, and the process\'s figures once', async () => {
    const { gateway } = threads();
    const families = parsePrometheusText(await gateway.registry.metrics());
    const threadsOf = (name: string) => families.get(name)?.samples.map((sample) => sample.labels.thread).sort();
    expect(threadsOf('nodejs_eventloop_lag_p99_seconds')).toEqual(['gateway', 'main']);
    expect(threadsOf('nodejs_heap_size_used_bytes')).toEqual(['gateway', 'main']);
    // CPU, memory and the start time are the process's: one series, no thread.
    expect(families.get('process_cpu_seconds_total')?.samples).toEqual([expect.objectContaining({ labels: {} })]);
    expect(families.get('process_start_time_seconds')?.samples).toHaveLength(1);
    expect(families.get('process_resident_memory_bytes')?.samples).toHaveLength(1);
  });

  it('keeps a histogram whole: buckets, sum and count', async () => {
    const { main, gateway } = threads();
    main.auditWritten(1, 0.003);
    main.auditWritten(1, 0.3);
    const families = parsePrometheusText(await gateway.registry.metrics());
    const audit = families.get('rtcc_audit_write_duration_seconds');
    expect(audit?.type).toBe('histogram');
    expect(sampleValue(families, 'rtcc_audit_write_duration_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(sampleValue(families, 'rtcc_audit_write_duration_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(sampleValue(families, 'rtcc_audit_write_duration_seconds_count')).toBe(2);
    expect(sampleValue(families, 'rtcc_audit_write_duration_seconds_sum')).toBeCloseTo(0.303, 6);
  });

  it('fails the scrape when the main thread cannot send its families', async () => {
    const gateway = createHubMetrics({ mainThread: () => Promise.reject(new Error('the main thread sent no metrics within 10000 ms')) });
    await expect(gateway.registry.metrics()).rejects.toThrow('the main thread sent no metrics');
  });
});

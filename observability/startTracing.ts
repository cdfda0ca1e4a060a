import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /**
   * OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans are posted (OTLP/HTTP,
   * protobuf-free JSON) to `<endpoint>/v1/traces` as the OpenTelemetry specification says.
   */
  readonly endpoint: string | undefined;
  /** OTEL_SERVICE_NAME: the `service.name` of every span. */
  readonly serviceName: string;
  /** Where spans go instead of OTLP (tests use an in-memory exporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
}

/** Tracing that runs; flushes and stops on shutdown. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for this thread (the API's globals are per thread): a tracer
 * provider, the W3C trace-context propagator and the async-local context. Without an endpoint
 * or span processors nothing is started or even loaded, and every span the hub asks for is the
 * API's no-op.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  const { endpoint, serviceName } = options;
  if (endpoint === undefined && options.spanProcessors === undefined) return undefined;
  const [{ NodeSDK }, { W3CTraceContextPropagator }, { BatchSpanProcessor }, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const spanProcessors = options.spanProcessors
    ? [...options.spanProcessors]
    : [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${String(endpoint).replace(/\/+$/, '')}/v1/traces` }))];
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    textMapPropagator: new W3CTraceContextPropagator(),
    // Only what the hub says about itself: no resource detection, no instrumentation of modules.
    autoDetectResources: false,
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

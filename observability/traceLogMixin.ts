import { trace } from '@opentelemetry/api';

/**
 * A pino `mixin`: log lines written while a span is active carry its `traceId` and `spanId`, so
 * that a log line leads to its trace. Nothing is added when tracing is off or no span is active.
 */
export function traceLogMixin(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  // An invalid context (all zeros) is the no-op span's.
  if (!trace.isSpanContextValid({ traceId, spanId, traceFlags })) return {};
  return { traceId, spanId };
}

import { type Tracer, trace } from '@opentelemetry/api';

/** The instrumentation scope of every span the hub makes. */
export const TRACER_NAME = 'rtcc-hub';

/**
 * The hub's tracer, looked up on each use so that it follows whichever provider the thread
 * registered (the API's no-op one when tracing is off).
 */
export function hubTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

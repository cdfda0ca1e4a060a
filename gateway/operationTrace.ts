import { type Context, context as otelContext } from '@opentelemetry/api';

/** Where an operation's trace context rides in its (copied) context value, for its subgraph fetches. */
const OPERATION_TRACE = Symbol('rtcc.operationTrace');

type Traced = { [OPERATION_TRACE]?: Context };

/** Remembers the operation span's context in the operation's context value. */
export function setOperationTrace(contextValue: object, trace: Context): void {
  (contextValue as Traced)[OPERATION_TRACE] = trace;
}

/**
 * The trace context a subgraph fetch continues: its operation's span, or else whatever span is
 * active (an event's completion under its subscription), or the root.
 */
export function operationTraceOf(contextValue: object | undefined): Context {
  return (contextValue as Traced | undefined)?.[OPERATION_TRACE] ?? otelContext.active();
}

import type { DomainEvent, EventSink, Rejection } from '../../contract';

/** An {@link EventSink} that keeps what it is given, for tests and the conformance suite. */
export interface RecordingSink extends EventSink {
  readonly events: DomainEvent[];
  readonly rejections: Rejection[];
  /** Resolves once `predicate` holds (polled every 10 ms); rejects after `timeoutMs`. */
  until(predicate: (sink: RecordingSink) => boolean, timeoutMs?: number): Promise<void>;
}

export function createRecordingSink(): RecordingSink {
  const sink: RecordingSink = {
    events: [],
    rejections: [],
    async emit(event) {
      sink.events.push(event);
    },
    async reject(rejection) {
      sink.rejections.push(rejection);
    },
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(sink)) {
        if (Date.now() > deadline) {
          throw new Error(`Timed out: ${sink.events.length} events, ${sink.rejections.length} rejections so far`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  return sink;
}

import type { DomainEvent } from '../../contract';
import { validateDomainEvent } from '../../contract/validateDomainEvent';
import { describeError } from './natsBusError';

/** The subject an event is published on: `${subjectPrefix}.${event.type}`. */
export const eventSubject = (subjectPrefix: string, event: Pick<DomainEvent, 'type'>): string =>
  `${subjectPrefix}.${event.type}`;

/** JetStream deduplicates on this id: the contract says source and eventId identify an event. */
export const eventMessageId = (event: Pick<DomainEvent, 'source' | 'eventId'>): string =>
  `${event.source}:${event.eventId}`;

/** A message body: the event as UTF-8 JSON. */
export const encodeEvent = (event: DomainEvent): Uint8Array => new TextEncoder().encode(JSON.stringify(event));

/** What {@link decodeEvent} made of a message body: the event, or why it is none. */
export type DecodedEvent =
  | { readonly ok: true; readonly event: DomainEvent }
  | { readonly ok: false; readonly detail: string };

/** Parses a message body and checks it against the adapter contract: the stream is input from outside this process. */
export function decodeEvent(data: Uint8Array): DecodedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (error) {
    return { ok: false, detail: `not UTF-8 JSON: ${describeError(error)}` };
  }
  const verdict = validateDomainEvent(parsed);
  return verdict.ok ? verdict : { ok: false, detail: `${verdict.reason}: ${verdict.detail}` };
}

import type { SubscriptionKind } from './clientProtocol';

/** The fields the benchmark measures in one event: the entity id and its publish stamp. */
export interface EventFields {
  readonly kind: SubscriptionKind;
  readonly id: string;
  /** `fixAt` of a position, `receivedAt` of a call (ISO 8601). */
  readonly stamp: string;
}

const MARKERS: ReadonlyArray<readonly [SubscriptionKind, string, string]> = [
  ['position', '"unitPositions":{"id":"', '"fixAt":"'],
  ['call', '"callReceived":{"id":"', '"receivedAt":"'],
];

/**
 * Reads the measured fields of a `next` message from its text, without parsing the whole
 * message: both subscriptions select `id` first and the stamp once (see benchOperations.ts), and
 * GraphQL serialises fields in selection order. Returns null for anything else (errors, other
 * shapes), which the caller then parses in full. Lets one process play hundreds of consoles
 * beside the hub on a two-core machine; the caller checks a sample against a full parse.
 */
export function readEventFields(text: string): EventFields | null {
  if (text.includes('"errors"')) return null;
  for (const [kind, idMarker, stampMarker] of MARKERS) {
    const idAt = text.indexOf(idMarker);
    if (idAt < 0) continue;
    const idStart = idAt + idMarker.length;
    const idEnd = text.indexOf('"', idStart);
    const stampAt = text.indexOf(stampMarker, idEnd);
    if (idEnd < 0 || stampAt < 0) return null;
    const stampStart = stampAt + stampMarker.length;
    const stampEnd = text.indexOf('"', stampStart);
    if (stampEnd < 0) return null;
    return { kind, id: text.slice(idStart, idEnd), stamp: text.slice(stampStart, stampEnd) };
  }
  return null;
}

/** The same fields from a parsed payload's `data`, for the sample check and for other readers. */
export function eventFieldsOf(data: unknown): EventFields | null {
  const record = (data ?? {}) as {
    unitPositions?: { id?: string; position?: { fixAt?: string } | null };
    callReceived?: { id?: string; receivedAt?: string };
  };
  if (record.unitPositions?.id && record.unitPositions.position?.fixAt) {
    return { kind: 'position', id: record.unitPositions.id, stamp: record.unitPositions.position.fixAt };
  }
  if (record.callReceived?.id && record.callReceived.receivedAt) {
    return { kind: 'call', id: record.callReceived.id, stamp: record.callReceived.receivedAt };
  }
  return null;
}

import { type CallReceived, type CallState, type CallUpdated, type EventLocation } from '../../contract';
import { encodePidfLocation } from './encodePidfLocation';

/** The Live911-style feed message types (see `adapters/live911/translateCallFeedMessage.ts`). */
export type CallFeedType = 'ringing' | 'answered' | 'location' | 'held' | 'ended' | 'abandoned';

/** One call feed message: a JSON object sent as one WebSocket text message. */
export interface CallFeedMessage {
  readonly eventId: string;
  readonly type: CallFeedType;
  readonly callId: string;
  readonly at: string;
  readonly ani?: string | null;
  readonly classOfService?: string | null;
  readonly callerName?: string | null;
  readonly callerAddress?: string | null;
  readonly audioUrl?: string | null;
  readonly location?: { readonly pidfLo: string } | null;
}

/** The message type that moves a call to each state; RINGING only ever starts a call. */
const TYPE_BY_STATE: Readonly<Record<Exclude<CallState, 'RINGING'>, CallFeedType>> = {
  ACTIVE: 'answered',
  ON_HOLD: 'held',
  ENDED: 'ended',
  ABANDONED: 'abandoned',
};

/** RFC 4119 method tokens by NENA class of service: how such a caller is located. */
const METHOD_BY_CLASS: ReadonlyMap<string, string> = new Map([
  ['WPH1', 'Cell'],
  ['WPH2', 'A-GPS'],
  ['VOIP', 'Manual'],
]);

/**
 * A call event as the 911 call feed sends it: `ringing` for `call.received`, the state's type
 * for a state change, else `location`. The event id, call id and time pass through; the caller
 * location goes as a PIDF-LO (a `gs:Circle` when its uncertainty is known); the caller's name,
 * address and audio URL go when the event states them (null included). Throws a
 * RangeError for an update the feed cannot say: back to RINGING, or nothing but a class of service.
 */
export function encodeCallFeedMessage(event: CallReceived | CallUpdated): CallFeedMessage {
  const { eventId, callId, occurredAt: at } = event;
  if (event.type === 'call.received') {
    return {
      eventId,
      type: 'ringing',
      callId,
      at,
      ani: event.callbackNumber,
      classOfService: event.classOfService,
      location: event.location ? pidfOf(event, event.location, event.classOfService) : null,
      ...callerIdentityOf(event),
    };
  }
  const { state, location, classOfService } = event;
  if (state === 'RINGING') throw new RangeError(`encodeCallFeedMessage: ${eventId} moves call ${callId} back to RINGING`);
  if (state === undefined && location === undefined) {
    throw new RangeError(`encodeCallFeedMessage: ${eventId} changes neither the state nor the location of ${callId}`);
  }
  return {
    eventId,
    type: state === undefined ? 'location' : TYPE_BY_STATE[state],
    callId,
    at,
    // Absent means unchanged in the feed: a class of service cleared to null cannot be said.
    ...(classOfService ? { classOfService } : {}),
    ...(location ? { location: pidfOf(event, location, classOfService ?? null) } : {}),
    ...callerIdentityOf(event),
  };
}

/** The caller fields the event states: absent stays absent (unchanged), null stays null. */
function callerIdentityOf({ callerName, callerAddress, audioUrl }: CallReceived | CallUpdated) {
  return {
    ...(callerName !== undefined && { callerName }),
    ...(callerAddress !== undefined && { callerAddress }),
    ...(audioUrl !== undefined && { audioUrl }),
  };
}

function pidfOf(event: CallReceived | CallUpdated, location: EventLocation, classOfService: string | null) {
  // Landlines and anything unknown: the address database (ALI) located the line.
  const method = METHOD_BY_CLASS.get(classOfService ?? '') ?? 'Wiremap';
  const entity = `pres:${encodeURIComponent(event.callId)}@psap.sim.invalid`;
  return { pidfLo: encodePidfLocation({ entity, location, method, timestamp: event.occurredAt }) };
}

/** The vendor protocols the simulated city speaks. */
export type SimulatedProtocol = 'avl' | 'eido' | 'callFeed' | 'cameraCsv' | 'onvif';

/** Why something the protocol simulator meant to deliver did not get through. */
export const PROTOCOL_FAILURE_REASONS = {
  'send-failed': 'A datagram or WebSocket message could not be sent; it is lost (no retry).',
  'socket-error': 'The UDP socket reported an error.',
  'http-unreachable': 'The EIDO POST did not get an answer; the documents are retried on the next tick.',
  'http-server-error': 'The EIDO endpoint answered 5xx, 408 or 429; the documents are retried on the next tick.',
  'http-refused': 'The EIDO endpoint answered another 4xx; the documents are dropped.',
  'buffer-overflow': 'No call feed client connected for so long that the oldest buffered messages were dropped.',
  'write-failed': 'The camera CSV file could not be written; it is written again on the next change.',
  'listen-failed': 'A simulated ONVIF device could not listen on its port again (taken meanwhile?); it is tried again on the next tick.',
  unencodable: 'A simulation event the protocol cannot express (it is counted as not carried).',
} as const;

export type ProtocolFailureReason = keyof typeof PROTOCOL_FAILURE_REASONS;

export interface ProtocolFailure {
  readonly protocol: SimulatedProtocol;
  readonly reason: ProtocolFailureReason;
  /** Names the endpoint and what it answered. */
  readonly detail: string;
}

export type ProtocolFailureReporter = (failure: ProtocolFailure) => void;

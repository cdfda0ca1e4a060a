/** Every code a {@link NatsBusError} carries, with what it means for the process that started the bus. */
export const NATS_BUS_ERROR_CODES = {
  BAD_OPTIONS: 'An option of createNatsBus is out of range or malformed.',
  CONNECT_FAILED: 'The NATS server could not be reached at start.',
  STREAM_SETUP_FAILED: 'The JetStream stream could not be created or updated.',
  PUBLISH_FAILED: 'JetStream did not acknowledge a publish; the event may not be stored.',
  BUS_CLOSED: 'The bus was closed; it publishes nothing more.',
} as const;

export type NatsBusErrorCode = keyof typeof NATS_BUS_ERROR_CODES;

/** A failure of the NATS bus itself (not of a handler), coded so that callers can tell them apart. */
export class NatsBusError extends Error {
  readonly code: NatsBusErrorCode;

  constructor(code: NatsBusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'NatsBusError';
  }
}

/** The message of a thrown value, for the messages of the errors the bus wraps it in. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { GraphQLError } from 'graphql';

/** Every error code the hub puts in `extensions.code`, with what it means for a client. */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument is out of range or malformed; fix the request.',
  SUBGRAPH_UNAVAILABLE: 'A subgraph could not be reached; the answer holds what the others returned.',
  CAMERA_UNAVAILABLE: 'The camera could not be commanded: no adapter here controls it, or the device did not answer.',
  INTERNAL_SERVER_ERROR: 'Something failed inside the hub; details are in its log, not in the answer.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A GraphQL error with a registered code. */
export class HubError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    this.name = 'HubError';
  }
}

/** A client error in an argument: names the argument and what was wrong. */
export function badUserInput(argument: string, problem: string): HubError {
  return new HubError('BAD_USER_INPUT', `Argument "${argument}" ${problem}`, { argument });
}

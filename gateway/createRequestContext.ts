import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Authenticator } from '../auth/createAuthenticator';
import { PURPOSE_HEADER, readPurpose } from './authorization/createAccessControl';
import type { GatewayContext } from './gatewayContext';

/**
 * The context of one HTTP request: the caller from its bearer token (refused with
 * UNAUTHENTICATED or LOCKED_OUT otherwise; nothing is public) and its stated purpose. A purpose
 * that is no purpose (control characters, too long) does not fail the context: it is kept as
 * `purposeRefused` and raised once the operation is resolved, so that the refusal is audited
 * like any other operation's.
 */
export async function createRequestContext(authenticator: Authenticator, headers: IncomingHttpHeaders, clientAddress: string): Promise<GatewayContext> {
  const identity = await authenticator.authenticate(headers.authorization, clientAddress);
  try {
    return { identity, purpose: readPurpose(headers[PURPOSE_HEADER]), clientAddress };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { identity, purpose: null, purposeRefused: error, clientAddress };
  }
}

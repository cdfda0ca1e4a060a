import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator } from '../auth/createAuthenticator';
import { PURPOSE_HEADER, readPurpose } from './authorization/createAccessControl';
import type { GatewayContext } from './gatewayContext';

/**
 * The context of one HTTP request: the caller from its bearer token (refused with
 * UNAUTHENTICATED or LOCKED_OUT otherwise; nothing is public) and its stated purpose.
 */
export async function createRequestContext(authenticator: Authenticator, headers: IncomingHttpHeaders, clientAddress: string): Promise<GatewayContext> {
  const purpose = readPurpose(headers[PURPOSE_HEADER]);
  const identity = await authenticator.authenticate(headers.authorization, clientAddress);
  return { identity, purpose, clientAddress };
}

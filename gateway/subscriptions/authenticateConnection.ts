import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { Authenticator } from '../../auth/createAuthenticator';
import type { ErrorCode } from '../../errors/hubErrors';
import type { RefusalAudit } from '../audit/createRefusalAudit';
import { type AccessControl, PURPOSE_HEADER, readPurpose } from '../authorization/createAccessControl';
import type { GatewayContext } from '../gatewayContext';
import { type OperationLimits, callerKeyOf } from '../limits';

/** WebSocket close code of a connection refused while its identity or address is locked out (as HTTP 429). */
export const LOCKED_OUT_CLOSE_CODE = 4429;

/** Error codes of a purpose refused after authentication (closed 4403, not 4401). */
const PURPOSE_REFUSALS: ReadonlySet<ErrorCode> = new Set(['PURPOSE_INVALID', 'PURPOSE_UNKNOWN_INCIDENT', 'SUBGRAPH_UNAVAILABLE']);

/** The caller of an accepted connection, or how to close a refused one. */
export type ConnectionVerdict =
  | { readonly accepted: true; readonly caller: GatewayContext }
  | { readonly accepted: false; readonly closeCode: number; readonly reason: string };

export interface ConnectionAuthenticationOptions {
  readonly authenticator: Authenticator;
  readonly access: AccessControl;
  readonly refusals: RefusalAudit;
  readonly limits: OperationLimits;
}

/** Decides a connection from its connection_init parameters and upgrade request. */
export type ConnectionAuthentication = (params: Readonly<Record<string, unknown>>, request: IncomingMessage) => Promise<ConnectionVerdict>;

/**
 * The second phase: who is connecting and for what purpose. The bearer token comes from
 * connection_init's `Authorization` (or the upgrade's header), the purpose from `X-Purpose` the
 * same way. A refused token closes with 4401 (4429 while locked out), a refused purpose with 4403;
 * every refusal counts against the address's rate.
 */
export function createConnectionAuthentication(options: ConnectionAuthenticationOptions): ConnectionAuthentication {
  const { authenticator, access, refusals, limits } = options;
  return async (params, request) => {
    const headers = request.headers;
    const clientAddress = request.socket.remoteAddress ?? 'unknown';
    let identity: GatewayContext['identity'] = null;
    try {
      const authorization = params.Authorization ?? params.authorization ?? headers.authorization;
      identity = await authenticator.authenticate(typeof authorization === 'string' ? authorization : null, clientAddress);
      // After authentication, so that a refused purpose is recorded against who stated it.
      const purpose = readPurpose(params['X-Purpose'] ?? params[PURPOSE_HEADER] ?? params.purpose ?? headers[PURPOSE_HEADER]);
      await access.confirmPurpose(purpose);
      return { accepted: true, caller: { identity, purpose, clientAddress } };
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      const purposeRefused = PURPOSE_REFUSALS.has(code as ErrorCode);
      // Authentication audits its own refusals; a purpose refused after it is recorded here.
      if (purposeRefused) {
        refusals.refused(callerKeyOf({ identity, clientAddress }), {
          kind: 'request-refused',
          subject: identity?.subject ?? null,
          roles: identity?.roles ?? [],
          clientId: identity?.clientId ?? null,
          outcome: 'denied',
          reason: String(code),
          // The refused purpose itself is hostile input: its code says what was wrong with it.
          details: { transport: 'graphql-ws', clientAddress },
        });
      }
      limits.refused(clientAddress);
      const closeCode = code === ('LOCKED_OUT' satisfies ErrorCode) ? LOCKED_OUT_CLOSE_CODE : purposeRefused ? CloseCode.Forbidden : CloseCode.Unauthorized;
      return { accepted: false, closeCode, reason: closeReason(error instanceof Error ? error.message : 'Unauthorized') };
    }
  };
}

/** A WebSocket close reason fits in 123 bytes. */
function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 120).toString('utf8')}...`;
}

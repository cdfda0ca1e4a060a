import type { GraphQLError } from 'graphql';
import type { Identity } from '../auth/identity';
import type { CheckedOperation } from './authorization/createAccessControl';

/** What the gateway knows about one request (Apollo Server's context value, also over WebSocket). */
export interface GatewayContext {
  /** The verified caller; null only where nothing is required (never for a GraphQL operation today). */
  readonly identity: Identity | null;
  /** The case or incident number stated in the `X-Purpose` header (or connection parameter). */
  readonly purpose: string | null;
  /** Why the stated purpose was refused as it arrived (PURPOSE_INVALID); the operation is refused with it, audited. */
  readonly purposeRefused?: GraphQLError;
  /** The client's network address, for logs, lock-out and the audit trail. */
  readonly clientAddress: string;
  /** Set once the operation is resolved: where access rules apply and what was decided. */
  access?: CheckedOperation;
  /** Set once the response is filtered: the restricted fields it carried (for the audit trail). */
  restrictedReturned?: readonly string[];
}

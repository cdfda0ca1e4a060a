import { type DocumentNode, type GraphQLSchema, Kind, getOperationAST } from 'graphql';
import { HubError } from '../../errors/hubErrors';
import type { AccessControl, CheckedOperation } from '../authorization/createAccessControl';
import type { GatewayContext } from '../gatewayContext';
import type { SubscriptionTraits } from './readSubscriptionTraits';

export interface SubscriptionAuthorizationOptions {
  readonly access: AccessControl;
  /** The client-facing schema, for the subscription root type's name. */
  readonly schema: GraphQLSchema;
  readonly traits: SubscriptionTraits;
}

/** Decides one subscription for its caller; throws a GraphQLError to refuse it. */
export type SubscriptionAuthorization = (document: DocumentNode, operationName: string | null | undefined, caller: GatewayContext) => CheckedOperation;

/**
 * The fourth phase: access control (`@requiresScopes`, `@policy`, purposes; see
 * createAccessControl), then the scope a field's subgraph demands of subscribers alone
 * (`@subscriptionRequiresScope`), e.g. a stream of every camera refused to callers who may read
 * only their own cameras.
 */
export function createSubscriptionAuthorization(options: SubscriptionAuthorizationOptions): SubscriptionAuthorization {
  const { access, schema, traits } = options;
  const rootName = schema.getSubscriptionType()?.name ?? 'Subscription';
  return (document, operationName, caller) => {
    const checked = access.check(document, operationName, caller);
    const identity = caller.identity;
    if (!identity) return checked;
    const operation = getOperationAST(document, operationName ?? undefined);
    for (const selection of operation?.selectionSet.selections ?? []) {
      if (selection.kind !== Kind.FIELD) continue;
      const field = selection.name.value;
      const required = traits.get(field)?.requiredScope;
      if (required && !identity.scopes.has(required.scope)) {
        throw new HubError('FORBIDDEN', `Not authorized to subscribe to ${field}: ${required.reason}`, { coordinate: `${rootName}.${field}`, http: { status: 403 } }, { path: [field] });
      }
    }
    return checked;
  };
}

import type { DocumentNode, GraphQLSchema } from 'graphql';
import { confineToGeofence } from '../authorization/confineToGeofence';
import type { GatewayContext } from '../gatewayContext';
import type { SubscriptionTraits } from './readSubscriptionTraits';

/** The document to subscribe with once a caller's row rules apply; throws a GraphQLError to refuse it. */
export type SubscriptionConfinement = (
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  caller: GatewayContext,
) => DocumentNode;

/**
 * The fifth phase: row rules the subgraphs cannot apply to shared subscriptions, since those
 * carry no caller. A caller whose token holds a geofence sees the fields declared `@geofenced`
 * only inside it (see confineToGeofence); everyone else subscribes to the document as sent.
 */
export function createSubscriptionConfinement(schema: GraphQLSchema, traits: SubscriptionTraits): SubscriptionConfinement {
  const geofenced = new Map<string, string>();
  for (const [field, { geofenceArgument }] of traits) if (geofenceArgument) geofenced.set(field, geofenceArgument);
  return (document, operationName, variables, caller) => {
    const identity = caller.identity;
    if (!identity?.geofence) return document;
    return confineToGeofence(schema, document, operationName, variables, { area: identity.geofence, input: identity.geofenceInput }, geofenced);
  };
}

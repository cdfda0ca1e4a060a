import {
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  GraphQLError,
  Kind,
  astFromValue,
  getOperationAST,
  isObjectType,
  valueFromAST,
  visit,
} from 'graphql';
import { type Area, areaBounds, areaContains, parseArea } from '../../geo/area';

/** Subscription fields whose events a field officer sees only inside their geofence. */
export const GEOFENCED_SUBSCRIPTIONS: ReadonlySet<string> = new Set(['callReceived', 'callUpdated', 'incidentChanged']);

/**
 * A field officer's subscription to calls or incidents, confined to their geofence the way the
 * subgraphs filter any subscription: through its `area` argument. Without an `area`, the
 * geofence becomes the area; with one, the area must lie inside the geofence (every corner of
 * its bounding box), or the subscription is refused with FORBIDDEN. Since events are filtered
 * by area before they leave the owning subgraph, an officer's console never receives a call or
 * incident outside the geofence, and still gets the one event when something it showed leaves.
 */
export function confineToGeofence(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  geofence: { readonly area: Area; readonly input: unknown },
): DocumentNode {
  const operation = getOperationAST(document, operationName ?? undefined);
  const root = schema.getSubscriptionType();
  if (!operation || operation.operation !== 'subscription' || !root || !isObjectType(root)) return document;
  const field = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  if (!field || field.kind !== Kind.FIELD || !GEOFENCED_SUBSCRIPTIONS.has(field.name.value)) return document;
  const areaArgument = root.getFields()[field.name.value]?.args.find((arg) => arg.name === 'area');
  if (!areaArgument) return document;
  const given = field.arguments?.find((arg) => arg.name.value === 'area');
  if (given) {
    const value = valueFromAST(given.value, areaArgument.type as GraphQLInputType, variables);
    const area = parseArea(value, 'area');
    const { south, west, north, east } = areaBounds(area);
    const corners = [
      { lat: south, lon: west },
      { lat: south, lon: east },
      { lat: north, lon: west },
      { lat: north, lon: east },
    ];
    if (!corners.every((corner) => areaContains(geofence.area, corner))) {
      throw new GraphQLError(`Not authorized to watch this area: ${field.name.value} is confined to your geofence`, {
        path: [field.alias?.value ?? field.name.value],
        extensions: { code: 'FORBIDDEN', coordinate: `Subscription.${field.name.value}`, http: { status: 403 } },
      });
    }
    return document;
  }
  const literal = astFromValue(geofence.input, areaArgument.type as GraphQLInputType);
  if (!literal) throw new GraphQLError('The token\'s geofence is not a valid area', { extensions: { code: 'FORBIDDEN' } });
  return visit(document, {
    Field(node) {
      if (node !== field) return undefined;
      return { ...node, arguments: [...(node.arguments ?? []), { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'area' }, value: literal }] };
    },
  });
}

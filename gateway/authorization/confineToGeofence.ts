import {
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  Kind,
  astFromValue,
  getOperationAST,
  isObjectType,
  valueFromAST,
  visit,
} from 'graphql';
import { HubError } from '../../errors/hubErrors';
import { type Area, areaBounds, areaContains, parseArea } from '../../geo/area';

/**
 * A field officer's subscription to a geofenced field (one its subgraph declares `@geofenced`,
 * given here as field name → area argument), confined to their geofence the way the subgraphs
 * filter any subscription: through its area argument. Without an area (absent, null, or a
 * variable given no value), the geofence becomes the area; with one, the area must lie inside the geofence (every corner of its bounding box), or
 * the subscription is refused with FORBIDDEN. Since events are filtered by area before they leave
 * the owning subgraph, an officer's console never receives an event outside the geofence, and
 * still gets the one event when something it showed leaves.
 */
export function confineToGeofence(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  geofence: { readonly area: Area; readonly input: unknown },
  geofencedFields: ReadonlyMap<string, string>,
): DocumentNode {
  const operation = getOperationAST(document, operationName ?? undefined);
  const root = schema.getSubscriptionType();
  if (!operation || operation.operation !== 'subscription' || !root || !isObjectType(root)) return document;
  const field = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  const argumentName = field?.kind === Kind.FIELD ? geofencedFields.get(field.name.value) : undefined;
  if (!field || field.kind !== Kind.FIELD || !argumentName) return document;
  const areaArgument = root.getFields()[field.name.value]?.args.find((arg) => arg.name === argumentName);
  if (!areaArgument) return document;
  const stated = field.arguments?.find((arg) => arg.name.value === argumentName);
  // A variable with no value, or null, states no area (GraphQL: as if the argument were absent).
  const given = stated && !(stated.value.kind === Kind.VARIABLE && variables[stated.value.name.value] == null) && stated.value.kind !== Kind.NULL ? stated : undefined;
  if (given) {
    const value = valueFromAST(given.value, areaArgument.type as GraphQLInputType, variables);
    const area = parseArea(value, argumentName);
    const { south, west, north, east } = areaBounds(area);
    const corners = [
      { lat: south, lon: west },
      { lat: south, lon: east },
      { lat: north, lon: west },
      { lat: north, lon: east },
    ];
    if (!corners.every((corner) => areaContains(geofence.area, corner))) {
      throw new HubError(
        'FORBIDDEN',
        `Not authorized to watch this area: ${field.name.value} is confined to your geofence`,
        { coordinate: `${root.name}.${field.name.value}`, http: { status: 403 } },
        { path: [field.alias?.value ?? field.name.value] },
      );
    }
    return document;
  }
  const literal = astFromValue(geofence.input, areaArgument.type as GraphQLInputType);
  if (!literal) throw new HubError('FORBIDDEN', 'The token\'s geofence is not a valid area');
  return visit(document, {
    Field(node) {
      if (node !== field) return undefined;
      const others = (node.arguments ?? []).filter((arg) => arg.name.value !== argumentName);
      return { ...node, arguments: [...others, { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: argumentName }, value: literal }] };
    },
  });
}

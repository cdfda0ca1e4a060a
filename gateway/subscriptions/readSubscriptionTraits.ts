import { type ConstDirectiveNode, type FieldDefinitionNode, Kind, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode, type TypeNode, parse } from 'graphql';

/** A subscription field's scope demand beyond `@requiresScopes`, and what a caller without it is told. */
export interface RequiredScope {
  readonly scope: string;
  readonly reason: string;
}

/**
 * What is special about one subscription field, as the subgraph that defines it declares it
 * (directives composed into the supergraph with `@composeDirective`).
 */
export interface SubscriptionFieldTraits {
  /** `@coalesce(by:)`: events carrying the same value of this field may be coalesced for a slow client (latest wins). */
  readonly coalesceBy: string | null;
  /** `@geofenced(argument:)`: the AreaInput argument through which a caller's geofence confines the stream. */
  readonly geofenceArgument: string | null;
  /** `@subscriptionRequiresScope`: the scope a subscriber needs beyond the field's `@requiresScopes`. */
  readonly requiredScope: RequiredScope | null;
}

/** Traits by subscription root field name; a field that declares none has no entry. */
export type SubscriptionTraits = ReadonlyMap<string, SubscriptionFieldTraits>;

/**
 * Reads the subscription field traits that composition carried into the supergraph, so that the
 * gateway treats every field by what its subgraph declares rather than by its name. A trait that
 * names no field of the event (`@coalesce`) or no argument of the field (`@geofenced`) throws:
 * a geofence that silently confined nothing would show an officer every call.
 */
export function readSubscriptionTraits(supergraphSdl: string): SubscriptionTraits {
  const document = parse(supergraphSdl);
  let rootName = 'Subscription';
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    const root = definition.operationTypes?.find((operationType) => operationType.operation === 'subscription');
    if (root) rootName = root.type.name.value;
  }
  const fieldsOf = new Map<string, Set<string>>();
  for (const definition of document.definitions) {
    if (!isObjectType(definition) && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const names = fieldsOf.get(definition.name.value) ?? new Set<string>();
    for (const field of definition.fields ?? []) names.add(field.name.value);
    fieldsOf.set(definition.name.value, names);
  }
  const traits = new Map<string, SubscriptionFieldTraits>();
  for (const definition of document.definitions) {
    if (!isObjectType(definition) || definition.name.value !== rootName) continue;
    for (const field of definition.fields ?? []) {
      const declared = traitsOf(field.directives ?? []);
      if (!declared) continue;
      checkTraits(`${rootName}.${field.name.value}`, field, declared, fieldsOf);
      traits.set(field.name.value, declared);
    }
  }
  return traits;
}

/** Root fields whose events coalesce, with the field of the event that keys them. */
export function coalescedFieldsOf(traits: SubscriptionTraits): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const [field, { coalesceBy }] of traits) if (coalesceBy) fields.set(field, coalesceBy);
  return fields;
}

function checkTraits(coordinate: string, field: FieldDefinitionNode, traits: SubscriptionFieldTraits, fieldsOf: ReadonlyMap<string, ReadonlySet<string>>): void {
  const returns = namedType(field.type);
  if (traits.coalesceBy && !fieldsOf.get(returns)?.has(traits.coalesceBy)) {
    throw new Error(`${coordinate}: @coalesce(by: "${traits.coalesceBy}") names no field of ${returns}`);
  }
  if (traits.geofenceArgument && !field.arguments?.some((argument) => argument.name.value === traits.geofenceArgument)) {
    throw new Error(`${coordinate}: @geofenced(argument: "${traits.geofenceArgument}") names no argument of the field`);
  }
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function isObjectType(definition: { readonly kind: Kind }): definition is ObjectTypeDefinitionNode | ObjectTypeExtensionNode {
  return definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION;
}

function traitsOf(directives: readonly ConstDirectiveNode[]): SubscriptionFieldTraits | null {
  let coalesceBy: string | null = null;
  let geofenceArgument: string | null = null;
  let requiredScope: RequiredScope | null = null;
  for (const directive of directives) {
    switch (directive.name.value) {
      case 'coalesce':
        coalesceBy = stringArgument(directive, 'by');
        break;
      case 'geofenced':
        geofenceArgument = stringArgument(directive, 'argument');
        break;
      case 'subscriptionRequiresScope': {
        const scope = stringArgument(directive, 'scope');
        const reason = stringArgument(directive, 'reason');
        if (scope && reason) requiredScope = { scope, reason };
        break;
      }
      default:
        break;
    }
  }
  return coalesceBy || geofenceArgument || requiredScope ? { coalesceBy, geofenceArgument, requiredScope } : null;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | null {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING && value.value !== '' ? value.value : null;
}

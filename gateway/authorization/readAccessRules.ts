import { type ConstDirectiveNode, type ConstValueNode, Kind, parse } from 'graphql';

/** What the schema's security directives demand for one field (all must hold). */
export interface AccessRule {
  /** `@authenticated`: any verified caller. */
  readonly authenticated: boolean;
  /** `@requiresScopes`: one of these groups, every scope of the group. Null when none. */
  readonly scopes: readonly (readonly string[])[] | null;
  /** `@policy`: one of these groups, every policy of the group. Null when none. */
  readonly policies: readonly (readonly string[])[] | null;
}

/** Rules by schema coordinate (`Type.field`); a field without directives has no entry. */
export type AccessRules = ReadonlyMap<string, AccessRule>;

/**
 * Reads the Federation 2 security directives (`@authenticated`, `@requiresScopes`, `@policy`)
 * that composition carried into the supergraph, per field. A directive on a type applies to
 * every field that returns the type, as in Federation's own semantics; directives on a field
 * and on its type must all hold.
 */
export function readAccessRules(supergraphSdl: string): AccessRules {
  const document = parse(supergraphSdl);
  const onTypes = new Map<string, AccessRule>();
  const onFields = new Map<string, { rule: AccessRule; returns: string }>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) {
      continue;
    }
    const typeRule = ruleOf(definition.directives ?? []);
    if (typeRule) onTypes.set(definition.name.value, typeRule);
    for (const field of definition.fields ?? []) {
      let named = field.type;
      while (named.kind !== Kind.NAMED_TYPE) named = named.type;
      const rule = ruleOf(field.directives ?? []) ?? { authenticated: false, scopes: null, policies: null };
      onFields.set(`${definition.name.value}.${field.name.value}`, { rule, returns: named.name.value });
    }
  }
  const rules = new Map<string, AccessRule>();
  for (const [coordinate, { rule, returns }] of onFields) {
    const merged = merge(rule, onTypes.get(returns));
    if (merged.authenticated || merged.scopes || merged.policies) rules.set(coordinate, merged);
  }
  return rules;
}

function ruleOf(directives: readonly ConstDirectiveNode[]): AccessRule | null {
  let authenticated = false;
  let scopes: string[][] | null = null;
  let policies: string[][] | null = null;
  for (const directive of directives) {
    switch (directive.name.value) {
      case 'authenticated':
        authenticated = true;
        break;
      case 'requiresScopes':
        scopes = groupsOf(directive, 'scopes');
        break;
      case 'policy':
        policies = groupsOf(directive, 'policies');
        break;
      default:
        break;
    }
  }
  return authenticated || scopes || policies ? { authenticated, scopes, policies } : null;
}

function groupsOf(directive: ConstDirectiveNode, argument: string): string[][] {
  const value = directive.arguments?.find((arg) => arg.name.value === argument)?.value;
  const groups = listOf(value).map((group) => listOf(group).map((item) => (item.kind === Kind.STRING ? item.value : '')));
  return groups.map((group) => group.filter(Boolean));
}

function listOf(value: ConstValueNode | undefined): readonly ConstValueNode[] {
  if (!value) return [];
  return value.kind === Kind.LIST ? value.values : [value];
}

/** Both rules must hold: scopes and policies combine as every group of one with every group of the other. */
function merge(field: AccessRule, type: AccessRule | undefined): AccessRule {
  if (!type) return field;
  return {
    authenticated: field.authenticated || type.authenticated,
    scopes: product(field.scopes, type.scopes),
    policies: product(field.policies, type.policies),
  };
}

function product(a: AccessRule['scopes'], b: AccessRule['scopes']): AccessRule['scopes'] {
  if (!a) return b;
  if (!b) return a;
  return a.flatMap((left) => b.map((right) => [...new Set([...left, ...right])]));
}

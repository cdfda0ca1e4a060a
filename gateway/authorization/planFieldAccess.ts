import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Kind,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  typeFromAST,
} from 'graphql';
import type { AccessRule, AccessRules } from './readAccessRules';
import { HubError } from '../../errors/hubErrors';

/** One step of a response path: the response key and whether `null` may stand there. */
export interface PathStep {
  readonly key: string;
  /** The field's own type is nullable (null may replace its value). */
  readonly nullable: boolean;
}

/** A field of the operation that the access rules govern, or whose values may be generalised. */
export interface FieldUse {
  /** `Type.field`. */
  readonly coordinate: string;
  /** From the operation's root to this field, by response keys (aliases). */
  readonly path: readonly PathStep[];
  readonly rule: AccessRule | null;
  /** The named type the field returns. */
  readonly returns: string;
}

/** Where access decisions apply in one operation. */
export interface FieldAccessPlan {
  readonly operation: 'query' | 'mutation' | 'subscription';
  readonly operationName: string | null;
  /** Governed fields, in document order. */
  readonly governed: readonly FieldUse[];
  /** Fields returning a type in `watchedTypes` (for generalisation), governed or not. */
  readonly watched: readonly FieldUse[];
  /** Every selected `id` field of an object type: which records a result returns (audit). */
  readonly ids: readonly FieldUse[];
}

/**
 * Walks an operation against the API schema (fragments included) and lists every field the
 * access rules govern and every field returning one of `watchedTypes`, each with its response
 * path, so that decisions can be made before execution and applied to any result of it.
 */
export function planFieldAccess(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rules: AccessRules,
  watchedTypes: ReadonlySet<string>,
): FieldAccessPlan {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((op) => op.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  // The gateway's limits refuse these first (createOperationLimits); the same codes here for any other caller.
  if (!operation) throw new HubError('OPERATION_NAME_REQUIRED', operationName ? `Unknown operation "${operationName}"` : 'Must provide operation name if query contains multiple operations');
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const root = schema.getRootType(operation.operation);
  if (!root) throw new HubError('GRAPHQL_VALIDATION_FAILED', `The schema has no ${operation.operation} type`);

  const governed: FieldUse[] = [];
  const watched: FieldUse[] = [];
  const ids: FieldUse[] = [];
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: readonly PathStep[], spreads: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const name = selection.name.value;
          if (name.startsWith('__') || !isObjectType(parent)) break;
          const field: GraphQLField<unknown, unknown> | undefined = parent.getFields()[name];
          if (!field) break;
          const coordinate = `${parent.name}.${name}`;
          const step: PathStep = { key: selection.alias?.value ?? name, nullable: !isNonNullType(field.type) };
          const here = [...path, step];
          const returns = getNamedType(field.type).name;
          const rule = rules.get(coordinate) ?? null;
          const use: FieldUse = { coordinate, path: here, rule, returns };
          if (rule) governed.push(use);
          if (watchedTypes.has(returns)) watched.push(use);
          if (name === 'id') ids.push(use);
          const inner = unwrap(field.type);
          if (selection.selectionSet && isCompositeType(inner)) walk(selection.selectionSet, inner, here, spreads);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition ? typeFromAST(schema, selection.typeCondition) : parent;
          if (condition && isCompositeType(condition)) walk(selection.selectionSet, condition, path, spreads);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || spreads.has(name)) break;
          const condition = typeFromAST(schema, fragment.typeCondition);
          if (condition && isCompositeType(condition)) walk(fragment.selectionSet, condition, path, new Set([...spreads, name]));
          break;
        }
        default:
          break;
      }
    }
  };
  walk(operation.selectionSet, root, [], new Set());
  return { operation: operation.operation, operationName: operation.name?.value ?? null, governed, watched, ids };
}

function unwrap(type: GraphQLOutputType): GraphQLOutputType {
  let inner = type;
  while (isNonNullType(inner) || isListType(inner)) inner = inner.ofType;
  return inner;
}

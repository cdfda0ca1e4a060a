import {
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { badUserInput } from '../errors/hubErrors';

/** C0 controls but TAB, LF and CR, DEL, and C1 controls: never text in an argument (PostgreSQL refuses NUL outright). */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** In an identifier, no control character at all. */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_ID = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Wraps every resolver (and subscription source) of the schema whose arguments can carry text
 * (String and ID, in lists and input objects too) so that a control character in one of them is
 * refused with BAD_USER_INPUT naming the argument (`filter.subject`), for that field alone:
 * its siblings in the same request, even those fetched from this subgraph in the same request,
 * are answered. Checked here, per field, rather than for the whole operation at the gateway, so
 * that one bad argument never costs the other fields their answer; this is where such text would
 * otherwise reach the database (a NUL fails the whole statement, and with it every sibling).
 * Changes the schema in place and returns it.
 */
export function refuseControlCharacters(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const textArguments = field.args.filter((argument) => carriesText(argument.type, new Set()));
      if (textArguments.length === 0) continue;
      const check = (args: Record<string, unknown>) => {
        for (const argument of textArguments) {
          const problem = findControl(args[argument.name], argument.type, argument.name);
          if (problem) throw badUserInput(problem.path, `of ${type.name}.${field.name} contains a control character (U+${problem.code}); send text without control characters`);
        }
      };
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        check(args);
        return resolve(source, args, context, info);
      };
      const { subscribe } = field;
      if (subscribe) {
        field.subscribe = (source, args, context, info) => {
          check(args);
          return subscribe(source, args, context, info);
        };
      }
    }
  }
  return schema;
}

function carriesText(type: GraphQLInputType, visiting: Set<string>): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'String' || named.name === 'ID';
  if (!isInputObjectType(named) || visiting.has(named.name)) return false;
  visiting.add(named.name);
  return Object.values(named.getFields()).some((field) => carriesText(field.type, visiting));
}

/** The first control character in a coerced argument value, with where it is. */
function findControl(value: unknown, type: GraphQLArgument['type'], path: string): { path: string; code: string } | null {
  if (value === null || value === undefined) return null;
  if (isNonNullType(type)) return findControl(value, type.ofType, path);
  if (isListType(type)) {
    if (!Array.isArray(value)) return findControl(value, type.ofType, path);
    for (const element of value) {
      const found = findControl(element, type.ofType, path);
      if (found) return found;
    }
    return null;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== 'object') return null;
    for (const field of Object.values(type.getFields())) {
      const found = findControl((value as Record<string, unknown>)[field.name], field.type, `${path}.${field.name}`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== 'string' || !isScalarType(type)) return null;
  const match = (type.name === 'ID' ? CONTROL_IN_ID : type.name === 'String' ? CONTROL_IN_TEXT : null)?.exec(value);
  return match ? { path, code: (match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0') } : null;
}

import { type OperationDefinitionNode, getOperationAST, parse } from 'graphql';

/** Longest refused text parsed for its operation's name and kind (refusals by size are not parsed). */
const MAX_NAMED_TEXT_LENGTH = 32 * 1024;

/**
 * The operation a refused, unparsed document would have run, for its audit record (its name and
 * kind), when it is small enough to parse cheaply and parses; else undefined.
 */
export function operationOfText(text: string | null | undefined, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  if (typeof text !== 'string' || text.length > MAX_NAMED_TEXT_LENGTH) return undefined;
  try {
    return getOperationAST(parse(text, { maxTokens: 10_000 }), operationName ?? undefined) ?? undefined;
  } catch {
    return undefined;
  }
}

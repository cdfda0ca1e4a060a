import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { ERROR_CODES } from '../../errors/hubErrors';

/** A coded error whose code is written as a bare string instead of coming from the registry. */
export interface BareErrorCode {
  /** Path from the scanned root, with `/` separators. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly code: string;
  readonly text: string;
}

const REGISTERED = new Set<string>(Object.keys(ERROR_CODES));

const isNamed = (name: ts.PropertyName | ts.MemberName, wanted: string): boolean =>
  (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) && name.text === wanted;

/** The string literals an expression may evaluate to: through parentheses, casts, `?:`, `??` and `||`. */
function literalsOf(expression: ts.Expression): ts.StringLiteralLike[] {
  if (ts.isStringLiteralLike(expression)) return [expression];
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression)) {
    return literalsOf(expression.expression);
  }
  if (ts.isConditionalExpression(expression)) return [...literalsOf(expression.whenTrue), ...literalsOf(expression.whenFalse)];
  if (
    ts.isBinaryExpression(expression) &&
    (expression.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || expression.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  ) {
    return [...literalsOf(expression.left), ...literalsOf(expression.right)];
  }
  return [];
}

/** `{ extensions: { code: … } }`: the object literal is the value of an `extensions` property. */
function isExtensionsObject(object: ts.ObjectLiteralExpression): boolean {
  const parent = object.parent;
  return ts.isPropertyAssignment(parent) && parent.initializer === object && isNamed(parent.name, 'extensions');
}

/** `….extensions.code = …` or `extensions.code = …`. */
function isExtensionsCodeTarget(target: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(target) || target.name.text !== 'code') return false;
  const owner = target.expression;
  return (ts.isIdentifier(owner) && owner.text === 'extensions') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'extensions');
}

/**
 * Finds, in one source text, the places that give an error a code as a bare string: a `code`
 * property with a string value inside an `extensions` object, a `code` property anywhere whose
 * value is a registered code, and an assignment of a string to `extensions.code`. Codes passed
 * to `HubError` or `formattedHubError` are typed by the registry and are not bare.
 */
export function findBareErrorCodesInText(file: string, text: string): BareErrorCode[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: BareErrorCode[] = [];
  const report = (literal: ts.StringLiteralLike, at: ts.Node) => {
    const { line } = source.getLineAndCharacterOfPosition(at.getStart(source));
    found.push({ file, line: line + 1, code: literal.text, text: at.getText(source).split('\n')[0] ?? '' });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && isNamed(node.name, 'code') && ts.isObjectLiteralExpression(node.parent)) {
      const inExtensions = isExtensionsObject(node.parent);
      for (const literal of literalsOf(node.initializer)) {
        if (inExtensions || REGISTERED.has(literal.text)) report(literal, node);
      }
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && isExtensionsCodeTarget(node.left)) {
      for (const literal of literalsOf(node.right)) report(literal, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Folders of the repository that are not the hub's source, each with the reason. */
export const NOT_SOURCE: Readonly<Record<string, string>> = {
  node_modules: 'dependencies',
  '.git': 'version control',
  dist: 'build output',
  coverage: 'coverage reports',
  test: 'tests assert on codes as clients see them, as strings',
  errors: 'the registry itself',
};

/** Every TypeScript file under `root`, outside {@link NOT_SOURCE}; paths relative to `root`, with `/`. */
export function listSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const fromRoot = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!(dir === root && entry.name in NOT_SOURCE)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.ts')) {
        files.push(fromRoot);
      }
    }
  };
  walk(root);
  return files.sort();
}

/** {@link findBareErrorCodesInText} over every source file under `root`. */
export function findBareErrorCodes(root: string, files = listSourceFiles(root)): BareErrorCode[] {
  return files.flatMap((file) => findBareErrorCodesInText(file, readFileSync(join(root, file), 'utf8')));
}

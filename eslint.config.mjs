import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import stylistic from '@stylistic/eslint-plugin';
import { fileURLToPath } from 'node:url';

/**
 * The rooms of the product and the rooms each may import; a room may always import itself.
 * docs/architecture.md ("Which room may import which") states the same table, and
 * test/lint/layers.test.ts checks every pair of rooms against it.
 */
const FOUNDATIONS = ['errors', 'geo', 'contract', 'config', 'storage', 'http', 'wire', 'schema', 'observability'];
const SERVICES = ['auth', 'bus', 'retention', 'audit', 'ingest', 'notifications'];
const PRODUCT = {
  // Foundations: shared vocabulary and plumbing; they know nothing of what is built on them.
  errors: [],
  geo: ['errors'],
  contract: ['errors', 'geo'],
  config: ['errors', 'geo'],
  storage: ['errors'],
  http: ['errors'],
  wire: ['errors', 'geo', 'storage'],
  schema: ['errors'],
  // Metrics and traces: the services and the parts report to it, so it sits below them.
  observability: ['errors'],
  // Services: built on the foundations, used by the parts.
  auth: FOUNDATIONS,
  bus: FOUNDATIONS,
  // Every owner of data (subgraphs, dead letters, the audit log) declares its data classes to retention/.
  retention: FOUNDATIONS,
  audit: [...FOUNDATIONS, 'retention'],
  ingest: [...FOUNDATIONS, 'bus', 'retention', 'audit'],
  // How camera owners are told of footage requests: the port and its adapters (outbox, email, SMS).
  notifications: FOUNDATIONS,
  // Parts: none imports another part (wire/ and schema/ are what the gateway and the subgraphs agree on).
  adapters: ['errors', 'geo', 'contract', 'config', 'storage', 'http', 'auth', 'audit'],
  simulator: ['errors', 'geo', 'contract', 'config', 'http'],
  subgraphs: [...FOUNDATIONS, ...SERVICES],
  gateway: [...FOUNDATIONS, ...SERVICES],
  // The top: assembly and command-line tools.
  // The operator console: its page (console/app) imports no room; its server side serves it and the street grid.
  console: ['errors', 'geo', 'config', 'http', 'auth', 'simulator'],
  hub: [...FOUNDATIONS, ...SERVICES, 'adapters', 'simulator', 'subgraphs', 'gateway', 'console', 'explorer'],
  cli: [...FOUNDATIONS, ...SERVICES, 'adapters', 'simulator', 'subgraphs', 'gateway'],
  // The GraphQL explorer: its page (explorer/app) imports no room; its server side only serves it.
  explorer: ['errors', 'config', 'http'],
};

/**
 * Outside the product, and imported by no room of it: the benchmarks may import any room of the
 * product but not the tests' helpers (a benchmark measures the product, not test scaffolding);
 * `test/` may import every room and has no zone.
 */
const MAY_IMPORT = { ...PRODUCT, bench: Object.keys(PRODUCT) };
const OUTSIDE = ['test'];

/** Zones are paths from here, wherever ESLint is started. */
const REPO_ROOT = fileURLToPath(new URL('.', import.meta.url));

const ALL_ROOMS = [...Object.keys(MAY_IMPORT), ...OUTSIDE];

/** One `import/no-restricted-paths` zone per room: it may not import the rooms it is not allowed. */
const LAYER_ZONES = Object.entries(MAY_IMPORT).map(([room, allowed]) => {
  const forbidden = ALL_ROOMS.filter((other) => other !== room && !allowed.includes(other));
  const message = `${room}/ may import only ${allowed.length === 0 ? 'no other room' : allowed.map((r) => `${r}/`).join(', ')} (docs/architecture.md).`;
  return { target: `./${room}`, from: forbidden.map((r) => `./${r}`), message };
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.rtcc/', '*.config.js', '*.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.d.ts'] } },
      'import/extensions': ['.ts', '.js'],
      'import/ignore': ['node_modules'],
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', { basePath: REPO_ROOT, zones: LAYER_ZONES }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['bench/**/*.ts', 'cli/**/*.ts', 'hub/**/*.ts', 'schema/compose.ts'],
    rules: { 'no-console': 'off' },
  },
  // The formatter: the layout the code already has (`npm run format` applies it). No line length:
  // long lines are wrapped by hand where it helps the reader.
  {
    files: ['**/*.ts'],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/indent': ['error', 2, {
        SwitchCase: 1,
        offsetTernaryExpressions: true,
        // Written as Prettier lays them out: object members of a union, curried arrows, an arrow in a ternary.
        ignoredNodes: [
          'TSUnionType > TSTypeLiteral',
          'TSUnionType > TSTypeLiteral > *',
          'ArrowFunctionExpression > ArrowFunctionExpression',
          'ConditionalExpression > ArrowFunctionExpression',
          'ConditionalExpression > ArrowFunctionExpression > BlockStatement',
        ],
      }],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/semi-spacing': 'error',
      '@stylistic/no-extra-semi': 'error',
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/comma-spacing': 'error',
      '@stylistic/comma-style': 'error',
      '@stylistic/member-delimiter-style': 'error',
      '@stylistic/operator-linebreak': ['error', 'after', { overrides: { '?': 'before', ':': 'before', '|': 'before', '&': 'before' } }],
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/curly-newline': ['error', { consistent: true }],
      '@stylistic/object-curly-spacing': ['error', 'always'],
      '@stylistic/object-curly-newline': ['error', { consistent: true }],
      '@stylistic/array-bracket-spacing': ['error', 'never'],
      '@stylistic/array-bracket-newline': ['error', 'consistent'],
      '@stylistic/block-spacing': 'error',
      '@stylistic/space-in-parens': ['error', 'never'],
      '@stylistic/computed-property-spacing': 'error',
      '@stylistic/template-curly-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/space-unary-ops': 'error',
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-before-blocks': 'error',
      '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
      '@stylistic/function-call-spacing': 'error',
      '@stylistic/key-spacing': 'error',
      '@stylistic/arrow-spacing': 'error',
      '@stylistic/arrow-parens': ['error', 'always'],
      '@stylistic/rest-spread-spacing': 'error',
      '@stylistic/switch-colon-spacing': 'error',
      '@stylistic/generator-star-spacing': ['error', 'after'],
      '@stylistic/type-annotation-spacing': 'error',
      '@stylistic/type-generic-spacing': 'error',
      '@stylistic/type-named-tuple-spacing': 'error',
      '@stylistic/dot-location': ['error', 'property'],
      '@stylistic/no-whitespace-before-property': 'error',
      '@stylistic/no-multi-spaces': 'error',
      '@stylistic/no-floating-decimal': 'error',
      '@stylistic/new-parens': 'error',
      '@stylistic/wrap-iife': ['error', 'inside'],
      '@stylistic/no-extra-parens': ['error', 'functions'],
      '@stylistic/quote-props': ['error', 'as-needed'],
      '@stylistic/multiline-ternary': ['error', 'always-multiline'],
      '@stylistic/nonblock-statement-body-position': 'error',
      '@stylistic/padded-blocks': ['error', 'never'],
      '@stylistic/lines-between-class-members': ['error', 'always', { exceptAfterSingleLine: true }],
      '@stylistic/spaced-comment': ['error', 'always'],
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxBOF: 0, maxEOF: 0 }],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-tabs': 'error',
      '@stylistic/linebreak-style': ['error', 'unix'],
    },
  },
);

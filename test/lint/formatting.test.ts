import { createProjectLinter, lintAs } from './createProjectLinter';

// A probe in a room like any other; it need not exist. What `npm run lint` checks and `npm run format` fixes.
const PROBE = 'geo/__formatProbe__.ts';

const laidOut = `/** A probe. */
export interface Probe {
  readonly name: string;
  readonly values: readonly number[];
}

export function describeProbe(probe: Probe, limit = 3): string {
  const shown = probe.values.slice(0, limit).map((value) => value.toFixed(1));
  const summary = {
    name: probe.name,
    shown,
  };
  if (shown.length === 0) return \`\${summary.name}: none\`;
  return [summary.name, 'shows', ...shown].join(' ');
}
`;

// The same code as someone might type it: double quotes, missing semicolons, 4-space and ragged
// indentation, no trailing comma on a multi-line literal, odd spacing.
const typed = `/** A probe. */
export interface Probe {
    readonly name: string,
    readonly values: readonly number[]
}

export function describeProbe( probe: Probe, limit=3 ): string {
  const shown = probe.values.slice(0,limit).map(value => value.toFixed(1))
  const summary = {
      name: probe.name,
      shown
  }
  if(shown.length === 0) return \`\${summary.name}: none\`;
  return [summary.name, "shows", ...shown].join(" ");
}


`;

describe('the formatter (@stylistic/eslint-plugin) in npm run lint', () => {
  test('code laid out in the house style passes', async () => {
    const result = await lintAs(createProjectLinter(), PROBE, laidOut);
    expect(result.messages).toEqual([]);
  });

  test('the same code typed carelessly fails, rule by rule', async () => {
    const result = await lintAs(createProjectLinter(), PROBE, typed);
    const rules = new Set(result.messages.map((m) => m.ruleId));
    expect([...rules].sort()).toEqual([
      '@stylistic/arrow-parens',
      '@stylistic/comma-dangle',
      '@stylistic/comma-spacing',
      '@stylistic/indent',
      '@stylistic/keyword-spacing',
      '@stylistic/member-delimiter-style',
      '@stylistic/no-multiple-empty-lines',
      '@stylistic/quotes',
      '@stylistic/semi',
      '@stylistic/space-in-parens',
      '@stylistic/space-infix-ops',
    ]);
  });

  test('npm run format (eslint --fix) turns the careless version into the laid-out one', async () => {
    const result = await lintAs(createProjectLinter({ fix: true }), PROBE, typed);
    expect(result.output).toBe(laidOut);
    expect(result.messages).toEqual([]);
  });
});

/** What a redacted value is replaced with in the audit log. */
export const REDACTED = '[REDACTED]';

/**
 * A copy of `variables` with the values at `paths` replaced by {@link REDACTED}, for the audit
 * record. A path is dot-separated names, `*` matching any key or array element, e.g.
 * `callbackNumber`, `input.caller.name`, `contacts.*.phone`. A path that names nothing is
 * ignored; `variables` itself is not changed.
 */
export function redactVariables(
  variables: Readonly<Record<string, unknown>> | null | undefined,
  paths: readonly string[],
): Record<string, unknown> | null {
  if (variables === null || variables === undefined) return null;
  const patterns = paths.map((path) => path.split('.').filter((segment) => segment.length > 0)).filter((p) => p.length > 0);
  return redactObject(variables, patterns);
}

function redactObject(value: Readonly<Record<string, unknown>>, patterns: readonly string[][]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = redactAt(key, inner, patterns);
  return copy;
}

/** The value under `key`, redacted when a pattern ends there, else descended into with the patterns' rests. */
function redactAt(key: string, value: unknown, patterns: readonly string[][]): unknown {
  const matching = patterns.filter(([head]) => head === '*' || head === key);
  if (matching.some((pattern) => pattern.length === 1)) return REDACTED;
  const rests = matching.map((pattern) => pattern.slice(1));
  if (rests.length === 0) return value;
  if (Array.isArray(value)) return value.map((element: unknown, index) => redactAt(String(index), element, rests));
  if (value !== null && typeof value === 'object') return redactObject(value as Record<string, unknown>, rests);
  return value;
}

/**
 * A copy of `variables` with the value of every key that `restricted` matches replaced by
 * {@link REDACTED}, at any depth (`input.contact.phone` as well as `phone`), so that an input
 * object cannot carry a restricted value past the name check. Arrays are walked element by element.
 */
export function redactKeysMatching(variables: Readonly<Record<string, unknown>> | null | undefined, restricted: RegExp): Record<string, unknown> | null {
  if (variables === null || variables === undefined) return null;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = restricted.test(key) ? REDACTED : walk(inner);
    return copy;
  };
  return walk(variables) as Record<string, unknown>;
}

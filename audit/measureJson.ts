/** How a JSON value is shaped, as far as `measureJson` looked. */
export interface JsonMeasure {
  /** Deepest nesting of arrays and objects (a scalar is 0, `[]` is 1, `[[1]]` is 2). */
  readonly depth: number;
  /** Values counted (every array, object and scalar, keys not included). */
  readonly values: number;
  /** Characters in strings and keys. */
  readonly textLength: number;
  /** A bound was passed: the walk stopped there, and the other figures are lower bounds. */
  readonly exceeded: boolean;
}

export interface JsonBounds {
  readonly maxDepth: number;
  readonly maxValues?: number;
  readonly maxTextLength?: number;
}

/**
 * Measures a parsed JSON value (or anything JSON.stringify would take) without recursion, so
 * that a value nested ten thousand levels deep is measured, not a stack overflow; it stops at
 * the first bound passed, so that the work is bounded too.
 */
export function measureJson(value: unknown, bounds: JsonBounds): JsonMeasure {
  const { maxDepth, maxValues = Number.POSITIVE_INFINITY, maxTextLength = Number.POSITIVE_INFINITY } = bounds;
  let depth = 0;
  let values = 0;
  let textLength = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth: at } = stack.pop() as { value: unknown; depth: number };
    values += 1;
    if (typeof current === 'string') textLength += current.length;
    else if (current !== null && typeof current === 'object') {
      const inner = at + 1;
      if (inner > depth) depth = inner;
      if (Array.isArray(current)) {
        for (const element of current) stack.push({ value: element, depth: inner });
      } else {
        for (const [key, element] of Object.entries(current)) {
          textLength += key.length;
          stack.push({ value: element, depth: inner });
        }
      }
    }
    if (depth > maxDepth || values > maxValues || textLength > maxTextLength) return { depth, values, textLength, exceeded: true };
  }
  return { depth, values, textLength, exceeded: false };
}

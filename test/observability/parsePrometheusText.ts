/** One sample of the Prometheus text exposition format: `name{labels} value`. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its `# TYPE` and its samples (a histogram's `_bucket`, `_sum`, `_count` included). */
export interface PrometheusFamily {
  readonly type: string;
  readonly help: string | undefined;
  readonly samples: PrometheusSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

/**
 * Parses Prometheus text format 0.0.4 strictly: every line is a comment, `# HELP`, `# TYPE` or a
 * sample of a family declared before it; anything else throws, naming the line. So does a
 * family declared twice or a series (name and labels) given twice, which Prometheus refuses.
 */
export function parsePrometheusText(text: string): Map<string, PrometheusFamily> {
  const families = new Map<string, PrometheusFamily & { help: string | undefined }>();
  const declared = new Set<string>();
  const series = new Set<string>();
  const familyOf = (sampleName: string) =>
    families.get(sampleName) ?? families.get(sampleName.replace(/_(bucket|sum|count|total|created)$/, '')) ?? families.get(sampleName.replace(/_(bucket|sum|count)$/, ''));
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (declared.has(`${kind} ${name}`)) throw new Error(`line ${index + 1}: ${kind} of ${name} given twice`);
      declared.add(`${kind} ${name}`);
      const family = families.get(name) ?? { type: 'untyped', help: undefined, samples: [] };
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`line ${index + 1}: unknown type ${rest}`);
        families.set(name, { ...family, type: rest });
      } else families.set(name, { ...family, help: rest });
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${index + 1} is not a sample: ${line}`);
    const [, name = '', labelText = '', rawValue = ''] = sample;
    // Prometheus reads values with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    if (Number.isNaN(value) && !/^nan$/i.test(rawValue)) throw new Error(`line ${index + 1}: bad value ${rawValue}`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      if (!label) throw new Error(`line ${index + 1}: bad labels {${labelText}}`);
      labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const family = familyOf(name);
    if (!family) throw new Error(`line ${index + 1}: sample ${name} of no declared family`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
    if (series.has(key)) throw new Error(`line ${index + 1}: series ${name}{${labelText}} given twice`);
    series.add(key);
    family.samples.push({ name, labels, value });
  }
  return families;
}

/** The value of the sample `name` whose labels include `labels`, summed over the matches; 0 when none. */
export function sampleValue(families: Map<string, PrometheusFamily>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
    }
  }
  return total;
}

import fc from 'fast-check';
import { translateEido, type EidoTranslation } from '../../../adapters/eido';
import { parsePidfLocation, type PidfFailureReason } from '../../../adapters/pidf';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { OPTIONS, ofType, richEido } from './eidoFixtures';
import { circle, pidf, point, readReferenceJson } from './pidfFixtures';

/** Fixed seed: a failure reproduces on every run and every machine. */
const SEED = 20261123;

const BASES: Readonly<Record<string, unknown>> = {
  'sample-eido.json': readReferenceJson('sample-eido.json'),
  'sample-call-transfer-eido.json': readReferenceJson('sample-call-transfer-eido.json'),
  rich: richEido(),
};

/** Every output is usable: events pass the validator, rejections say what and where, briefly. */
function expectWellFormed({ events, rejections }: EidoTranslation): void {
  for (const event of events) {
    const checked = validateDomainEvent(event);
    if (!checked.ok) throw new Error(`invalid event ${event.type}: ${checked.detail}`);
    expect(checked.event).toEqual(event);
  }
  for (const { reason, detail, path } of rejections) {
    expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(typeof detail).toBe('string');
    expect(detail.length).toBeGreaterThan(0);
    expect(detail.length).toBeLessThan(2000);
    expect(path).toMatch(/^\$/);
  }
}

// ---- mutations of a document ----------------------------------------------------------------

type Slot = { readonly parent: Record<string, unknown> | unknown[]; readonly key: string | number };

/** Every value in the document, addressed by its container and key. */
function slotsOf(value: unknown, slots: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      slots.push({ parent: value, key: index });
      slotsOf(item, slots);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      slots.push({ parent: value as Record<string, unknown>, key });
      slotsOf(item, slots);
    }
  }
  return slots;
}

const read = ({ parent, key }: Slot): unknown => (parent as Record<string | number, unknown>)[key];
const write = ({ parent, key }: Slot, value: unknown): void => {
  (parent as Record<string | number, unknown>)[key] = value;
};

/** A value of another JSON type than `value`. */
function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 42;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return { 0: value[0] ?? null };
  if (typeof value === 'object' && value !== null) return [value];
  if (typeof value === 'boolean') return 'true';
  return {};
}

type Mutation =
  | { readonly kind: 'drop'; readonly target: number }
  | { readonly kind: 'wrong-type'; readonly target: number }
  | { readonly kind: 'replace'; readonly target: number; readonly value: unknown }
  | { readonly kind: 'huge-string'; readonly target: number; readonly unit: string; readonly length: number }
  | { readonly kind: 'truncate'; readonly target: number; readonly keep: number }
  | { readonly kind: 'coordinates'; readonly lat: number; readonly lon: number }
  | { readonly kind: 'rename-case'; readonly target: number; readonly upper: boolean }
  | { readonly kind: 'prototype-key'; readonly target: number };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('wrong-type' as const), target: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    target: fc.nat(),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, undefined, '', ' ', '$ref', { $ref: 'nowhere' }),
    ),
  }),
  fc.record({
    kind: fc.constant('huge-string' as const),
    target: fc.nat(),
    unit: fc.constantFrom('x', '<', '9 ', 'é', '<a>', '&amp;', '\u0000'),
    length: fc.integer({ min: 1_000, max: 300_000 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), target: fc.nat(), keep: fc.nat() }),
  fc.record({
    kind: fc.constant('coordinates' as const),
    lat: fc.oneof(fc.double({ min: -1000, max: 1000 }), fc.constantFrom(90, -90, 90.000001, 0)),
    lon: fc.oneof(fc.double({ min: -1000, max: 1000 }), fc.constantFrom(180, -180, -180.5, 0)),
  }),
  fc.record({ kind: fc.constant('rename-case' as const), target: fc.nat(), upper: fc.boolean() }),
  fc.record({ kind: fc.constant('prototype-key' as const), target: fc.nat() }),
);

function mutate(document: unknown, mutation: Mutation): unknown {
  const slots = slotsOf(document);
  const slot = 'target' in mutation ? slots[mutation.target % Math.max(1, slots.length)] : undefined;
  switch (mutation.kind) {
    case 'drop':
      if (!slot) return document;
      if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
      else delete slot.parent[slot.key];
      return document;
    case 'wrong-type':
      if (slot) write(slot, wrongType(read(slot)));
      return document;
    case 'replace':
      if (slot) write(slot, mutation.value);
      return document;
    case 'huge-string':
      if (slot) write(slot, mutation.unit.repeat(Math.ceil(mutation.length / mutation.unit.length)));
      return document;
    case 'truncate': {
      const value = slot ? read(slot) : undefined;
      if (slot && typeof value === 'string') write(slot, value.slice(0, mutation.keep % (value.length + 1)));
      return document;
    }
    case 'coordinates': {
      // Every embedded PIDF-LO gets the position; documents without one get a point location.
      const position = `${mutation.lat} ${mutation.lon}`;
      const withPos = slots.filter((candidate) => {
        const value = read(candidate);
        return typeof value === 'string' && value.includes('pos>');
      });
      for (const candidate of withPos) {
        write(candidate, (read(candidate) as string).replace(/(<(?:\w+:)?pos>)[^<]*/g, `$1${position}`));
      }
      if (withPos.length === 0 && typeof document === 'object' && document !== null) {
        (document as Record<string, unknown>).locationComponent = [{ $id: 'fuzz-location', locationByValue: pidf(point(position)) }];
      }
      return document;
    }
    case 'rename-case': {
      if (!slot || Array.isArray(slot.parent) || typeof slot.key !== 'string') return document;
      const renamed = mutation.upper ? slot.key.toUpperCase() : slot.key.toLowerCase();
      const value = read(slot);
      delete slot.parent[slot.key];
      slot.parent[renamed] = value;
      return document;
    }
    case 'prototype-key':
      if (slot) write(slot, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"$ref": "x"}}'));
      return document;
    default: {
      const unreachable: never = mutation;
      return unreachable;
    }
  }
}

const documentArbitrary = fc
  .record({
    base: fc.constantFrom(...Object.keys(BASES)),
    mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }),
  })
  .map(({ base, mutations }) => {
    const document = mutations.reduce<unknown>((current, mutation) => mutate(current, mutation), structuredClone(BASES[base]));
    return { base, mutations: mutations.map((mutation) => mutation.kind), document };
  });

describe('translateEido: mutated reference samples (fast-check)', () => {
  it('never throws, emits only valid events, and explains every rejection', () => {
    fc.assert(
      fc.property(documentArbitrary, ({ document }) => {
        const result = translateEido(document, OPTIONS);
        expectWellFormed(result);
        expect(result.rejections.map((rejection) => rejection.reason)).not.toContain('internal-error');
      }),
      { numRuns: 400, seed: SEED },
    );
    expect({}).not.toHaveProperty('polluted');
  });

  it('is deterministic: the same document twice gives the same events and event ids', () => {
    fc.assert(
      fc.property(documentArbitrary, ({ document }) => {
        const copy: unknown = structuredClone(document);
        expect(translateEido(copy, { ...OPTIONS, receivedAt: '2031-01-01T00:00:00Z' }).events.map((event) => event.eventId)).toEqual(
          translateEido(document, OPTIONS).events.map((event) => event.eventId),
        );
        expect(translateEido(copy, OPTIONS)).toEqual(translateEido(document, OPTIONS));
      }),
      { numRuns: 200, seed: SEED + 1 },
    );
  });

  it('creates the incident exactly when the coordinates are in range, else reports out-of-range', () => {
    const coordinate = (limit: number) =>
      fc.oneof(fc.double({ min: -limit * 3, max: limit * 3, noNaN: true }), fc.constantFrom(limit, -limit, limit + 1e-9));
    fc.assert(
      fc.property(coordinate(90), coordinate(180), (lat, lon) => {
        const document = richEido();
        for (const location of document.locationComponent as Record<string, unknown>[]) {
          location.locationByValue = pidf(circle(`${lat} ${lon}`, '12'));
        }
        const result = translateEido(document, OPTIONS);
        expectWellFormed(result);
        const created = ofType(result.events, 'incident.created');
        if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
          // Through text and back, as the PIDF-LO carries them (-0 is written "0").
          expect(created.map((event) => event.location.point)).toEqual([{ lat: Number(`${lat}`), lon: Number(`${lon}`) }]);
        } else {
          expect(created).toEqual([]);
          expect(result.rejections.map((rejection) => rejection.reason)).toEqual(
            expect.arrayContaining(['out-of-range', 'no-usable-location']),
          );
        }
      }),
      { numRuns: 300, seed: SEED + 2 },
    );
  });

  it('survives arbitrary values as documents', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: true, withMap: true }), (document) => {
        expectWellFormed(translateEido(document, OPTIONS));
      }),
      { numRuns: 300, seed: SEED + 3 },
    );
  });
});

describe('parsePidfLocation: damaged XML (fast-check)', () => {
  const REASONS: readonly string[] = [
    'malformed-xml',
    'too-large',
    'no-geometry',
    'unsupported-shape',
    'bad-crs',
    'bad-coordinates',
    'out-of-range',
    'bad-uom',
  ] satisfies PidfFailureReason[];
  const good = pidf(circle('33.4 -111.8', '20'));
  const sampleXml = (readReferenceJson('sample-eido.json') as { locationInformationComponent: { locationByValue: string }[] })
    .locationInformationComponent[0]?.locationByValue ?? '';

  it('never throws on cut, spliced or corrupted PIDF-LO, and answers with a known reason', () => {
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 20 }), insert: fc.string({ maxLength: 12 }) });
    fc.assert(
      fc.property(fc.constantFrom(good, sampleXml), fc.array(edit, { minLength: 1, maxLength: 8 }), (base, edits) => {
        const xml = edits.reduce((text, { at, remove, insert }) => {
          const index = at % (text.length + 1);
          return text.slice(0, index) + insert + text.slice(index + remove);
        }, base);
        const result = parsePidfLocation(xml);
        if (result.ok) {
          if (result.location.point) {
            expect(Math.abs(result.location.point.lat)).toBeLessThanOrEqual(90);
            expect(Math.abs(result.location.point.lon)).toBeLessThanOrEqual(180);
          }
        } else {
          expect(REASONS).toContain(result.reason);
          expect(result.detail.length).toBeGreaterThan(0);
          expect(result.detail.length).toBeLessThan(2000);
        }
      }),
      { numRuns: 500, seed: SEED + 4 },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (xml) => {
        const result = parsePidfLocation(xml);
        expect(result.ok || REASONS.includes(result.reason)).toBe(true);
      }),
      { numRuns: 300, seed: SEED + 5 },
    );
  });
});

import fc from 'fast-check';
import { type CameraCsvTranslation, translateCameraCsv } from '../../../adapters/camera-csv';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { GENERIC_HEADER, options } from './cameraCsvFixtures';

/** Fixed seed: a failure reproduces on every run and every machine. */
const SEED = 20261123;
const WIDTH = GENERIC_HEADER.split(',').length;

interface GoodRow {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly text: string;
}

/** A valid row of the generic format; some names are quoted because they hold a comma. */
const goodRow = (id: string): fc.Arbitrary<GoodRow> =>
  fc
    .record({
      lat: fc.integer({ min: 1, max: 890_000 }).chain((n) => fc.constantFrom(n / 1e4, -n / 1e4)),
      lon: fc.integer({ min: -1_799_999, max: 1_799_999 }).map((n) => n / 1e4),
      heading: fc.option(fc.integer({ min: 0, max: 359 }), { nil: '' }),
      name: fc.stringMatching(/^[A-Za-z0-9 &/-]{1,20}$/).map((name) => name.trim() || 'cam'),
      comma: fc.boolean(),
    })
    .map(({ lat, lon, heading, name, comma }) => {
      const fullName = comma ? `${name}, corner` : name;
      const cell = comma ? `"${fullName}"` : fullName;
      const cells = [id, cell, String(lat), String(lon), String(heading), ...Array<string>(WIDTH - 5).fill('')];
      return { id, name: fullName, lat, lon, text: cells.join(',') };
    });

const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const csvNoise = fc.string({ unit: fc.constantFrom('"', ',', '\n', '\r', ' ', 'a', '1', '.', '-'), maxLength: 30 });

/** A row that went wrong on the way: a corrupted cell, a stray quote, a cut, a huge cell, garbage, blank lines. */
const badRow = (id: string): fc.Arbitrary<string> =>
  goodRow(id).chain(({ text }) => {
    const cells = text.split(',');
    return fc.oneof(
      fc
        .tuple(fc.nat({ max: cells.length - 1 }), fc.oneof(anyText(60), csvNoise))
        .map(([index, value]) => cells.map((cell, i) => (i === index ? value : cell)).join(',')),
      fc.nat({ max: text.length }).map((at) => `${text.slice(0, at)}"${text.slice(at)}`),
      fc.nat({ max: text.length }).map((at) => text.slice(0, at)),
      fc.nat({ max: text.length }).map((at) => `${text.slice(0, at)},${text.slice(at)}`),
      fc
        .tuple(fc.nat({ max: cells.length - 1 }), fc.integer({ min: 10_000, max: 100_000 }), fc.boolean())
        .map(([index, size, quote]) =>
          cells.map((cell, i) => (i === index ? `${quote ? '"' : ''}${'x'.repeat(size)}` : cell)).join(','),
        ),
      anyText(200),
      fc.constantFrom('', '   ', ',,,', '\t', '"', '""', '","'),
    );
  });

type Line = { readonly kind: 'good'; readonly row: GoodRow } | { readonly kind: 'bad'; readonly text: string };

const file = fc
  .array(fc.boolean(), { minLength: 1, maxLength: 30 })
  .chain((kinds) =>
    fc.tuple(
      ...kinds.map((good, i): fc.Arbitrary<Line> =>
        good ? goodRow(`good-${i}`).map((row) => ({ kind: 'good', row })) : badRow(`bad-${i}`).map((text) => ({ kind: 'bad', text })),
      ),
    ),
  )
  .chain((lines) => fc.tuple(fc.constant(lines), fc.constantFrom('\n', '\r\n')));

function expectWellFormed(csv: string, translation: CameraCsvTranslation): void {
  const physical = csv.split(/\r\n|\n|\r/);
  for (const event of translation.events) {
    const verdict = validateDomainEvent(event);
    if (!verdict.ok) throw new Error(`invalid event: ${verdict.detail}`);
  }
  expect(new Set(translation.events.map((event) => event.cameraId)).size).toBe(translation.events.length);
  for (const { reason, detail, line, raw } of translation.rejections) {
    expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(detail.length).toBeGreaterThan(0);
    expect(detail.length).toBeLessThan(2000);
    // The raw text is the file's own, from the rejected line on.
    const rawLines = raw.split(/\r\n|\n|\r/);
    expect(physical.slice(line - 1, line - 1 + rawLines.length)).toEqual(rawLines);
  }
}

describe('translateCameraCsv on malformed input (property)', () => {
  it('never throws, keeps every good row, and rejects only with a line and the raw text', () => {
    fc.assert(
      fc.property(file, ([lines, newline]) => {
        const csv = [GENERIC_HEADER, ...lines.map((line) => (line.kind === 'good' ? line.row.text : line.text))].join(newline);
        const translation = translateCameraCsv(csv, options('noise.csv'));
        expectWellFormed(csv, translation);
        for (const line of lines) {
          if (line.kind !== 'good') continue;
          const event = translation.events.find((candidate) => candidate.cameraId === `noise:${line.row.id}`);
          expect(event).toMatchObject({ name: line.row.name, location: { point: { lat: line.row.lat, lon: line.row.lon } } });
        }
        // Nothing is counted twice: at most one outcome per non-blank line after the header.
        const nonBlank = csv.split(/\r\n|\n|\r/).filter((line) => line.trim() !== '').length;
        expect(translation.events.length + translation.rejections.length).toBeLessThanOrEqual(nonBlank - 1);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('imports a clean list completely, whatever blank lines and line endings surround its rows', () => {
    const clean = fc.array(
      fc.tuple(fc.constantFrom('', '\n', '\n\n', '\n   \n'), fc.nat()),
      { minLength: 1, maxLength: 40 },
    );
    fc.assert(
      fc.property(clean, fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), (gaps, newline, bom) => {
        const rows = gaps.map(([gap], i) => `${gap}c${i},Cam ${i},${(i % 80) + 1}.5,-${(i % 170) + 1}.25,${(i * 37) % 360},,,,,,,,`);
        const csv = `${bom ? '\uFEFF' : ''}${[GENERIC_HEADER, ...rows].join('\n').replace(/\n/g, newline)}${newline}`;
        const translation = translateCameraCsv(csv, options('clean.csv'));
        expect(translation.rejections).toEqual([]);
        expect(translation.events.map((event) => event.cameraId)).toEqual(rows.map((_, i) => `clean:c${i}`));
        expectWellFormed(csv, translation);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('gives the same event ids to the same text, however often it is read', () => {
    fc.assert(
      fc.property(file, ([lines]) => {
        const csv = [GENERIC_HEADER, ...lines.map((line) => (line.kind === 'good' ? line.row.text : line.text))].join('\n');
        const ids = (now: Date) => translateCameraCsv(csv, options('noise.csv', { now })).events.map((event) => event.eventId);
        expect(ids(new Date('2030-01-01T00:00:00Z'))).toEqual(ids(new Date('2026-01-01T00:00:00Z')));
      }),
      { seed: SEED, numRuns: 50 },
    );
  });
});

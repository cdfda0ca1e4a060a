import fc from 'fast-check';
import { readEidoPayload } from '../../../adapters/eido-http/readEidoPayload';
import { HOSTILE_SEED, deeplyNestedJson } from '../../support/hostileInput';

const LIMITS = { maxDepth: 8, maxDocuments: 3 };

describe('readEidoPayload: framing before parsing', () => {
  it('cuts an array at its top-level commas only: brackets, braces, commas and escaped quotes inside strings do not count', () => {
    const documents = [{ a: 'x],[{"b":1}', c: ['\\"', '\\\\'] }, { d: '}}}]]],' }, 7];
    const text = ` ${JSON.stringify(documents, null, 1)} `;
    const payload = readEidoPayload(text, LIMITS);
    expect(payload.problems).toEqual([]);
    expect(payload.documents.map((document) => document.value)).toEqual(documents);
    expect(payload.documents.map((document) => JSON.parse(document.raw) as unknown)).toEqual(documents);
  });

  it('keeps a too-deep document, the documents beyond the cap and a malformed payload as problems with their text', () => {
    const deep = deeplyNestedJson(9, 'object');
    const payload = readEidoPayload(`[{"ok":1},${deep},{"ok":2},{"ok":3},{"ok":4}]`, LIMITS);
    expect(payload.documents.map((document) => document.raw)).toEqual(['{"ok":1}', '{"ok":2}']);
    expect(payload.problems).toEqual([
      expect.objectContaining({ reason: 'too-deep', raw: deep, path: '$[1]' }),
      expect.objectContaining({ reason: 'too-many-documents', raw: '[{"ok":3},{"ok":4}]' }),
    ]);
    expect(readEidoPayload('{"a": [1, 2}', LIMITS).problems).toEqual([expect.objectContaining({ reason: 'malformed-json', raw: '{"a": [1, 2}', path: '$' })]);
    expect(readEidoPayload(deeplyNestedJson(100_000, 'object'), LIMITS).problems.map(({ reason, path }) => [reason, path])).toEqual([['too-deep', '$']]);
    expect(readEidoPayload(deeplyNestedJson(100_000), LIMITS).problems.map(({ reason, path }) => [reason, path])).toEqual([['too-deep', '$[0]']]);
  });

  it('agrees with JSON.parse on any JSON within the limits', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 3 }), (values) => {
        const payload = readEidoPayload(JSON.stringify(values), { maxDepth: 10, maxDocuments: 3 });
        expect(payload.problems).toEqual([]);
        expect(payload.documents.map((document) => document.value)).toEqual(JSON.parse(JSON.stringify(values)));
      }),
      { seed: HOSTILE_SEED, numRuns: 300 },
    );
  });
});

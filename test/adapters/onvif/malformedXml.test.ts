/**
 * Untrusted device payloads: whatever arrives, the parsers answer with a result and never throw;
 * a failure always carries a registered reason and a detail.
 */
import fc from 'fast-check';
import { ONVIF_REASONS, parsePullMessagesResponse, parseSoapResponse, type OnvifResponseOperation, type OnvifResult } from '../../../adapters/onvif';
import { DOT_VALUES, readReference, renderDotTemplate } from './onvifReference';

const OPERATIONS: readonly OnvifResponseOperation[] = [
  'GetCapabilities',
  'GetDeviceInformation',
  'GetSystemDateAndTime',
  'GetProfiles',
  'GetStreamUri',
  'GetSnapshotUri',
  'GetStatus',
  'GetPresets',
  'AbsoluteMove',
  'ContinuousMove',
  'GotoPreset',
  'Stop',
  'CreatePullPointSubscription',
  'PullMessages',
];

/** Well-formed responses and what they answer. */
const VALID: readonly [OnvifResponseOperation, string][] = [
  ['GetProfiles', readReference('GetProfiles.xml')],
  ['GetStreamUri', readReference('GetStreamUri.xml')],
  ['GetSnapshotUri', readReference('GetSnapshotUri.xml')],
  ['GetStatus', readReference('GetStatus.xml')],
  ['GetSystemDateAndTime', readReference('GetSystemDateAndTime.xml')],
  ['GetCapabilities', readReference('GetCapabilities.xml')],
  ['GetDeviceInformation', readReference('GetDeviceInformation.xml')],
  ['PullMessages', renderDotTemplate(readReference('PullMessages.xml'), DOT_VALUES)],
];

function expectAnswered(result: OnvifResult<unknown>): void {
  if (result.ok) return;
  expect(Object.keys(ONVIF_REASONS)).toContain(result.reason);
  expect(typeof result.detail).toBe('string');
  expect(result.detail.length).toBeGreaterThan(0);
}

/** Parse as every operation; none may throw, every failure must be explained. */
function parseAsEverything(xml: unknown): OnvifResult<unknown>[] {
  const results = OPERATIONS.map((operation) => parseSoapResponse(operation, xml));
  results.push(parsePullMessagesResponse(xml));
  results.forEach(expectAnswered);
  return results;
}

const envelope = (body: string): string => `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>${body}</s:Body></s:Envelope>`;

describe('hand-made malformed payloads', () => {
  const deep = (depth: number): string => '<a>'.repeat(depth) + '</a>'.repeat(depth);
  const cases: readonly [label: string, payload: unknown, reason: keyof typeof ONVIF_REASONS][] = [
    ['an empty string', '', 'malformed-xml'],
    ['whitespace', ' \n\t ', 'malformed-xml'],
    ['plain text', 'Unauthorized', 'malformed-xml'],
    ['JSON', '{"error":"unauthorized"}', 'malformed-xml'],
    ['undefined', undefined, 'malformed-xml'],
    ['null', null, 'malformed-xml'],
    ['a number', 42, 'malformed-xml'],
    ['a buffer', Buffer.from('<a/>'), 'malformed-xml'],
    ['an unclosed root', '<s:Envelope>', 'malformed-xml'],
    ['a stray closing tag', '</s:Envelope>', 'malformed-xml'],
    ['mismatched tags', envelope('<x:A><x:B></x:A></x:B>'), 'malformed-xml'],
    ['a closing tag with another prefix', envelope('<x:A></y:A>'), 'malformed-xml'],
    ['a closing tag in another case', envelope('<x:A></x:a>'), 'malformed-xml'],
    ['two roots', `${envelope('')}${envelope('')}`, 'malformed-xml'],
    ['text after the root', `${envelope('')}trailing`, 'malformed-xml'],
    ['text before the root', `leading${envelope('')}`, 'malformed-xml'],
    ['an unquoted attribute', envelope('<x:A b=1/>'), 'malformed-xml'],
    ['an attribute without a value', envelope('<x:A b/>'), 'malformed-xml'],
    ['a repeated attribute', envelope('<x:A b="1" b="2"/>'), 'malformed-xml'],
    ['an unterminated attribute', envelope('<x:A b="1/>'), 'malformed-xml'],
    ['"<" in an attribute value', envelope('<x:A b="<"/>'), 'malformed-xml'],
    ['a bare ampersand', envelope('<x:A>fish & chips</x:A>'), 'malformed-xml'],
    ['a bare ampersand in an attribute', envelope('<x:A b="fish & chips"/>'), 'malformed-xml'],
    ['an HTML entity', envelope('<x:A>&nbsp;</x:A>'), 'malformed-xml'],
    ['an unterminated entity', envelope('<x:A>&amp</x:A>'), 'malformed-xml'],
    ['a character reference to NUL', envelope('<x:A>&#0;</x:A>'), 'malformed-xml'],
    ['a character reference beyond Unicode', envelope('<x:A>&#x110000;</x:A>'), 'malformed-xml'],
    ['a NUL character', envelope('<x:A>\u0000</x:A>'), 'malformed-xml'],
    ['a vertical tab', envelope('<x:A>\u000b</x:A>'), 'malformed-xml'],
    ['U+FFFE', envelope('<x:A>\ufffe</x:A>'), 'malformed-xml'],
    ['an unpaired surrogate', envelope('<x:A>\ud800</x:A>'), 'malformed-xml'],
    ['a bare "<" in text', envelope('<x:A>1 < 2</x:A>'), 'malformed-xml'],
    ['a tag name starting with a digit', envelope('<1A/>'), 'malformed-xml'],
    ['a name with two colons', envelope('<a:b:c/>'), 'malformed-xml'],
    ['an empty prefix', envelope('<:A/>'), 'malformed-xml'],
    ['a DTD with an entity (billion laughs shape)', `<!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>${envelope('<x:A>&b;</x:A>')}`, 'malformed-xml'],
    ['an external entity', `<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope('<x:A>&x;</x:A>')}`, 'malformed-xml'],
    ['a declaration after whitespace and text', `text<?xml version="1.0"?>${envelope('')}`, 'malformed-xml'],
    ['a declaration in the middle', `${envelope('<?xml version="1.0"?>')}`, 'malformed-xml'],
    ['an unterminated declaration', `<?xml version="1.0" ${envelope('')}`, 'malformed-xml'],
    ['a declaration without a version', `<?xml encoding="UTF-8"?>${envelope('')}`, 'malformed-xml'],
    ['a declaration with unquoted values', `<?xml version=1.0?>${envelope('')}`, 'malformed-xml'],
    ['an unterminated comment', envelope('<!-- x'), 'malformed-xml'],
    ['an unterminated CDATA section', envelope('<x:A><![CDATA[x</x:A>'), 'malformed-xml'],
    ['a reserved JavaScript name as an element', envelope('<__proto__/>'), 'malformed-xml'],
    ['nesting deeper than the limit', envelope(deep(150)), 'too-large'],
    ['nesting far deeper than the limit', envelope(deep(20_000)), 'too-large'],
    ['a payload over the size limit', envelope(`<x:A>${'x'.repeat(5 * 1024 * 1024)}</x:A>`), 'too-large'],
    ['HTML instead of SOAP', '<html><head><title>401</title></head><body>Unauthorized</body></html>', 'not-soap'],
    ['an Envelope without a Body', '<s:Envelope xmlns:s="x"><s:Header/></s:Envelope>', 'not-soap'],
  ];

  it.each(cases)('%s → %s', (_label, payload, reason) => {
    for (const result of parseAsEverything(payload)) expect(result).toMatchObject({ ok: false, reason });
  });

  it('accepts a BOM, leading whitespace, comments, CDATA and processing instructions around valid content', () => {
    const uri = '<trt:GetStreamUriResponse xmlns:trt="m" xmlns:tt="t"><trt:MediaUri><tt:Uri><![CDATA[rtsp://cam/a?b=1&c=2]]></tt:Uri>' +
      '<tt:InvalidAfterConnect>0</tt:InvalidAfterConnect><tt:InvalidAfterReboot>1</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>';
    const xml = `\ufeff\n  <?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<!-- device says hi --><?vendor-pi x?>${envelope(uri)}\n`;
    expect(parseSoapResponse('GetStreamUri', xml)).toEqual({
      ok: true,
      value: { uri: 'rtsp://cam/a?b=1&c=2', invalidAfterConnect: false, invalidAfterReboot: true, timeout: 'PT0S' },
    });
  });

  it('decodes character references', () => {
    const info = envelope(
      '<tds:GetDeviceInformationResponse xmlns:tds="d"><tds:Manufacturer>A&#38;B &#x263A;</tds:Manufacturer><tds:Model>&lt;M&gt;</tds:Model>' +
        '<tds:FirmwareVersion>&quot;1&apos;</tds:FirmwareVersion><tds:SerialNumber/><tds:HardwareId/></tds:GetDeviceInformationResponse>',
    );
    expect(parseSoapResponse('GetDeviceInformation', info)).toMatchObject({ ok: true, value: { manufacturer: 'A&B ☺', model: '<M>', firmwareVersion: '"1\'', serialNumber: '' } });
  });
});

describe('truncated reference responses', () => {
  // Cut every valid response at every 5th character before its closing tag: ~2,000 payloads.
  const truncations = VALID.flatMap(([operation, xml]) => {
    const end = xml.lastIndexOf('</');
    const cuts: [OnvifResponseOperation, string, number][] = [];
    for (let at = 0; at < end; at += 5) cuts.push([operation, xml.slice(0, at), at]);
    return cuts;
  });

  it(`has hundreds of cases (${truncations.length})`, () => expect(truncations.length).toBeGreaterThan(1000));

  it('every truncation fails with malformed-xml, never a throw', () => {
    for (const [operation, xml, at] of truncations) {
      const result = parseSoapResponse(operation, xml);
      if (result.ok || result.reason !== 'malformed-xml') throw new Error(`${operation} cut at ${at}: ${JSON.stringify(result).slice(0, 200)}`);
    }
  });
});

describe('fuzzed payloads', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => void parseAsEverything(text)), { numRuns: 300 });
  });

  it('random tag soup', () => {
    const piece = fc.oneof(
      fc.constantFrom('<s:Envelope>', '</s:Envelope>', '<s:Body>', '</s:Body>', '<tt:Uri>', '</tt:Uri>', '<a/>', '<a b="1">', '</a>', '&amp;', '&', '<', '>', '"', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE x>'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => void parseAsEverything(pieces.join(''))), { numRuns: 500 });
  });

  it('mutated reference responses', () => {
    const mutation = fc.record({
      source: fc.constantFrom(...VALID),
      at: fc.nat(),
      length: fc.nat(40),
      insert: fc.oneof(fc.constantFrom('<', '>', '&', '"', '</', '/>', '<x>', ']]>', '\u0000', '\u201d', '<!DOCTYPE a>', '&bogus;'), fc.string({ maxLength: 6 })),
    });
    fc.assert(
      fc.property(mutation, ({ source: [operation, xml], at, length, insert }) => {
        const cut = at % xml.length;
        const mutated = xml.slice(0, cut) + insert + xml.slice(cut + length);
        expectAnswered(parseSoapResponse(operation, mutated));
        expectAnswered(parsePullMessagesResponse(mutated));
      }),
      { numRuns: 1000 },
    );
  });

  it('well-formed SOAP with random field values', () => {
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'NaN', 'Infinity', '-0', '1e400', 'true', '2024-13-45T99:99:99Z', 'rtsp://', 'http://[::1', '0x10'));
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
        const status = envelope(
          `<tptz:GetStatusResponse xmlns:tptz="p" xmlns:tt="t"><tptz:PTZStatus><tt:Position><tt:PanTilt x="${escape(a)}" y="${escape(b)}"/></tt:Position>` +
            `<tt:MoveStatus><tt:PanTilt>${escape(c)}</tt:PanTilt></tt:MoveStatus><tt:UtcTime>${escape(c)}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`,
        );
        expectAnswered(parseSoapResponse('GetStatus', status));
        const time = readReference('GetSystemDateAndTime.xml').replace('<tt:Hour>19</tt:Hour>', `<tt:Hour>${escape(a)}</tt:Hour>`);
        expectAnswered(parseSoapResponse('GetSystemDateAndTime', time));
      }),
      { numRuns: 500 },
    );
  });
});

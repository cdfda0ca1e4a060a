import fc from 'fast-check';
import {
  KEPT_TOPICS,
  ONVIF_TOPIC_NAMESPACE,
  OnvifError,
  aimCamera,
  buildSoapRequest,
  createUsernameToken,
  passwordDigest,
  type OnvifRequest,
  type UsernameTokenOptions,
} from '../../../adapters/onvif';
import { descend, parseXmlDocument, textOf, type XmlElement } from '../../../adapters/onvif/parseXmlDocument';
import { DOT_VALUES, REFERENCE_PASSWORD, readReference, renderDotTemplate } from './onvifReference';

// ---- a second, independent digest: FIPS 180-4 SHA-1 and RFC 4648 Base64 written out by hand ----

function sha1(message: Uint8Array): Uint8Array {
  const paddedLength = Math.ceil((message.length + 9) / 64) * 64;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = message.length * 8;
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(paddedLength - 4, bitLength >>> 0);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Array<number>(80).fill(0);
  const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
  for (let block = 0; block < paddedLength; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 80; i++) w[i] = rotl((w[i - 3] ?? 0) ^ (w[i - 8] ?? 0) ^ (w[i - 14] ?? 0) ^ (w[i - 16] ?? 0), 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const [f, k] =
        i < 20 ? [(b & c) | (~b & d), 0x5a827999] : i < 40 ? [b ^ c ^ d, 0x6ed9eba1] : i < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
      const t = (rotl(a, 5) + (f >>> 0) + e + k + (w[i] ?? 0)) >>> 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30), a, t];
    }
    [a, b, c, d, e].forEach((value, i) => (h[i] = ((h[i] ?? 0) + value) >>> 0));
  }
  const digest = new Uint8Array(20);
  h.forEach((word, i) => new DataView(digest.buffer).setUint32(i * 4, word));
  return digest;
}

function base64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [x, y, z] = [bytes[i] ?? 0, bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    const n = (x << 16) | (y << 8) | z;
    out += alphabet[(n >> 18) & 63] ?? '';
    out += alphabet[(n >> 12) & 63] ?? '';
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63] ?? '' : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63] ?? '' : '=';
  }
  return out;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
const independentDigest = (nonce: Uint8Array, created: string, password: string): string =>
  base64(sha1(new Uint8Array([...nonce, ...utf8(created), ...utf8(password)])));

/** The UsernameToken header of a reference file: what agsh/onvif's client sent, with password 9999. */
function referenceToken(xml: string): { nonce: string; created: string; password: string } {
  const parsed = parseXmlDocument(xml);
  if (!parsed.ok) throw new Error(parsed.detail);
  const token = descend(parsed.value, 'Header', 'Security', 'UsernameToken');
  const field = (name: string): string => {
    const found = token && descend(token, name);
    if (found === undefined) throw new Error(`no ${name} in the reference token`);
    return textOf(found);
  };
  return { nonce: field('Nonce'), created: field('Created'), password: field('Password') };
}

describe('WS-Security PasswordDigest', () => {
  it('the test SHA-1 meets the RFC 3174 test vectors', () => {
    expect(hex(sha1(utf8('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(base64(utf8('ONVIF'))).toBe('T05WSUY=');
  });

  // Every token in the reference files was computed by agsh/onvif's client from a decimal-string
  // nonce, its clock and password 9999: worked examples made by another implementation.
  it.each([
    'GetCapabilities.xml',
    'GetDeviceInformation.xml',
    'GetProfiles.xml',
    'GetSnapshotUri.xml',
    'GetStatus.xml',
    'GetStreamUri.xml',
    'ptz.AbsoluteMove.xml',
    'ptz.ContinuousMove.xml',
    'ptz.GetPresets.xml',
    'ptz.Stop.xml',
    'PullMessages.xml',
  ])('reproduces the digest in %s', (file) => {
    const raw = readReference(file);
    const { nonce, created, password } = referenceToken(file === 'PullMessages.xml' ? renderDotTemplate(raw, DOT_VALUES) : raw);
    const nonceBytes = Buffer.from(nonce, 'base64');
    expect(passwordDigest(nonceBytes, created, REFERENCE_PASSWORD)).toBe(password);
    expect(independentDigest(nonceBytes, created, REFERENCE_PASSWORD)).toBe(password);
  });

  it('a worked example: nonce "785016963", created 2014-12-24T16:20:37.475Z, password 9999', () => {
    expect(passwordDigest(utf8('785016963'), '2014-12-24T16:20:37.475Z', '9999')).toBe('5y9Zcgk2iMChJdQw/yOKEtqsI/0=');
  });

  it('agrees with the independent implementation on any nonce, time and password', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        (nonce, when, password) => {
          const created = when.toISOString();
          expect(passwordDigest(nonce, created, password)).toBe(independentDigest(nonce, created, password));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('buildSoapRequest', () => {
  const NONCE = utf8('0123456789abcdef');
  const auth = (overrides: Partial<UsernameTokenOptions> = {}): UsernameTokenOptions => ({
    username: 'operator',
    password: 's3cr&t<pass>',
    now: () => new Date('2024-05-01T12:00:00.000Z'),
    nonce: () => NONCE,
    ...overrides,
  });

  function envelopeOf(request: OnvifRequest, usernameToken: UsernameTokenOptions | null = auth()): XmlElement {
    const parsed = parseXmlDocument(buildSoapRequest({ request, usernameToken }).envelope);
    if (!parsed.ok) throw new Error(parsed.detail);
    return parsed.value;
  }
  const bodyOf = (request: OnvifRequest): XmlElement => {
    const body = envelopeOf(request).children.find((child) => child.localName === 'Body')?.children[0];
    if (body === undefined) throw new Error('empty Body');
    return body;
  };
  const text = (element: XmlElement, ...path: string[]): string => {
    const found = descend(element, ...path);
    if (found === undefined) throw new Error(`no ${path.join('/')}`);
    return textOf(found);
  };
  const attribute = (element: XmlElement | undefined, name: string): string | undefined => element?.attributes.find((a) => a.name === name)?.value;

  it.each<[OnvifRequest, string, string]>([
    [{ operation: 'GetCapabilities' }, 'device', 'http://www.onvif.org/ver10/device/wsdl/GetCapabilities'],
    [{ operation: 'GetDeviceInformation' }, 'device', 'http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation'],
    [{ operation: 'GetSystemDateAndTime' }, 'device', 'http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime'],
    [{ operation: 'GetProfiles' }, 'media', 'http://www.onvif.org/ver10/media/wsdl/GetProfiles'],
    [{ operation: 'GetStreamUri', profileToken: 'main' }, 'media', 'http://www.onvif.org/ver10/media/wsdl/GetStreamUri'],
    [{ operation: 'GetSnapshotUri', profileToken: 'main' }, 'media', 'http://www.onvif.org/ver10/media/wsdl/GetSnapshotUri'],
    [{ operation: 'GetStatus', profileToken: 'main' }, 'ptz', 'http://www.onvif.org/ver20/ptz/wsdl/GetStatus'],
    [{ operation: 'GetPresets', profileToken: 'main' }, 'ptz', 'http://www.onvif.org/ver20/ptz/wsdl/GetPresets'],
    [{ operation: 'AbsoluteMove', profileToken: 'main', position: { pan: 0.5, tilt: -0.25, zoom: 0 } }, 'ptz', 'http://www.onvif.org/ver20/ptz/wsdl/AbsoluteMove'],
    [{ operation: 'ContinuousMove', profileToken: 'main', velocity: { pan: -1, tilt: 0 }, timeout: 'PT2S' }, 'ptz', 'http://www.onvif.org/ver20/ptz/wsdl/ContinuousMove'],
    [{ operation: 'GotoPreset', profileToken: 'main', presetToken: 'P001' }, 'ptz', 'http://www.onvif.org/ver20/ptz/wsdl/GotoPreset'],
    [{ operation: 'Stop', profileToken: 'main' }, 'ptz', 'http://www.onvif.org/ver20/ptz/wsdl/Stop'],
    [{ operation: 'CreatePullPointSubscription' }, 'events', 'http://www.onvif.org/ver10/events/wsdl/EventPortType/CreatePullPointSubscriptionRequest'],
    [{ operation: 'PullMessages' }, 'events', 'http://www.onvif.org/ver10/events/wsdl/PullPointSubscription/PullMessagesRequest'],
  ])('%o → a well-formed SOAP 1.2 envelope for the %s service', (request, service, action) => {
    const built = buildSoapRequest({ request, usernameToken: auth() });
    expect(built).toMatchObject({ operation: request.operation, service, action, contentType: `application/soap+xml; charset=utf-8; action="${action}"` });
    const envelope = envelopeOf(request);
    expect(envelope.localName).toBe('Envelope');
    expect(envelope.namespaces.get(envelope.prefix ?? '')).toBe('http://www.w3.org/2003/05/soap-envelope');
    const payload = bodyOf(request);
    expect(payload.localName).toBe(request.operation);
    // Every prefix used in the body is declared: a strict device parser accepts it.
    const undeclared = (element: XmlElement): string[] => [
      ...(element.prefix !== null && !element.namespaces.has(element.prefix) ? [element.name] : []),
      ...element.children.flatMap(undeclared),
    ];
    expect(undeclared(envelope)).toEqual([]);
  });

  it('GetStreamUri asks for RTP unicast over RTSP for the profile', () => {
    const body = bodyOf({ operation: 'GetStreamUri', profileToken: 'main' });
    expect(text(body, 'StreamSetup', 'Stream')).toBe('RTP-Unicast');
    expect(text(body, 'StreamSetup', 'Transport', 'Protocol')).toBe('RTSP');
    expect(text(body, 'ProfileToken')).toBe('main');
  });

  it('AbsoluteMove carries the position in the generic spaces, and an optional speed', () => {
    const body = bodyOf({ operation: 'AbsoluteMove', profileToken: 'main', position: { pan: -0.864665985, tilt: 0.25, zoom: 1 }, speed: { panTilt: 0.5 } });
    const panTilt = descend(body, 'Position', 'PanTilt');
    expect(attribute(panTilt, 'x')).toBe('-0.864666');
    expect(attribute(panTilt, 'y')).toBe('0.25');
    expect(attribute(panTilt, 'space')).toBe('http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace');
    expect(attribute(descend(body, 'Position', 'Zoom'), 'x')).toBe('1');
    expect(attribute(descend(body, 'Speed', 'PanTilt'), 'x')).toBe('0.5');
    expect(descend(body, 'Speed', 'Zoom')).toBeUndefined();
  });

  it('aims with aimCamera output', () => {
    const aim = aimCamera({ camera: { point: { lat: 33.4152, lon: -111.8315 }, mountHeightMeters: 8, headingDegrees: 0 }, target: { lat: 33.4152, lon: -111.83 } });
    const body = bodyOf({ operation: 'AbsoluteMove', profileToken: 'main', position: { pan: aim.pan, tilt: aim.tilt } });
    expect(Number(attribute(descend(body, 'Position', 'PanTilt'), 'x'))).toBeCloseTo(0.5, 3);
  });

  it('Stop halts both axes unless told otherwise; GotoPreset names the preset', () => {
    const stop = bodyOf({ operation: 'Stop', profileToken: 'main', zoom: false });
    expect([text(stop, 'PanTilt'), text(stop, 'Zoom')]).toEqual(['true', 'false']);
    expect(text(bodyOf({ operation: 'GotoPreset', profileToken: 'main', presetToken: 'Home' }), 'PresetToken')).toBe('Home');
  });

  it('CreatePullPointSubscription can subscribe to the kept topics only', () => {
    const body = bodyOf({ operation: 'CreatePullPointSubscription', topicFilter: KEPT_TOPICS, initialTerminationTime: 'PT120S' });
    const expression = descend(body, 'Filter', 'TopicExpression');
    expect(expression && textOf(expression)).toBe(KEPT_TOPICS.join('|'));
    expect(expression?.namespaces.get('tns1')).toBe(ONVIF_TOPIC_NAMESPACE);
    expect(attribute(expression, 'Dialect')).toBe('http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet');
    expect(text(body, 'InitialTerminationTime')).toBe('PT120S');
    expect(descend(bodyOf({ operation: 'CreatePullPointSubscription' }), 'Filter')).toBeUndefined();
  });

  it('PullMessages defaults to a 10 s wait for up to 10 messages', () => {
    const body = bodyOf({ operation: 'PullMessages' });
    expect([text(body, 'Timeout'), text(body, 'MessageLimit')]).toEqual(['PT10S', '10']);
  });

  it('stamps the UsernameToken with the injected clock shifted by the device clock offset', () => {
    const offset = -((2 * 60 + 54) * 60 * 1000);
    const envelope = envelopeOf({ operation: 'GetProfiles' }, auth({ clockOffsetMs: offset }));
    const token = descend(envelope, 'Header', 'Security', 'UsernameToken');
    if (token === undefined) throw new Error('no UsernameToken');
    const created = '2024-05-01T09:06:00.000Z';
    expect(text(token, 'Created')).toBe(created);
    expect(text(token, 'Username')).toBe('operator');
    expect(text(token, 'Nonce')).toBe(base64(NONCE));
    expect(text(token, 'Password')).toBe(independentDigest(NONCE, created, 's3cr&t<pass>'));
    expect(attribute(descend(token, 'Password'), 'Type')).toBe(
      'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest',
    );
    expect(buildSoapRequest({ request: { operation: 'GetProfiles' }, usernameToken: auth() }).envelope).not.toContain('s3cr');
  });

  it('draws a fresh nonce for every request', () => {
    let counter = 0;
    const nonce = (): Uint8Array => utf8(`nonce-${++counter}`);
    const first = createUsernameToken(auth({ nonce }));
    const second = createUsernameToken(auth({ nonce }));
    expect(first.nonceBase64).not.toBe(second.nonceBase64);
    expect(first.passwordDigest).not.toBe(second.passwordDigest);
  });

  it('sends no Header without credentials (GetSystemDateAndTime is answered unauthenticated)', () => {
    const envelope = envelopeOf({ operation: 'GetSystemDateAndTime' }, null);
    expect(envelope.children.map((child) => child.localName)).toEqual(['Body']);
  });

  it('escapes any token so that it reads back unchanged', () => {
    // eslint-disable-next-line no-control-regex
    const controlCharacter = /[\u0000-\u001f\u007f]/;
    const tokenText = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 64 })
      .filter((value) => value.trim() !== '' && value.length <= 64 && !controlCharacter.test(value));
    fc.assert(
      fc.property(tokenText, tokenText, (profileToken, username) => {
        const envelope = envelopeOf({ operation: 'GotoPreset', profileToken, presetToken: profileToken }, auth({ username }));
        const body = envelope.children.find((child) => child.localName === 'Body')?.children[0];
        expect(body && descend(body, 'ProfileToken')?.text).toBe(profileToken);
        expect(descend(envelope, 'Header', 'Security', 'UsernameToken', 'Username')?.text).toBe(username);
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, () => unknown]>([
    ['pan beyond 1', () => buildSoapRequest({ request: { operation: 'AbsoluteMove', profileToken: 'main', position: { pan: 1.01, tilt: 0 } } })],
    ['tilt NaN', () => buildSoapRequest({ request: { operation: 'AbsoluteMove', profileToken: 'main', position: { pan: 0, tilt: NaN } } })],
    ['negative zoom', () => buildSoapRequest({ request: { operation: 'AbsoluteMove', profileToken: 'main', position: { pan: 0, tilt: 0, zoom: -0.1 } } })],
    ['speed above 1', () => buildSoapRequest({ request: { operation: 'GotoPreset', profileToken: 'main', presetToken: 'P1', speed: { zoom: 2 } } })],
    ['velocity beyond -1', () => buildSoapRequest({ request: { operation: 'ContinuousMove', profileToken: 'main', velocity: { pan: -2, tilt: 0 } } })],
    ['an empty profile token', () => buildSoapRequest({ request: { operation: 'GetStreamUri', profileToken: '' } })],
    ['a blank profile token', () => buildSoapRequest({ request: { operation: 'GetStreamUri', profileToken: '   ' } })],
    ['a 65-character token', () => buildSoapRequest({ request: { operation: 'GetSnapshotUri', profileToken: 'x'.repeat(65) } })],
    ['a token with a newline', () => buildSoapRequest({ request: { operation: 'GetStatus', profileToken: 'a\nb' } })],
    ['a duration that is not one', () => buildSoapRequest({ request: { operation: 'PullMessages', timeout: '10 seconds' } })],
    ['an empty duration', () => buildSoapRequest({ request: { operation: 'ContinuousMove', profileToken: 'm', velocity: { pan: 0, tilt: 0 }, timeout: 'PT' } })],
    ['message limit 0', () => buildSoapRequest({ request: { operation: 'PullMessages', messageLimit: 0 } })],
    ['message limit 2.5', () => buildSoapRequest({ request: { operation: 'PullMessages', messageLimit: 2.5 } })],
    ['an unknown category', () => buildSoapRequest({ request: { operation: 'GetCapabilities', category: 'Everything' as never } })],
    ['an empty topic filter', () => buildSoapRequest({ request: { operation: 'CreatePullPointSubscription', topicFilter: [] } })],
    ['a topic filter injecting XML', () => buildSoapRequest({ request: { operation: 'CreatePullPointSubscription', topicFilter: ['tns1:A</wsnt:TopicExpression>'] } })],
    ['an empty username', () => createUsernameToken(auth({ username: '' }))],
    ['an empty nonce', () => createUsernameToken(auth({ nonce: () => new Uint8Array(0) }))],
    ['an invalid clock', () => createUsernameToken(auth({ now: () => new Date('not a date') }))],
    ['an infinite clock offset', () => createUsernameToken(auth({ clockOffsetMs: Infinity }))],
  ])('refuses %s with OnvifError bad-input', (_label, build) => {
    expect(build).toThrow(OnvifError);
    try {
      build();
    } catch (error) {
      expect(error).toMatchObject({ code: 'bad-input' });
    }
  });
});

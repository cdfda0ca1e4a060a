import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { MAX_TOKEN_LENGTH, createLinkSigner } from '../../../subgraphs/community/createLinkSigner';
import { HOSTILE_SEED, hugeString, stringWithControl, stringWithOddUnicode } from '../../support/hostileInput';

const SECRET = 'a-link-secret-of-at-least-32-characters!';
let clock = new Date('2026-11-23T18:00:00.000Z');
const signer = createLinkSigner({ secret: SECRET, now: () => clock });
const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('createLinkSigner', () => {
  beforeEach(() => {
    clock = new Date('2026-11-23T18:00:00.000Z');
  });

  test('a link verifies with its claims until it expires, then is refused as expired', () => {
    const { url, expiresAt } = signer.sign('media', { cam: 'community:reg-1', w: 's0' }, 60_000);
    expect(url).toMatch(/^\/community\/media\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(expiresAt).toEqual(new Date('2026-11-23T18:01:00.000Z'));
    expect(signer.verify('media', tokenOf(url))).toEqual({ ok: true, claims: { cam: 'community:reg-1', w: 's0' } });
    clock = new Date('2026-11-23T18:00:59.999Z');
    expect(signer.verify('media', tokenOf(url)).ok).toBe(true);
    clock = new Date('2026-11-23T18:01:00.000Z');
    expect(signer.verify('media', tokenOf(url))).toEqual({ ok: false, reason: 'expired' });
  });

  test('each kind has its path, and a link of one kind is refused as another', () => {
    expect(signer.sign('upload', { r: '1' }, 1000).url).toMatch(/^\/community\/upload\//);
    expect(signer.sign('download', { r: '1' }, 1000).url).toMatch(/^\/community\/download\//);
    const media = tokenOf(signer.sign('media', { cam: 'c' }, 60_000).url);
    expect(signer.verify('download', media)).toEqual({ ok: false, reason: 'wrong-kind' });
    expect(signer.verify('upload', media)).toEqual({ ok: false, reason: 'wrong-kind' });
  });

  test('links are absolute under the public URL when one is set', () => {
    const absolute = createLinkSigner({ secret: SECRET, publicUrl: 'https://rtcc.example.gov', now: () => clock });
    expect(absolute.sign('media', {}, 1000).url).toMatch(/^https:\/\/rtcc\.example\.gov\/community\/media\//);
  });

  test('a tampered payload, a tampered signature, another secret\'s signature: bad-signature', () => {
    const token = tokenOf(signer.sign('media', { cam: 'community:reg-1', w: 's0' }, 60_000).url);
    const [payload = '', signature = ''] = token.split('.');
    // Another camera, with the original signature.
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('reg-1', 'reg-2')).toString('base64url');
    expect(signer.verify('media', `${forged}.${signature}`)).toEqual({ ok: false, reason: 'bad-signature' });
    // A later expiry, with the original signature.
    const later = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace(/"e":\d+/, '"e":9999999999999')).toString('base64url');
    expect(signer.verify('media', `${later}.${signature}`)).toEqual({ ok: false, reason: 'bad-signature' });
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(signer.verify('media', `${payload}.${flipped}`)).toEqual({ ok: false, reason: 'bad-signature' });
    const other = createLinkSigner({ secret: 'another-secret-of-at-least-32-characters', now: () => clock });
    expect(other.verify('media', token)).toEqual({ ok: false, reason: 'bad-signature' });
    // A signature of the right length for the payload under a key we do not use.
    const foreign = createHmac('sha256', 'x').update(payload).digest('base64url');
    expect(signer.verify('media', `${payload}.${foreign}`)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('without a configured secret each signer has its own random one', () => {
    const a = createLinkSigner({ now: () => clock });
    const b = createLinkSigner({ secret: null, now: () => clock });
    const token = tokenOf(a.sign('media', {}, 60_000).url);
    expect(a.verify('media', token).ok).toBe(true);
    expect(b.verify('media', token)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['two dots', 'a.b.c'],
    ['an empty half', 'abc.'],
    ['characters outside base64url', 'ab+c.de/f'],
    ['a path', '../../etc/passwd'],
    ['too long', `${'A'.repeat(MAX_TOKEN_LENGTH)}.AAAA`],
  ])('a malformed token (%s) is refused as malformed', (_, token) => {
    expect(signer.verify('media', token)).toEqual({ ok: false, reason: 'malformed' });
  });

  test('a correctly signed body of the wrong shape is refused as malformed, not thrown', () => {
    const sign = (body: string) => {
      const payload = Buffer.from(body).toString('base64url');
      return `${payload}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`;
    };
    for (const body of ['not json', '[]', 'null', '{"k":"media"}', '{"k":"media","e":"soon","c":{}}', '{"k":"media","e":1e400,"c":{}}', '{"k":"media","e":9e15,"c":{"a":1}}', '{"k":"media","e":9e15,"c":[]}']) {
      expect(signer.verify('media', sign(body))).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  test('property: hostile strings never verify and never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), stringWithControl, stringWithOddUnicode, hugeString, fc.base64String()), (token) => {
        expect(signer.verify('media', token).ok).toBe(false);
      }),
      { seed: HOSTILE_SEED, numRuns: 300 },
    );
  });
});

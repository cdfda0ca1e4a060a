import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EXPLORER_BUILD_DIR, buildExplorer } from '../../explorer/buildExplorer';
import { acceptsGzip } from '../../explorer/serveExplorer';
import { expectHubHealthy } from '../support/hostileInput';
import { expectRefusedWithoutLeaking, expectStalledDownloadsShareOneCopy, hostileAssetPaths, useBuiltAppHub } from './builtAppRoutes';
import { expectRefusedWithReason, rawRequest, sendRaw } from './rawHttp';

/**
 * The GraphQL explorer's routes on a running hub (`/graphiql`, `/graphiql/assets/*`) against
 * path, header and Accept-Encoding hostility and floods of stalled downloads.
 */

const FOREIGN_MARKERS = ['"devDependencies"', 'root:x:0:0', '"signingKey"', '"d":"'];

describe('hostile requests to the GraphQL explorer\'s routes', () => {
  const app = useBuiltAppHub(buildExplorer);
  const { get } = app;

  it('serves no file but the build\'s own: traversal, NUL, odd encodings and long names are refused with a reason', async () => {
    const paths = [
      ...hostileAssetPaths('/graphiql', 'explorer.js'),
      '/graphiql/assets/..%2F..%2F.rtcc%2Fdev-issuer-key.json',
      '/graphiql/assets/explorer.js%00.css',
      '/graphiql/assets/.js',
      '/graphiql/assets/..js',
      '/graphiql/assets/constructor.js',
      '/graphiql/assets/__proto__.css',
      '/graphiql/',
      '//graphiql',
      '/graphiql%00',
      '/graphiql/..',
      '/GRAPHIQL',
    ];
    await expectRefusedWithoutLeaking(app, paths, FOREIGN_MARKERS);
    expect((await get('/graphiql')).status).toBe(200);
  });

  it('serves the page whatever the query string carries, reflecting none of it', async () => {
    const page = await get('/graphiql');
    const junk = await get('/graphiql?query=%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E&%00=%ff&__proto__[x]=1&variables=' + '%7B'.repeat(1000), ['X-Forwarded-Host: evil.example']);
    expect(junk.status).toBe(200);
    expect(junk.body.equals(page.body)).toBe(true);
    expect(junk.body.toString()).not.toMatch(/alert|evil/);
  });

  it('answers odd methods and repeated headers with a reason', async () => {
    const cases: [string, Buffer][] = [
      ['POST to the page', rawRequest('POST /graphiql HTTP/1.1', ['Connection: close', 'Content-Type: application/json'], '{}')],
      ['DELETE of an asset', rawRequest('DELETE /graphiql/assets/explorer.js HTTP/1.1', ['Connection: close'])],
      ['a method HTTP does not define', rawRequest('SEARCH@ /graphiql HTTP/1.1', ['Connection: close'])],
      ['two Authorization headers', rawRequest('GET /graphiql HTTP/1.1', ['Connection: close', 'Authorization: Bearer a', 'Authorization: Bearer b'])],
      ['a NUL in Accept-Encoding', rawRequest('GET /graphiql/assets/explorer.css HTTP/1.1', ['Connection: close', 'Accept-Encoding: gzip\u0000'])],
    ];
    for (const [label, request] of cases) expectRefusedWithReason(label, await sendRaw(app.origin, request));
    await expectHubHealthy(app.hub);
  });

  it('compresses only when Accept-Encoding takes gzip, and sends the whole file whatever Range asks', async () => {
    const whole = readFileSync(join(EXPLORER_BUILD_DIR, 'explorer.css'));
    const cases: [string, boolean][] = [
      ['gzip', true],
      ['GZIP;q=0.5', true],
      ['br, gzip;q=1.0', true],
      ['*', true],
      ['gzip;q=0', false],
      ['gzip;q=0, *', false],
      ['*;q=0', false],
      ['identity', false],
      ['gzipx, xgzip', false],
      [';;;,,,;q=', false],
      ['gzip;q=abc', false],
      [Array.from({ length: 1500 }, (_, index) => `c${index}`).join(','), false],
      ['\u00ffgzip\u00fe', false],
    ];
    for (const [acceptEncoding, zipped] of cases) {
      expect({ acceptEncoding: acceptEncoding.slice(0, 30), zipped: acceptsGzip(acceptEncoding) }).toEqual({ acceptEncoding: acceptEncoding.slice(0, 30), zipped });
      const answer = await get('/graphiql/assets/explorer.css', [`Accept-Encoding: ${acceptEncoding}`, 'Range: bytes=0-0,5-9']);
      expect({ acceptEncoding: acceptEncoding.slice(0, 30), status: answer.status, encoding: answer.headers['content-encoding'] ?? null, ranges: answer.headers['accept-ranges'] }).toEqual({
        acceptEncoding: acceptEncoding.slice(0, 30),
        status: 200,
        encoding: zipped ? 'gzip' : null,
        ranges: 'none',
      });
      expect((zipped ? gunzipSync(answer.body) : answer.body).equals(whole)).toBe(true);
    }
  });

  it('keeps one copy of a bundle in memory however many downloads stall on it, and finishes every one', async () => {
    const size = statSync(join(EXPLORER_BUILD_DIR, 'explorer.js')).size;
    for (const acceptEncoding of ['identity', 'gzip']) {
      await expectStalledDownloadsShareOneCopy(app.origin, rawRequest('GET /graphiql/assets/explorer.js HTTP/1.1', ['Connection: close', `Accept-Encoding: ${acceptEncoding}`]), size);
    }
    await expectHubHealthy(app.hub);
  }, 120_000);
});

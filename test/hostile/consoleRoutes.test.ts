import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_BUILD_DIR, buildConsole } from '../../console/buildConsole';
import { expectHubHealthy } from '../support/hostileInput';
import { expectRefusedWithoutLeaking, expectStalledDownloadsShareOneCopy, hostileAssetPaths, useBuiltAppHub } from './builtAppRoutes';
import { expectRefusedWithReason, rawRequest, sendRaw } from './rawHttp';

/**
 * The operator console's routes on a running hub (`/`, `/console/assets/*`, `/console/config.json`,
 * `/console/basemap/style.json`) against path and header hostility and floods: nothing outside
 * the build's named assets is ever served, every refusal is a 4xx with a reason, and a flood of
 * downloads shares one copy of each asset in memory.
 */

/** Text of the repository's package.json and of the persisted-operation manifest: neither may leave the hub by these routes. */
const FOREIGN_MARKERS = ['"devDependencies"', 'apollo-persisted-query-manifest', 'root:x:0:0'];

describe('hostile requests to the operator console\'s routes', () => {
  const app = useBuiltAppHub(buildConsole);
  const { get } = app;

  it('serves no file but the named assets: traversal, NUL, odd encodings, prototype names and long paths are refused with a reason', async () => {
    const paths = [
      ...hostileAssetPaths('/console', 'console.css'),
      '/console/assets/%2E%2E/%2E%2E/package.json',
      '/console/assets/..\\..\\package.json',
      '/console/assets/..%c0%afpackage.json',
      '/console/assets/%2F%2Fetc%2Fpasswd',
      '/console/assets/console.js%00',
      '/console/assets/console.js%00.map',
      '/console/assets/%00',
      '/console/assets/.',
      '/console/assets/..',
      '/console/assets/constructor',
      '/console/assets/__proto__',
      '/console/assets/toString',
      '/console/assets/hasOwnProperty',
      '/console/assets/persisted-operations.json',
      '/console/persisted-operations.json',
      '/.rtcc/console/persisted-operations.json',
      '/console/assets/%ff',
      '/console/assets/%E0%A4%A',
      '//console/assets/console.css',
      '/console/./assets/console.css',
      '/console//assets/console.css',
      '/console/basemap/../../package.json',
      '/console/basemap/style.json/..',
      '/console/config.json%00',
      '/index.html',
    ];
    await expectRefusedWithoutLeaking(app, paths, FOREIGN_MARKERS);
    expect((await get('/console/assets/console.css')).status).toBe(200);
  });

  it('answers methods it does not serve, and malformed requests, with a reason', async () => {
    const cases: [string, string, (readonly string[])?][] = [
      ['BREW', 'BREW / HTTP/1.1'],
      ['PROPFIND', 'PROPFIND /console/assets/console.css HTTP/1.1'],
      ['DELETE', 'DELETE /console/config.json HTTP/1.1'],
      ['PUT', 'PUT /console/basemap/style.json HTTP/1.1', ['Content-Type: application/json', 'Content-Length: 2']],
      ['TRACE', 'TRACE / HTTP/1.1'],
      ['OPTIONS *', 'OPTIONS * HTTP/1.1'],
      ['CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1'],
      ['an absolute target with no host', 'GET http://[::1/console/config.json HTTP/1.1'],
      ['a control character in a header', 'GET / HTTP/1.1', ['Referer: x\u0007y']],
      ['two Host headers', 'GET / HTTP/1.1', ['Host: evil.example']],
      ['an HTTP version that does not exist', 'GET / HTTP/9.9'],
      ['16 KiB of headers', 'GET / HTTP/1.1', Array.from({ length: 400 }, (_, index) => `X-Junk-${index}: ${'j'.repeat(40)}`)],
    ];
    for (const [label, line, headers = []] of cases) {
      const request = line.startsWith('PUT') ? Buffer.concat([rawRequest(line, ['Connection: close', ...headers]), Buffer.from('{}')]) : rawRequest(line, ['Connection: close', ...headers]);
      expectRefusedWithReason(label, await sendRaw(app.origin, request));
    }
    await expectHubHealthy(app.hub);
  });

  it('serves its pages whatever junk the query string and headers carry, and reflects none of it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    const junk = '?%00=%ff&__proto__[admin]=1&constructor[prototype][x]=1&q=%3Cscript%3Ealert(1)%3C/script%3E&a=1&a=2';
    const junkPage = await get(`/${junk}`, ['Accept-Language: \u00ff\u00fe', 'X-Forwarded-Host: evil.example', 'Cookie: a=%00']);
    expect(junkPage.status).toBe(200);
    expect(junkPage.body.equals(page.body)).toBe(true);
    const settings = await get('/console/config.json');
    const junkSettings = await get(`/console/config.json${junk}`, ['X-Forwarded-Proto: gopher', 'X-Forwarded-Host: evil.example']);
    expect(junkSettings.status).toBe(200);
    expect(junkSettings.body.toString()).toBe(settings.body.toString());
    expect(junkSettings.body.toString()).not.toMatch(/evil\.example|<script|__proto__|\[admin\]|gopher/);
    const style = await get(`/console/basemap/style.json${junk}`);
    expect(style.status).toBe(200);
    expect(JSON.parse(style.body.toString()).version).toBe(8);
  });

  it('sends an asset whole whatever Range header asks, never in parts and never larger', async () => {
    const size = statSync(join(CONSOLE_BUILD_DIR, 'console.css')).size;
    const whole = readFileSync(join(CONSOLE_BUILD_DIR, 'console.css'));
    const ranges = [
      'bytes=0-0',
      'bytes=0-10,20-30',
      `bytes=${Array.from({ length: 1500 }, () => '0-').join(',')}`,
      'bytes=-1',
      'bytes=99999999999999999999999-',
      'bytes=10-5',
      'bytes=-0',
      'bytes=0-\u00ff',
      'lines=1-2',
      'bytes',
    ];
    for (const range of ranges) {
      const answer = await get('/console/assets/console.css', [`Range: ${range}`, 'If-Range: "x"']);
      expect({ range: range.slice(0, 40), status: answer.status, acceptRanges: answer.headers['accept-ranges'], length: answer.body.length }).toEqual({
        range: range.slice(0, 40),
        status: 200,
        acceptRanges: 'none',
        length: size,
      });
      expect(answer.body.equals(whole)).toBe(true);
    }
    const head = await sendRaw(app.origin, rawRequest('HEAD /console/assets/console.css HTTP/1.1', ['Connection: close', 'Range: bytes=0-0']));
    expect({ status: head.status, length: head.headers['content-length'], body: head.body.length }).toEqual({ status: 200, length: String(size), body: 0 });
  });

  it('keeps one copy of an asset in memory however many downloads stall on it, and finishes every one', async () => {
    const name = 'console.js.map';
    const size = statSync(join(CONSOLE_BUILD_DIR, name)).size;
    const first = await expectStalledDownloadsShareOneCopy(app.origin, rawRequest(`GET /console/assets/${name} HTTP/1.1`, ['Connection: close']), size);
    expect(first.body.length).toBe(size);
    await expectHubHealthy(app.hub);
  }, 120_000);

  it('answers 300 requests for the basemap style, the settings and the page at once, each whole', async () => {
    const paths = ['/console/basemap/style.json', '/console/config.json', '/'];
    const expected = await Promise.all(paths.map(async (path) => (await get(path)).body));
    const answers = await Promise.all(Array.from({ length: 300 }, (_, index) => get(paths[index % 3]!)));
    expect(answers.map((answer) => answer.status).filter((status) => status !== 200)).toEqual([]);
    expect(answers.filter((answer, index) => !answer.body.equals(expected[index % 3]!))).toHaveLength(0);
    await expectHubHealthy(app.hub);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { EXPLORER_SETTINGS_ID, type ExplorerSettings } from '../../explorer/app/explorerSettings';
import { serveExplorer } from '../../explorer/serveExplorer';

/** The settings the page carries, read back out of its HTML. */
const settingsIn = (html: string): ExplorerSettings => {
  const match = new RegExp(`<script id="${EXPLORER_SETTINGS_ID}" type="application/json">(.*?)</script>`).exec(html);
  if (!match?.[1]) throw new Error('the page has no settings script');
  return JSON.parse(match[1]) as ExplorerSettings;
};

describe('the explorer\'s routes', () => {
  let buildDir: string;
  const apps: FastifyInstance[] = [];
  const serve = async (devSignIn: boolean, dir = buildDir) => {
    const app = Fastify();
    serveExplorer({ devSignIn, buildDir: dir })(app);
    apps.push(app);
    return app;
  };
  beforeAll(() => {
    buildDir = mkdtempSync(join(tmpdir(), 'rtcc-explorer-build-'));
    writeFileSync(join(buildDir, 'explorer.js'), 'console.log("explorer");'.repeat(100));
    writeFileSync(join(buildDir, 'explorer.css'), 'body { margin: 0 }');
    writeFileSync(join(buildDir, 'secret.json'), '{"not":"served"}');
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    rmSync(buildDir, { recursive: true, force: true });
  });

  it('offers the development sign-in only when told the hub is its own issuer', async () => {
    const dev = await (await serve(true)).inject({ url: '/graphiql' });
    expect(dev.statusCode).toBe(200);
    expect(dev.headers['content-type']).toMatch(/text\/html/);
    expect(settingsIn(dev.body)).toEqual({ graphqlPath: '/graphql', assetsPath: '/graphiql/assets', devSignIn: { tokenPath: '/auth/dev/token', rolesPath: '/auth/dev/roles' } });
    const real = await (await serve(false)).inject({ url: '/graphiql' });
    expect(settingsIn(real.body).devSignIn).toBeNull();
  });

  it('loads nothing but the hub\'s own assets: no address in the page points elsewhere', async () => {
    const { body } = await (await serve(true)).inject({ url: '/graphiql' });
    expect(body.match(/(?:src|href)="[^"]*"/g)).toEqual(['href="/graphiql/assets/explorer.css"', 'src="/graphiql/assets/explorer.js"']);
  });

  it('serves the bundles, gzipped when the browser takes it', async () => {
    const app = await serve(true);
    const plain = await app.inject({ url: '/graphiql/assets/explorer.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toMatch(/text\/javascript/);
    const zipped = await app.inject({ url: '/graphiql/assets/explorer.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(plain.body);
  });

  it('serves no other file of the folder or of the machine', async () => {
    const app = await serve(true);
    for (const url of ['/graphiql/assets/secret.json', '/graphiql/assets/missing.js', '/graphiql/assets/..%2Fpackage.json', '/graphiql/assets/.hidden.js', '/graphiql/assets/%2E%2E']) {
      expect([url, (await app.inject({ url })).statusCode]).toEqual([url, 404]);
    }
  });

  it('says how to build the explorer when it is not built', async () => {
    const answer = await (await serve(true, join(buildDir, 'nothing-here'))).inject({ url: '/graphiql' });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toMatch(/npm run explorer:build/);
  });
});

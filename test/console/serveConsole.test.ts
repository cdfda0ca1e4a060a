import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { readHubConfig } from '../../config/hubConfig';
import { serveConsole } from '../../console/serveConsole';

describe('the console’s routes', () => {
  let app: FastifyInstance;
  let buildDir: string;
  const open = async (env: Record<string, string> = {}) => {
    app = Fastify();
    serveConsole({ config: readHubConfig({ AUTH_DEV_KEY_FILE: 'memory', ...env }), buildDir })(app);
    await app.ready();
    return app;
  };
  beforeAll(() => {
    buildDir = mkdtempSync(join(tmpdir(), 'rtcc-console-routes-'));
    writeFileSync(join(buildDir, 'console.js'), 'export {};');
  });
  afterEach(async () => app?.close());
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it('serves the page, which loads only from the hub', async () => {
    const page = await (await open()).inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const references = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference).toMatch(/^\/console\//);
  });

  it('serves the built bundle, and 503 with what to do for a missing build file, 404 for anything else', async () => {
    await open();
    const bundle = await app.inject({ method: 'GET', url: '/console/assets/console.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^text\/javascript/);
    expect(bundle.body).toBe('export {};');
    const missing = await app.inject({ method: 'GET', url: '/console/assets/console.css' });
    expect(missing.statusCode).toBe(503);
    expect(missing.body).toContain('npm run console:build');
    expect((await app.inject({ method: 'GET', url: '/console/assets/..%2Fpackage.json' })).statusCode).toBe(404);
  });

  it('tells the page its settings: docked cameras, radius, the hub’s basemap, development sign-in', async () => {
    await open({ CONSOLE_DOCKED_CAMERAS: '6', CONSOLE_CAMERA_RADIUS_METERS: '450' });
    const settings = (await app.inject({ method: 'GET', url: '/console/config.json' })).json();
    expect(settings).toMatchObject({
      graphqlPath: '/graphql',
      basemapStyleUrl: '/console/basemap/style.json',
      dockedCameras: 6,
      cameraRadiusMeters: 450,
      auth: { mode: 'development', devTokenPath: '/auth/dev/token', rolesClaim: 'roles' },
    });
    expect(settings.auth.roles).toEqual(expect.arrayContaining(['operator', 'partner', 'officer', 'supervisor']));
    const [west, south, east, north] = settings.bounds as number[];
    expect(west).toBeLessThan(east!);
    expect(south).toBeLessThan(north!);
  });

  it('points the map at an agency’s style when CONSOLE_BASEMAP_STYLE_URL says so, and signs in with OIDC under a real issuer', async () => {
    await open({ CONSOLE_BASEMAP_STYLE_URL: 'https://tiles.agency.example/style.json', AUTH_ISSUER: 'https://login.agency.example/', AUTH_JWKS_URL: 'https://login.agency.example/jwks' });
    const settings = (await app.inject({ method: 'GET', url: '/console/config.json' })).json();
    expect(settings.basemapStyleUrl).toBe('https://tiles.agency.example/style.json');
    expect(settings.auth).toEqual({ mode: 'oidc', issuer: 'https://login.agency.example/', clientId: 'rtcc-console', audience: 'rtcc-hub', rolesClaim: 'roles' });
  });

  it('serves the street grid as a MapLibre style that needs nothing from elsewhere (no tiles, glyphs or sprites)', async () => {
    await open();
    const style = (await app.inject({ method: 'GET', url: '/console/basemap/style.json' })).json();
    expect(style.version).toBe(8);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    for (const source of Object.values(style.sources) as { type: string; url?: string; tiles?: unknown }[]) {
      expect(source.type).toBe('geojson');
      expect(source.url).toBeUndefined();
      expect(source.tiles).toBeUndefined();
    }
    expect(style.sources.streets.data.features.length).toBeGreaterThan(10);
    expect(style.layers.every((layer: { type: string }) => layer.type !== 'symbol')).toBe(true);
  });
});

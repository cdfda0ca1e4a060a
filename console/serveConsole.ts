import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '../config/hubConfig';
import { createStreetGrid } from '../simulator/createStreetGrid';
import { ROLES, ROLE_SCOPES } from '../auth/roles';
import type { ConsoleSettings } from './app/consoleSettings';
import { CONSOLE_BUILD_DIR } from './buildConsole';
import { createBasemapStyle } from './createBasemapStyle';

export interface ServeConsoleOptions {
  readonly config: HubConfig;
  /** Where buildConsole put the bundle; default `.rtcc/console`. */
  readonly buildDir?: string;
}

/** The page: a shell the bundle fills; everything it loads comes from this hub. */
const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RTCC Hub — operator console</title>
<link rel="stylesheet" href="/console/assets/maplibre-gl.css">
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/console.js"></script>
</head>
<body>
<header class="top"><h1>RTCC Hub · operator console</h1><button type="button" id="footage-toggle" hidden></button><button type="button" id="community-toggle" hidden></button><button type="button" id="purpose" hidden></button><button type="button" id="sign-out" hidden>Sign out</button></header>
<main>
<div id="map" role="region" aria-label="Map of calls, incidents, units and cameras"><div id="offline-banner" role="status" hidden></div></div>
<aside aria-label="Active calls, incidents and details"><div id="layers"></div><div id="active-list"></div><section id="panel" aria-labelledby="panel-title" hidden></section><p id="community-status" role="status"></p><section id="community" aria-labelledby="community-title" hidden><h2 id="community-title" tabindex="-1"></h2><div id="community-body"></div></section></aside>
</main>
<div id="dialog"></div>
</body>
</html>
`;

/**
 * The owner pages (Community Connect, `/connect/`): a resident's own profile, cameras and footage
 * requests. Landmarks, a skip link and one polite status line; the bundle fills the sections.
 */
const CONNECT_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Community Connect — share your camera with the police, on your terms</title>
<link rel="stylesheet" href="/console/assets/maplibre-gl.css">
<link rel="stylesheet" href="/console/assets/connect.css">
<script type="module" src="/console/assets/connect.js"></script>
</head>
<body>
<a class="skip-link" href="#content">Skip to the content</a>
<header class="top"><h1>Community Connect</h1><button type="button" id="sign-out" hidden>Sign out</button></header>
<main id="content" tabindex="-1">
<p id="connect-status" role="status" aria-live="polite"></p>
<section id="welcome" aria-labelledby="welcome-title">
<h2 id="welcome-title">Share your camera with the police, on your terms</h2>
<p>Register a camera so that police know it is there and may ask you for footage, or integrate it to share live video when you choose: always, on a weekly schedule, only while your alarm is on, or never. You can withdraw at any time, and every access is recorded.</p>
</section>
<section id="profile" aria-labelledby="profile-title" hidden><h2 id="profile-title">My profile</h2><div id="profile-body"></div></section>
<section id="register" aria-labelledby="register-title" hidden><h2 id="register-title">Register a camera</h2><div id="register-body"></div></section>
<section id="cameras" aria-labelledby="cameras-title" hidden><h2 id="cameras-title">My cameras</h2><div id="cameras-body"></div></section>
<section id="alarm" aria-labelledby="alarm-title" hidden><h2 id="alarm-title">Alarm webhook</h2><div id="alarm-body"></div></section>
<section id="requests" aria-labelledby="requests-title" hidden><h2 id="requests-title">Footage requests</h2><div id="requests-body"></div></section>
</main>
<footer class="bottom"><p>Your contact details stay with the program: police see your camera's place and name, and reach you through it.</p></footer>
<div id="dialog"></div>
</body>
</html>
`;

const ASSETS: Readonly<Record<string, string>> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.js.map': 'application/json',
  'connect.js': 'text/javascript; charset=utf-8',
  'connect.js.map': 'application/json',
  'connect.css': 'text/css; charset=utf-8',
  'maplibre-gl-worker.mjs': 'text/javascript; charset=utf-8',
  'maplibre-gl.css': 'text/css; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** About 1 km: how far past the street grid the console still watches. */
const WATCHED_MARGIN_DEGREES = 0.01;

/** What the page needs to know before it signs in (`/console/config.json`). */
export function consoleSettingsOf(config: HubConfig): ConsoleSettings {
  const grid = createStreetGrid();
  const { west, south, east, north } = grid.bounds;
  return {
    // The watched area reaches a little past the outermost streets, where cameras stand on corners.
    graphqlPath: '/graphql',
    basemapStyleUrl: config.consoleBasemapStyleUrl === 'hub' ? '/console/basemap/style.json' : config.consoleBasemapStyleUrl,
    centre: grid.centre,
    bounds: [west - WATCHED_MARGIN_DEGREES, south - WATCHED_MARGIN_DEGREES, east + WATCHED_MARGIN_DEGREES, north + WATCHED_MARGIN_DEGREES],
    dockedCameras: config.consoleDockedCameras,
    cameraRadiusMeters: config.consoleCameraRadiusMeters,
    communityLinkTtlSeconds: config.communityLinkTtlSeconds,
    roleScopes: ROLE_SCOPES,
    auth: config.authIssuer
      ? { mode: 'oidc', issuer: config.authIssuer, clientId: config.consoleOidcClientId, audience: config.authAudience, rolesClaim: config.authRolesClaim }
      : { mode: 'development', devTokenPath: '/auth/dev/token', roles: ROLES, rolesClaim: config.authRolesClaim },
  };
}

/**
 * The operator console's routes, a fastify plugin for the gateway: `/` (the page), `/connect/`
 * (the camera owners' pages of Community Connect), the bundles
 * and style sheets under `/console/assets/`, `/console/config.json`, and the default basemap at
 * `/console/basemap/style.json`. The bundle is built by buildConsole before the hub listens.
 * Assets are sent whole (`accept-ranges: none`: a Range header is ignored, never answered in parts).
 */
export function serveConsole(options: ServeConsoleOptions): (app: FastifyInstance) => void {
  const { config, buildDir = CONSOLE_BUILD_DIR } = options;
  const settings = consoleSettingsOf(config);
  // Serialised once: the street grid's GeoJSON is the same for every request.
  const basemap = JSON.stringify(createBasemapStyle(createStreetGrid()));
  const readAsset = createAssetReader(buildDir);
  return (app) => {
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(INDEX_HTML));
    app.get('/connect/', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(CONNECT_HTML));
    app.get('/connect', async (_request, reply) => reply.redirect('/connect/', 308));
    app.get('/console/config.json', async () => settings);
    app.get('/console/basemap/style.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(basemap));
    app.get<{ Params: { name: string } }>('/console/assets/:name', async (request, reply) => {
      const { name } = request.params;
      const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
      if (!type) return reply.code(404).send({ error: 'not found' });
      let body: Buffer;
      try {
        body = await readAsset(name);
      } catch {
        return reply.code(503).type('text/plain').send('The console is not built: run `npm run console:build` (npm start builds it).');
      }
      return reply.type(type).header('cache-control', 'no-cache').header('accept-ranges', 'none').send(body);
    });
  };
}

/**
 * Reads a file of the build folder once and keeps it while the file stays the same (inode, size,
 * modification time: the build renames new files into place), so that any number of concurrent
 * downloads share one copy in memory. Read per request, a flood of downloads of the 6 MB source
 * map held one copy per download.
 */
function createAssetReader(buildDir: string): (name: string) => Promise<Buffer> {
  const files = new Map<string, { readonly version: string; readonly body: Promise<Buffer> }>();
  return async (name) => {
    const path = join(buildDir, name);
    const { ino, size, mtimeMs } = await stat(path);
    const version = `${ino}:${size}:${mtimeMs}`;
    const kept = files.get(name);
    if (kept?.version === version) return kept.body;
    const entry = { version, body: readFile(path) };
    // A failed read is not kept: the next request tries again.
    entry.body.catch(() => {
      if (files.get(name) === entry) files.delete(name);
    });
    files.set(name, entry);
    return entry.body;
  };
}

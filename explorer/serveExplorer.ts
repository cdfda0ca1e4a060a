import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { EXPLORER_SETTINGS_ID, type ExplorerSettings } from './app/explorerSettings';
import { EXPLORER_BUILD_DIR } from './buildExplorer';

export interface ServeExplorerOptions {
  /** Whether the hub is its own development issuer with its sign-in endpoint: the page then offers it. */
  readonly devSignIn: boolean;
  /** Where buildExplorer put the bundles; default `.rtcc/explorer`. */
  readonly buildDir?: string;
}

const ASSETS_PATH = '/graphiql/assets';
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
};
/** A file name of the build folder: no path, no leading dot. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const gzipped = promisify(gzip);

/**
 * Whether Accept-Encoding takes gzip (RFC 9110 §12.5.3): gzip named with a weight above 0, or
 * not named and `*` with a weight above 0. A header of junk takes nothing but the plain file.
 */
export function acceptsGzip(header: string | undefined): boolean {
  const weights = new Map<string, number>();
  for (const entry of (header ?? '').split(',')) {
    const [coding = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const weight = parameters.find((parameter) => parameter.startsWith('q='));
    weights.set(coding, weight === undefined ? 1 : Number(weight.slice(2)));
  }
  const gzipWeight = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0;
  return gzipWeight > 0;
}

/** The page: GraphiQL's bundle fills `#explorer`; its settings travel in the page, nothing else is asked before it runs. */
function explorerPage(settings: ExplorerSettings): string {
  // `<` escaped so that no value can close the script element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RTCC Hub — GraphQL explorer</title>
<link rel="stylesheet" href="${ASSETS_PATH}/explorer.css">
<script id="${EXPLORER_SETTINGS_ID}" type="application/json">${json}</script>
<script type="module" src="${ASSETS_PATH}/explorer.js"></script>
</head>
<body>
<div id="explorer"><noscript>The explorer needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/**
 * The explorer's routes, a fastify plugin for the gateway: `/graphiql` (the page) and its bundles
 * under `/graphiql/assets/` (gzipped when the browser takes it, kept in memory once read).
 * buildExplorer builds them before the hub starts (`npm start`); without them the page says so.
 */
export function serveExplorer(options: ServeExplorerOptions): (app: FastifyInstance) => void {
  const { devSignIn, buildDir = EXPLORER_BUILD_DIR } = options;
  const page = explorerPage({
    graphqlPath: '/graphql',
    assetsPath: ASSETS_PATH,
    devSignIn: devSignIn ? { tokenPath: '/auth/dev/token', rolesPath: '/auth/dev/roles' } : null,
  });
  const files = new Map<string, Promise<{ plain: Buffer; gzip: Buffer }>>();
  const read = (name: string) => {
    let file = files.get(name);
    if (!file) {
      file = readFile(join(buildDir, name)).then(async (plain) => ({ plain, gzip: await gzipped(plain) }));
      // A failed read is not remembered: the bundle may be built meanwhile.
      file.catch(() => files.delete(name));
      files.set(name, file);
    }
    return file;
  };
  return (app) => {
    app.get('/graphiql', async (_request, reply) => {
      if (!existsSync(join(buildDir, 'explorer.js'))) {
        return reply.code(503).type('text/plain; charset=utf-8').send('The explorer is not built: run `npm run explorer:build` (npm start builds it).\n');
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    });
    app.get<{ Params: { name: string } }>(`${ASSETS_PATH}/:name`, async (request, reply) => {
      const { name } = request.params;
      const type = CONTENT_TYPES[extname(name)];
      if (!type || !ASSET_NAME.test(name)) return reply.code(404).send({ error: 'not found' });
      let file;
      try {
        file = await read(name);
      } catch {
        return reply.code(404).send({ error: 'not found' });
      }
      const takesGzip = acceptsGzip(request.headers['accept-encoding']);
      // Sent whole: a Range header is ignored, never answered in parts.
      reply.type(type).header('cache-control', 'no-cache').header('vary', 'accept-encoding').header('accept-ranges', 'none');
      if (takesGzip) reply.header('content-encoding', 'gzip');
      return reply.send(takesGzip ? file.gzip : file.plain);
    });
  };
}

import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { CONSOLE_OPERATIONS } from './app/api/consoleOperations';

/** SHA-256 of a document's text, hex: the id the gateway's allow-list knows it by. */
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Where `npm start`, `npm run console:build` and the tests put the bundle (git-ignored). */
export const CONSOLE_BUILD_DIR = resolve(__dirname, '..', '.rtcc', 'console');

/** The manifest of the console's documents, in the build folder: PERSISTED_OPERATIONS_FILE takes it. */
export const CONSOLE_PERSISTED_OPERATIONS_FILE = join(CONSOLE_BUILD_DIR, 'persisted-operations.json');

/**
 * Bundles the console and the owner pages (ESM, minified, with source maps) from the hub's own node_modules into
 * `outDir`, beside MapLibre's worker and style sheet, and writes its persisted-operation
 * manifest (Apollo's format: id = SHA-256 of the body).
 */
export async function buildConsole(outDir: string = CONSOLE_BUILD_DIR): Promise<{ outDir: string; manifestFile: string }> {
  await mkdir(outDir, { recursive: true });
  // Built beside the folder and renamed into it file by file, so that a hub serving the folder
  // meanwhile (another test, a running hub) never sends a half-written bundle.
  const staging = await mkdtemp(`${outDir}-building-`);
  try {
    await buildInto(staging);
    for (const file of await readdir(staging)) await rename(join(staging, file), join(outDir, file));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { outDir, manifestFile: join(outDir, 'persisted-operations.json') };
}

async function buildInto(outDir: string): Promise<void> {
  await build({
    // The operator console and the owner pages (`/connect/`): two bundles, each whole.
    entryPoints: { console: join(__dirname, 'app', 'main.ts'), connect: join(__dirname, 'app', 'connect', 'main.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    logLevel: 'silent',
    tsconfig: join(__dirname, 'tsconfig.json'),
  });
  const maplibre = join(require.resolve('maplibre-gl/package.json'), '..', 'dist');
  await copyFile(join(maplibre, 'maplibre-gl-worker.mjs'), join(outDir, 'maplibre-gl-worker.mjs'));
  await copyFile(join(maplibre, 'maplibre-gl.css'), join(outDir, 'maplibre-gl.css'));
  await copyFile(join(__dirname, 'app', 'console.css'), join(outDir, 'console.css'));
  await copyFile(join(__dirname, 'app', 'connect', 'connect.css'), join(outDir, 'connect.css'));
  const manifestFile = join(outDir, 'persisted-operations.json');
  const operations = Object.entries(CONSOLE_OPERATIONS).map(([name, body]) => ({
    id: sha256Hex(body),
    name,
    type: body.startsWith('mutation') ? 'mutation' : body.startsWith('subscription') ? 'subscription' : 'query',
    body,
  }));
  await writeFile(manifestFile, `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`);
}

// `npm run console:build`
if (require.main === module) {
  buildConsole().then(
    ({ outDir }) => process.stdout.write(`console built in ${outDir}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

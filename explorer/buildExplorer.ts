import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

/** Where `npm start`, `npm run explorer:build` and the tests put the explorer's bundles (git-ignored). */
export const EXPLORER_BUILD_DIR = resolve(__dirname, '..', '.rtcc', 'explorer');

/** Monaco's web workers, by the file the page asks for (see app/setupMonacoWorkers.ts). */
const WORKERS: Readonly<Record<string, string>> = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};

/**
 * Bundles GraphiQL (with React, Monaco and its language services) from the hub's own
 * node_modules into `outDir`: `explorer.js` and `explorer.css`
 * (Monaco's icon font beside it), and Monaco's three workers as classic scripts. Nothing the
 * page loads comes from anywhere but the hub.
 */
export async function buildExplorer(outDir: string = EXPLORER_BUILD_DIR): Promise<{ outDir: string }> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const common: BuildOptions = {
    bundle: true,
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    outdir: outDir,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: { explorer: join(__dirname, 'app', 'main.ts') },
      format: 'esm',
      // One script and one style sheet: with code splitting esbuild would leave the CSS that
      // Monaco's lazily loaded modules import in chunk style sheets no page loads.
      assetNames: '[name]-[hash]',
      loader: { '.ttf': 'file' },
      tsconfig: join(__dirname, 'tsconfig.json'),
    }),
    build({ ...common, entryPoints: WORKERS, format: 'iife' }),
  ]);
  return { outDir };
}

// `npm run explorer:build`
if (require.main === module) {
  buildExplorer().then(
    ({ outDir }) => process.stdout.write(`explorer built in ${outDir}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { CONSOLE_OPERATIONS } from '../../console/app/api/consoleOperations';
import { buildConsole } from '../../console/buildConsole';
import { parsePersistedOperations, sha256Hex } from '../../gateway/limits/readPersistedOperations';
import { readApiSchema } from '../gateway/limits/limitsFixtures';

describe('the console’s documents', () => {
  it.each(Object.entries(CONSOLE_OPERATIONS))('%s is valid against the hub’s public schema and named for its key', (name, body) => {
    const document = parse(body);
    expect(validate(readApiSchema(), document).map((error) => error.message)).toEqual([]);
    expect(document.definitions).toHaveLength(1);
    expect(document.definitions[0]).toMatchObject({ kind: 'OperationDefinition', name: { value: name } });
  });

  it('are built into a manifest the hub takes as PERSISTED_OPERATIONS_FILE, with the bundle beside it', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'rtcc-console-build-'));
    try {
      const { manifestFile } = await buildConsole(outDir);
      const allowList = parsePersistedOperations(JSON.parse(readFileSync(manifestFile, 'utf8')));
      expect(allowList.size).toBe(Object.keys(CONSOLE_OPERATIONS).length);
      for (const body of Object.values(CONSOLE_OPERATIONS)) expect(allowList.allows(sha256Hex(body))).toBe(true);
      expect(allowList.allows(sha256Hex('{ __typename }'))).toBe(false);
      // The bundle and what it needs from MapLibre (its worker, its style sheet) are served from beside it.
      for (const file of ['console.js', 'console.js.map', 'maplibre-gl-worker.mjs', 'maplibre-gl.css', 'console.css']) {
        expect(readFileSync(join(outDir, file)).length).toBeGreaterThan(0);
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});

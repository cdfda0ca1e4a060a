import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The allow-list of persisted operations: the only documents the hub runs when it is set. */
export interface PersistedOperations {
  /** Listed operations. */
  readonly size: number;
  /** The document listed under `id` (its manifest id, or the SHA-256 of its text), if any. */
  bodyOf(id: string): string | undefined;
  /** Whether the document whose text has this SHA-256 (hex) is listed. */
  allows(documentSha256: string): boolean;
}

/** SHA-256 of a document's text (UTF-8), lower-case hex: the hash APQ clients send. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Reads an allow-list from JSON, in either shape:
 * - Apollo's persisted query manifest, `{"format": "apollo-persisted-query-manifest", "version": 1,
 *   "operations": [{"id": "<sha256 hex of body>", "body": "query …", "name": …, "type": …}]}`
 *   (`format` and `version` optional; an `id` other than the body's hash is kept as an alias);
 * - a map `{"<sha256 hex>": "query …"}`.
 * A document is allowed by the hash of its text, so a client sending it in full need not know
 * its id. Throws, naming the entry, on anything else.
 */
export function parsePersistedOperations(manifest: unknown): PersistedOperations {
  const byId = new Map<string, string>();
  const allowed = new Set<string>();
  const add = (id: string, body: unknown, where: string) => {
    if (typeof body !== 'string' || body.trim() === '') throw new Error(`${where}: body must be a non-empty string`);
    if (id.trim() === '') throw new Error(`${where}: id must be a non-empty string`);
    const hash = sha256Hex(body);
    allowed.add(hash);
    byId.set(hash, body);
    byId.set(id.toLowerCase(), body);
  };

  if (!isRecord(manifest)) throw new Error('A persisted-operation manifest must be a JSON object');
  if ('operations' in manifest) {
    const { operations } = manifest;
    if (!Array.isArray(operations)) throw new Error('"operations" must be an array');
    operations.forEach((entry: unknown, index) => {
      const where = `operations[${index}]`;
      if (!isRecord(entry) || typeof entry.id !== 'string') throw new Error(`${where}: must be an object with a string id and body`);
      add(entry.id, entry.body, where);
    });
  } else {
    for (const [id, body] of Object.entries(manifest)) add(id, body, JSON.stringify(id));
  }

  return {
    size: allowed.size,
    bodyOf: (id) => byId.get(id.toLowerCase()),
    allows: (documentSha256) => allowed.has(documentSha256.toLowerCase()),
  };
}

/** Reads and parses the allow-list file (PERSISTED_OPERATIONS_FILE); errors name the file. */
export async function readPersistedOperations(file: string): Promise<PersistedOperations> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read persisted operations from ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parsePersistedOperations(manifest);
  } catch (error) {
    throw new Error(`Persisted operations in ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePersistedOperations, readPersistedOperations, sha256Hex } from '../../../gateway/limits/readPersistedOperations';

const INCIDENT = 'query Incident($id: ID!) { incident(id: $id) { id number } }';
const UNITS = '{ units { edges { node { id callSign } } } }';

describe('persisted-operation allow-list', () => {
  it("reads Apollo's manifest: documents are allowed by their hash, and found by id", () => {
    const operations = parsePersistedOperations({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: sha256Hex(INCIDENT), name: 'Incident', type: 'query', body: INCIDENT },
        { id: 'units-v1', body: UNITS },
      ],
    });
    expect(operations.size).toBe(2);
    expect(operations.allows(sha256Hex(INCIDENT))).toBe(true);
    expect(operations.allows(sha256Hex(UNITS))).toBe(true);
    expect(operations.allows(sha256Hex('{ __typename }'))).toBe(false);
    expect(operations.bodyOf(sha256Hex(INCIDENT).toUpperCase())).toBe(INCIDENT);
    expect(operations.bodyOf('units-v1')).toBe(UNITS);
    expect(operations.bodyOf(sha256Hex(UNITS))).toBe(UNITS);
    expect(operations.bodyOf('nope')).toBeUndefined();
  });

  it('reads a map of hash to document', () => {
    const operations = parsePersistedOperations({ [sha256Hex(UNITS)]: UNITS });
    expect(operations.bodyOf(sha256Hex(UNITS))).toBe(UNITS);
    expect(operations.allows(sha256Hex(UNITS))).toBe(true);
  });

  it('refuses a malformed manifest, naming the entry', () => {
    expect(() => parsePersistedOperations([])).toThrow(/JSON object/);
    expect(() => parsePersistedOperations({ operations: {} })).toThrow(/must be an array/);
    expect(() => parsePersistedOperations({ operations: [{ id: 'a', body: UNITS }, { id: 'b' }] })).toThrow(/operations\[1\]: body/);
    expect(() => parsePersistedOperations({ abc: 42 })).toThrow(/"abc": body/);
  });

  it('reads the file, and names it when it cannot', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'rtcc-persisted-'));
    try {
      const file = join(directory, 'operations.json');
      await writeFile(file, JSON.stringify({ operations: [{ id: sha256Hex(UNITS), body: UNITS }] }));
      expect((await readPersistedOperations(file)).allows(sha256Hex(UNITS))).toBe(true);
      await writeFile(file, '{ not json');
      await expect(readPersistedOperations(file)).rejects.toThrow(file);
      await expect(readPersistedOperations(join(directory, 'missing.json'))).rejects.toThrow(/missing\.json/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

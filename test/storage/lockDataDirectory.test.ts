import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIRECTORY_LOCK_FILE, DataDirectoryInUseError, lockDataDirectory } from '../../storage/lockDataDirectory';

describe('lockDataDirectory: one process per embedded data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rtcc-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const lockFile = () => join(dir, DATA_DIRECTORY_LOCK_FILE);
  const writeLock = (holder: object) => writeFileSync(lockFile(), JSON.stringify(holder));

  it('refuses a live holder, naming it, and a second lock in the same process', () => {
    writeLock({ pid: 4242, host: hostname(), since: '2026-12-03T10:00:00.000Z' });
    let refusal: unknown;
    try {
      lockDataDirectory(dir, { pid: 1000, isAlive: (pid) => pid === 4242 });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirectoryInUseError);
    expect(refusal).toMatchObject({ code: 'DATA_DIRECTORY_IN_USE', holder: { pid: 4242 } });
    expect((refusal as Error).message).toMatch(/in use by process 4242 .*since 2026-12-03T10:00:00.000Z/);
    rmSync(lockFile());

    const lock = lockDataDirectory(dir);
    expect(() => lockDataDirectory(dir)).toThrow(DataDirectoryInUseError);
    lock.release();
    lockDataDirectory(dir).release();
  });

  it('takes over a lock whose process is gone (a crash), or that is unreadable, and releases only its own', () => {
    writeLock({ pid: 4242, host: hostname(), since: 'then' });
    const lock = lockDataDirectory(dir, { pid: 1000, isAlive: () => false });
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: 1000, host: hostname() });
    // Meanwhile someone else's lock replaced ours: releasing ours must leave theirs.
    writeLock({ pid: 2000, host: hostname(), since: 'now' });
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: 2000 });

    writeFileSync(lockFile(), '{"pid": 12');
    const again = lockDataDirectory(dir, { pid: 1001, isAlive: () => true });
    again.release();
    expect(() => readFileSync(lockFile())).toThrow(/ENOENT/);
  });

  it('takes over its own pid left by an earlier process (a restarted container), but not a lock of another host', () => {
    writeLock({ pid: 1, host: hostname(), since: 'before the restart' });
    lockDataDirectory(dir, { pid: 1, isAlive: () => true }).release();

    writeLock({ pid: 1, host: 'another-host', since: 'now' });
    expect(() => lockDataDirectory(dir, { pid: 1, isAlive: () => false })).toThrow(/in use by process 1 on another-host/);
  });
});

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { ErrorCode } from '../errors/hubErrors';

/** The lock file's name inside the data directory. */
export const DATA_DIRECTORY_LOCK_FILE = 'rtcc-hub.lock';

/** Who holds a data directory, as its lock file says. */
export interface DataDirectoryHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The data directory is held by another live process (PGlite is one process's at a time). */
export class DataDirectoryInUseError extends Error {
  readonly code: ErrorCode = 'DATA_DIRECTORY_IN_USE';

  constructor(
    readonly dataDir: string,
    readonly holder: DataDirectoryHolder,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}). ` +
        'PGlite serves one process at a time: stop that process first (npm start, audit:verify), or set PGLITE_DATA_DIR to another directory (or memory).',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

/** A held lock; `release` removes the lock file (once). */
export interface DataDirectoryLock {
  readonly path: string;
  release(): void;
}

/** Lock files this process holds: a second open of the same directory here is refused too. */
const heldHere = new Set<string>();

export interface LockDataDirectoryOptions {
  /** This process's id; injected by tests. */
  readonly pid?: number;
  /** Whether a process is alive; default: signal 0 (EPERM counts as alive). */
  readonly isAlive?: (pid: number) => boolean;
  readonly clock?: () => Date;
}

/**
 * Takes `<dataDir>/rtcc-hub.lock`, created exclusively (O_EXCL) so that two processes cannot
 * both hold it. A lock left by a process that is gone (killed, crashed) on this host is taken
 * over; one held by a live process, or written on another host (whose processes we cannot
 * see, e.g. a shared volume), is refused with {@link DataDirectoryInUseError}.
 */
export function lockDataDirectory(dataDir: string, options: LockDataDirectoryOptions = {}): DataDirectoryLock {
  const { pid = process.pid, isAlive = isProcessAlive, clock = () => new Date() } = options;
  const path = join(resolve(dataDir), DATA_DIRECTORY_LOCK_FILE);
  const host = hostname();
  const holder: DataDirectoryHolder = { pid, host, since: clock().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readHolder(path);
      if (heldHere.has(path)) throw new DataDirectoryInUseError(dataDir, current ?? holder);
      // Our own pid on a lock we do not hold is an earlier process's that had the same id (a
      // restarted container's pid 1); any other live pid holds it.
      if (current && (current.host !== host || (current.pid !== pid && isAlive(current.pid)))) {
        throw new DataDirectoryInUseError(dataDir, current);
      }
      // Left behind by a process that is gone (or unreadable, half-written): take it over.
      unlinkIfPresent(path);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(holder)}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(path);
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        heldHere.delete(path);
        // Only our own lock: never remove one that another process took over meanwhile.
        if (readHolder(path)?.pid === pid) unlinkIfPresent(path);
      },
    };
  }
  const current = readHolder(path);
  throw new DataDirectoryInUseError(dataDir, current ?? { pid: -1, host: 'unknown', since: 'unknown' });
}

function readHolder(path: string): DataDirectoryHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirectoryHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, since: typeof parsed.since === 'string' ? parsed.since : 'unknown' };
  } catch {
    return null;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

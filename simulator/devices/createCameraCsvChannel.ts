import { rename, writeFile } from 'node:fs/promises';
import { createExclusiveRunner } from './createExclusiveRunner';
import { type CameraRow, encodeCameraCsv } from './encodeCameraCsv';
import { type ProtocolFailureReporter } from './protocolFailure';

export interface CameraCsvChannel {
  /** Writes the inventory (coalesced: a write in progress is followed by one more with the latest rows). */
  write(cameras: () => readonly CameraRow[]): void;
  /** Writes again after a failed write (the next tick calls this). */
  retry(): void;
  idle(): Promise<void>;
  counts(): { readonly writes: number; readonly failed: number };
}

/**
 * Keeps a camera inventory CSV file current. Each version is written beside the file and
 * renamed over it, so that an importer watching the file never reads half of one.
 */
export function createCameraCsvChannel(path: string, report: ProtocolFailureReporter): CameraCsvChannel {
  let latest: (() => readonly CameraRow[]) | null = null;
  let writes = 0;
  let failed = 0;

  const runner = createExclusiveRunner(async () => {
    const rows = latest;
    latest = null;
    if (!rows) return true;
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, encodeCameraCsv(rows()), 'utf8');
      await rename(temporary, path);
      writes += 1;
      return true;
    } catch (error) {
      failed += 1;
      latest ??= rows; // written again on the next tick or change
      const detail = `${path}: ${error instanceof Error ? error.message : String(error)}`;
      report({ protocol: 'cameraCsv', reason: 'write-failed', detail });
      return false;
    }
  });

  return {
    write(cameras) {
      latest = cameras;
      runner.request();
    },
    retry() {
      if (latest) runner.request();
    },
    idle: () => runner.idle(),
    counts: () => ({ writes, failed }),
  };
}

import { type Stats } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { Adapter, AdapterStatus, CameraDiscovered, EventSink, Replayable, ReplayOrigin } from '../../contract';
import {
  type CameraCsvTranslation,
  type CameraDefaults,
  type ColumnMapping,
  DEFAULT_MAX_CAMERA_CSV_ROWS,
  fileStemOf,
  isFileRejection,
  translateCameraCsvInSlices,
} from '../camera-csv';
import { printableDetail } from '../textProblems';

/** Largest file read by default, in bytes: far above any city's camera list (Austin's 512 cameras: 150 KB). */
export const DEFAULT_MAX_CAMERA_CSV_FILE_BYTES = 16 * 1024 * 1024;

/** What the dead letter of a file refused for its size keeps: enough to tell which file it was. */
const OVERSIZE_RAW_KEPT = 16 * 1024;

/** A camera list with its own mapping or defaults (when its columns or program differ from the others'). */
export interface CameraCsvFile {
  readonly path: string;
  readonly mapping?: ColumnMapping;
  readonly defaults?: CameraDefaults;
}

export interface CameraCsvAdapterOptions {
  /** Adapter name; also the `source` of its events. Default `camera-csv`. */
  readonly name?: string;
  /** The lists to import, in order. Name them distinctly: a file's stem namespaces its camera ids. */
  readonly files: readonly (string | CameraCsvFile)[];
  readonly now: () => Date;
  /** How often the files are checked for changes. Default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Mapping for files that do not give their own; detected from each header when absent. */
  readonly mapping?: ColumnMapping;
  readonly defaults?: CameraDefaults;
  /** Rows read per file; the rest are one dead letter (`too-many-rows`). Default 50 000. */
  readonly maxRows?: number;
  /**
   * Largest file read, in bytes; a larger one is not imported and is one dead letter
   * (`file-too-large`, with its first 16 KiB). Default 16 MiB.
   */
  readonly maxFileBytes?: number;
}

export interface CameraCsvAdapter extends Adapter, Replayable {
  /**
   * Imports a dead letter again: its raw text is a header line and a row, as the adapter stored
   * it. The file it belongs to is `fileName` (a configured path, file name or stem) or else the
   * configured file whose header it repeats.
   */
  replay(raw: string, fileName?: string | ReplayOrigin): Promise<void>;
}

interface WatchedFile extends CameraCsvFile {
  /** Signature of the version last imported. */
  imported: string | null;
  /** Signature seen at the previous check. */
  seen: string | null;
  readable: boolean;
  /** The header row last read, to find a dead letter's file. */
  header: string | null;
}

/** Changes when the file is rewritten, replaced (new inode) or touched. */
const signatureOf = (stats: Stats): string => `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;

/**
 * Camera lists exported by a VMS as CSV files. On `start` every file is imported; after that the
 * files are polled (`stat`, which works on network shares and survives files replaced by rename,
 * unlike `fs.watch`) and a file that changed is imported again once it has stayed unchanged for
 * one interval, so that a file still being written is not read half-way. Re-importing emits
 * every row again: unchanged rows keep their event ids and change nothing downstream.
 *
 * A camera whose data changes and later changes back (ONLINE → OFFLINE → ONLINE) would get back
 * its first event id, which the bus's duplicate filter drops; so the adapter remembers the data
 * it last emitted per camera and gives a changed camera an id with a change count.
 *
 * Each rejected row is a dead letter whose raw text is the file's header line and the row, so
 * that {@link CameraCsvAdapter.replay} can read it on its own; a refused file (no usable
 * header) is a dead letter with the whole file. A missing or unreadable file makes the adapter
 * report itself disconnected until the file is back.
 */
export function createCameraCsvAdapter(options: CameraCsvAdapterOptions): CameraCsvAdapter {
  const { name = 'camera-csv', now, pollIntervalMs = 2000 } = options;
  const { maxRows = DEFAULT_MAX_CAMERA_CSV_ROWS, maxFileBytes = DEFAULT_MAX_CAMERA_CSV_FILE_BYTES } = options;
  const files: WatchedFile[] = options.files.map((file) => ({
    mapping: options.mapping,
    defaults: options.defaults,
    ...(typeof file === 'string' ? { path: file } : file),
    imported: null,
    seen: null,
    readable: false,
    header: null,
  }));
  let sink: EventSink | null = null;
  let timer: NodeJS.Timeout | null = null;
  /** Bumped by every start and stop, so that a poll still running from before a restart schedules nothing. */
  let generation = 0;
  let accepted = 0;
  let rejected = 0;
  let lastMessageAt: string | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  /** Per camera id: the translator's id for the data last emitted, and the id it went out under. */
  const emitted = new Map<string, { readonly contentId: string; readonly eventId: string; readonly changes: number }>();

  const eventIdOf = (event: CameraDiscovered): string => {
    const last = emitted.get(event.cameraId);
    if (last?.contentId === event.eventId) return last.eventId;
    const changes = last ? last.changes + 1 : 0;
    const eventId = changes === 0 ? event.eventId : `${event.eventId}~${changes}`;
    emitted.set(event.cameraId, { contentId: event.eventId, eventId, changes });
    return eventId;
  };

  /** Translates and delivers one text, after whatever is already under way. */
  const deliver = (file: WatchedFile, text: string): Promise<void> => {
    const target = sink;
    const run = queue.then(async () => {
      if (!target) return;
      // In slices: a long list must not keep the hub from answering while it is read.
      const translation = await translateCameraCsvInSlices(text, {
        source: name,
        fileName: file.path,
        now: now(),
        mapping: file.mapping,
        defaults: file.defaults,
        maxRows,
      });
      lastMessageAt = now().toISOString();
      await emitTranslation(target, translation, text);
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const emitTranslation = async (target: EventSink, translation: CameraCsvTranslation, text: string) => {
    // One row the sink cannot take costs none of the others; the first failure is reported after.
    let failure: unknown = null;
    const attempt = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        failure ??= error;
      }
    };
    for (const event of translation.events) {
      await attempt(async () => {
        await target.emit({ ...event, eventId: eventIdOf(event) });
        accepted += 1;
      });
    }
    for (const rejection of translation.rejections) {
      const raw = isFileRejection(rejection) || translation.header === null ? text : `${translation.header}\n${rejection.raw}`;
      const detail = printableDetail(`line ${rejection.line}: ${rejection.detail}`);
      await attempt(async () => {
        rejected += 1;
        await target.reject({ source: name, reason: rejection.reason, detail, raw, receivedAt: now().toISOString() });
      });
    }
    if (failure !== null) throw failure;
  };

  /** A file over `maxFileBytes`: not read whole, not imported; one dead letter says so. */
  const refuseOversize = (file: WatchedFile, size: number): Promise<void> => {
    const target = sink;
    const run = queue.then(async () => {
      if (!target) return;
      const head = await readHead(file.path, OVERSIZE_RAW_KEPT);
      rejected += 1;
      const detail = `${file.path} is ${size} bytes, over the ${maxFileBytes} read; nothing was imported (the dead letter keeps its first ${OVERSIZE_RAW_KEPT} bytes)`;
      await target.reject({ source: name, reason: 'file-too-large', detail: printableDetail(detail), raw: head, receivedAt: now().toISOString() });
    });
    queue = run.catch(() => undefined);
    return run;
  };

  /** Imports `file` if it changed; with `settle`, only once it has stayed unchanged since the last check. */
  const check = async (file: WatchedFile, settle: boolean): Promise<void> => {
    let signature: string;
    let size: number;
    try {
      const stats = await stat(file.path);
      if (!stats.isFile()) throw new Error(`${file.path} is not a file`);
      signature = signatureOf(stats);
      size = stats.size;
    } catch {
      file.readable = false;
      file.seen = null;
      return;
    }
    const previous = file.seen;
    file.seen = signature;
    if (signature === file.imported) {
      file.readable = true;
      return;
    }
    if (settle && signature !== previous) return;
    if (size > maxFileBytes) {
      file.readable = true;
      file.imported = signature;
      await refuseOversize(file, size);
      return;
    }
    let text: string;
    try {
      text = await readFile(file.path, 'utf8');
    } catch {
      file.readable = false;
      return;
    }
    file.readable = true;
    file.imported = signature;
    file.header = firstLineOf(text);
    await deliver(file, text);
  };

  const poll = async () => {
    for (const file of files) {
      if (!sink) return;
      await check(file, true);
    }
  };

  const schedule = (run: number) => {
    timer = setTimeout(() => {
      void poll()
        .catch(() => undefined)
        .finally(() => {
          if (run === generation) schedule(run);
        });
    }, pollIntervalMs);
    timer.unref();
  };

  /** The configured file a dead letter belongs to, or null when that cannot be told. */
  const fileForReplay = (raw: string, fileName?: string): WatchedFile | null => {
    if (fileName !== undefined) {
      const stem = fileStemOf(fileName);
      return files.find((file) => file.path === fileName || fileStemOf(file.path) === stem) ?? null;
    }
    const header = firstLineOf(raw);
    const matching = files.filter((file) => file.header === header);
    if (matching.length === 1) return matching[0] ?? null;
    return matching.length === 0 && files.length === 1 ? (files[0] ?? null) : null;
  };

  return {
    name,
    async start(target) {
      if (sink) throw new Error(`adapter ${name} is already started`);
      sink = target;
      const run = ++generation;
      for (const file of files) {
        file.imported = null;
        await check(file, false);
      }
      if (run === generation) schedule(run);
    },
    async stop() {
      sink = null;
      generation += 1;
      if (timer) clearTimeout(timer);
      timer = null;
      await queue;
    },
    status: (): AdapterStatus => ({
      name,
      connected: sink !== null && files.every((file) => file.readable),
      lastMessageAt,
      accepted,
      rejected,
    }),
    async replay(raw, named) {
      const target = sink;
      if (!target) return;
      // The ingest subgraph passes the dead letter's sender as the second argument: only a string names a file.
      const fileName = typeof named === 'string' ? named : undefined;
      const file = fileForReplay(raw, fileName);
      if (file) return deliver(file, raw);
      rejected += 1;
      const detail = fileName
        ? `no configured file is named ${JSON.stringify(fileName)}`
        : 'cannot tell which configured file this row belongs to: its header matches none, or several';
      await target.reject({ source: name, reason: 'unknown-file', detail: printableDetail(detail), raw, receivedAt: now().toISOString() });
    },
  };
}

/** The first `bytes` of a file as text (a split character at the end becomes U+FFFD). */
async function readHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function firstLineOf(text: string): string {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).find((line) => line.trim() !== '') ?? '';
}

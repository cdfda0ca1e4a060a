import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CameraCsvAdapter, createCameraCsvAdapter } from '../../../adapters/camera-csv-file';
import { createRecordingSink, defineAdapterConformanceSuite } from '../../../adapters/conformance';
import type { CameraDiscovered } from '../../../contract';
import {
  AUSTIN,
  CAMERA_REFERENCE_DIR,
  GENERIC_HEADER,
  GENERIC_ROWS,
  TRAFFORD_2018,
  TRAFFORD_2021,
  genericCsv,
} from '../camera-csv/cameraCsvFixtures';

const POLL_MS = 10;

/** A clock one second further on at every reading. */
function createTickingClock(start = '2026-11-23T22:10:00Z'): () => Date {
  let time = Date.parse(start);
  return () => new Date((time += 1000));
}

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Replaces the file as exporters should: write beside it, then rename over it. */
async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

const handled = (adapter: CameraCsvAdapter) => adapter.status().accepted + adapter.status().rejected;

/** One camera moving north a little with every export. */
const valid = [1, 2, 3, 4, 5].map((step) => genericCsv([`c1,Main & 1st,${40.7128 + step / 1000},-74.006,90,60,80,6,no,ONLINE,,,`]));
const invalid = [
  genericCsv(['c9,Nowhere,,,,,,,,,,,']),
  genericCsv(['c9,"Broken,40.7,-74.0,,,,,,,,,']),
  genericCsv(['c9,Nowhere,0,0,,,,,,,,,']),
  'name,notes\nfoo,bar\n',
  // What an attacker writes: a NUL in the id, a name of 70,000 characters, a bidi override, a password in the stream URL.
  genericCsv(['c\u00009,Nowhere,40.7,-74.0,,,,,,,,,']),
  genericCsv([`c9,${'N'.repeat(70_000)},40.7,-74.0,,,,,,,,,`]),
  genericCsv(['c9,Now\u202ehere,40.7,-74.0,,,,,,,,,']),
  genericCsv(['c9,Nowhere,40.7,-74.0,,,,,,,rtsp://admin:secret@10.0.0.9/live,,']),
];

defineAdapterConformanceSuite(
  'camera-csv (polled files)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camera-csv-'));
    const path = join(dir, 'city.csv');
    await writeFile(path, `${GENERIC_HEADER}\n`);
    const adapter = createCameraCsvAdapter({ files: [path], now: createTickingClock(), pollIntervalMs: POLL_MS });
    return {
      adapter,
      // The export lands in the file; the next one waits until the adapter has read it, as a VMS exporting every few minutes would.
      send: async (raw) => {
        const before = handled(adapter);
        await replaceFile(path, raw);
        if (adapter.status().connected) await waitFor(() => handled(adapter) > before);
      },
      valid,
      invalid,
      interrupt: () => rename(path, `${path}.away`),
      restore: () => rename(`${path}.away`, path),
      close: () => rm(dir, { recursive: true, force: true }),
    };
  },
  { reconnects: true },
);

describe('camera-csv adapter', () => {
  let adapter: CameraCsvAdapter | undefined;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camera-csv-'));
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the three reference exports on start, file by file and row by row', async () => {
    const files = [AUSTIN, TRAFFORD_2018, TRAFFORD_2021].map((name) => join(CAMERA_REFERENCE_DIR, name));
    adapter = createCameraCsvAdapter({ files, now: createTickingClock(), pollIntervalMs: 60_000 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(sink.rejections).toEqual([]);
    expect(sink.events).toHaveLength(512 + 98 + 99);
    const prefixes = (sink.events as CameraDiscovered[]).map((event) => event.cameraId.split(':')[0]);
    expect(prefixes.indexOf('trafford-cctv')).toBe(512);
    expect(prefixes.indexOf('trafford-cctv-2021')).toBe(512 + 98);
    expect((sink.events[0] as CameraDiscovered).cameraId).toBe('austin-traffic-cameras:134');
    expect(adapter.status()).toMatchObject({ name: 'camera-csv', connected: true, accepted: 709, rejected: 0 });
  });

  it('imports a file again when it changes: unchanged rows keep their ids, a changed row gets a new one', async () => {
    const path = join(dir, 'city.csv');
    await writeFile(path, genericCsv());
    adapter = createCameraCsvAdapter({ files: [path], now: createTickingClock(), pollIntervalMs: POLL_MS });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(sink.events).toHaveLength(3);
    const ids = () => sink.events.slice(-3).map((event) => event.eventId);
    const first = ids();

    const offline = GENERIC_ROWS.map((row, i) => (i === 0 ? row.replace('ONLINE', 'OFFLINE') : row));
    await replaceFile(path, genericCsv(offline));
    await sink.until((s) => s.events.length >= 6);
    const second = ids();
    expect(second[0]).not.toBe(first[0]);
    expect(second.slice(1)).toEqual(first.slice(1));
    expect((sink.events[3] as CameraDiscovered).status).toBe('OFFLINE');

    // Back ONLINE: the same data as the first import, but a new event, or a duplicate filter would drop it.
    await replaceFile(path, genericCsv());
    await sink.until((s) => s.events.length >= 9);
    const third = ids();
    expect((sink.events[6] as CameraDiscovered).status).toBe('ONLINE');
    expect(new Set([first[0], second[0], third[0]]).size).toBe(3);

    // The same export again, written in place: the same ids, so nothing changes downstream.
    await writeFile(path, genericCsv());
    await sink.until((s) => s.events.length >= 12);
    expect(ids()).toEqual(third);
    expect(sink.rejections).toEqual([]);
  });

  it('dead-letters a bad row with its header, and replays it once corrected', async () => {
    const path = join(dir, 'city.csv');
    const other = join(dir, 'county.csv');
    const bad = 'c4,Depot,40.72,-74.01,400,,,,,,,,';
    await writeFile(path, genericCsv([GENERIC_ROWS[0]!, bad]));
    await writeFile(other, 'camera_id,location,lon,lat\nk1,"Hall, Main St",-74.1,40.8\n');
    adapter = createCameraCsvAdapter({ files: [path, other], now: createTickingClock(), pollIntervalMs: 60_000 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(sink.events.map((event) => (event as CameraDiscovered).cameraId)).toEqual(['city:c1', 'county:k1']);
    expect(sink.rejections).toEqual([
      {
        source: 'camera-csv',
        reason: 'bad-heading',
        detail: expect.stringMatching(/^line 3: .*"400"/),
        raw: `${GENERIC_HEADER}\n${bad}`,
        receivedAt: expect.any(String),
      },
    ]);

    // The header tells which file the row came from, and so its camera id namespace.
    await adapter.replay(sink.rejections[0]!.raw.replace(',400,', ',40,'));
    expect(sink.events.at(-1)).toMatchObject({ cameraId: 'city:c4', headingDegrees: 40 });
    await adapter.replay('camera_id,location,lon,lat\nk2,Annex,-74.2,40.9', 'county.csv');
    expect(sink.events.at(-1)).toMatchObject({ cameraId: 'county:k2', location: { point: { lat: 40.9, lon: -74.2 } } });
    await adapter.replay('id,lat,lon\nz1,40.1,-74.1');
    expect(sink.rejections.at(-1)).toMatchObject({ reason: 'unknown-file', raw: 'id,lat,lon\nz1,40.1,-74.1' });
    expect(adapter.status()).toMatchObject({ accepted: 4, rejected: 2 });
  });

  it('dead-letters a file it cannot read as a whole, with the whole file', async () => {
    const path = join(dir, 'grid.csv');
    const csv = 'id,easting,northing\nc1,383000,398000\n';
    await writeFile(path, csv);
    adapter = createCameraCsvAdapter({ files: [path], now: createTickingClock(), pollIntervalMs: 60_000 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(sink.rejections.map(({ reason, raw }) => [reason, raw])).toEqual([['unrecognised-header', csv]]);
    // Replaying it with a fixed header imports it.
    await adapter.replay(csv.replace('easting,northing', 'lon,lat').replace('383000,398000', '-2.28,53.46'));
    expect(sink.events).toMatchObject([{ cameraId: 'grid:c1', location: { point: { lat: 53.46, lon: -2.28 } } }]);
  });

  it('reports a missing file as disconnected, and imports it when it appears', async () => {
    const path = join(dir, 'late.csv');
    adapter = createCameraCsvAdapter({ files: [path], now: createTickingClock(), pollIntervalMs: POLL_MS });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(adapter.status().connected).toBe(false);
    await replaceFile(path, genericCsv());
    await sink.until((s) => s.events.length >= 3);
    expect(adapter.status().connected).toBe(true);
    expect(adapter.status().lastMessageAt).not.toBeNull();
  });

  it('gives a file its own mapping and defaults', async () => {
    const path = join(dir, 'depot.csv');
    await writeFile(path, 'Cam,Y,X\nA-1,51.5,-0.12\n');
    adapter = createCameraCsvAdapter({
      files: [{ path, mapping: { id: 'Cam', lat: 'Y', lon: 'X' }, defaults: { cameraSource: 'COMMUNITY_REGISTERED', ptz: true } }],
      now: createTickingClock(),
      pollIntervalMs: 60_000,
    });
    const sink = createRecordingSink();
    await adapter.start(sink);
    expect(sink.events).toMatchObject([{ cameraId: 'depot:A-1', cameraSource: 'COMMUNITY_REGISTERED', ptz: true, name: 'A-1' }]);
  });
});

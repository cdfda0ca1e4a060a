import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { type CameraCsvAdapter, createCameraCsvAdapter } from '../../adapters/camera-csv-file';
import {
  HOSTILE_SEED,
  ODD_UNICODE,
  expectAuditChainIntact,
  expectHubHealthy,
  hugeString,
  stringWithControl,
  type DeadLetterNode,
  listDeadLetters,
} from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/**
 * A camera CSV export as a broken exporter or an attacker with write access to the share writes
 * it: generated bad rows among good ones, in files with a BOM, mixed line endings, truncated
 * ends. Every good camera is stored as written, every bad row is a dead letter with a reason,
 * the hub stays up and the chain verifies.
 */

const HEADER = 'id,name,address,lat,lon,heading,stream_url';
const STEM = 'hostile-cameras';

/** What a row should become: a stored camera, a dead letter, or either (odd but not wrong input). */
type Expectation = 'stored' | 'dead' | 'either';

interface Row {
  readonly line: string;
  readonly expect: Expectation;
  /** The camera id cell: every row's is unique in the run (a duplicate's repeats an earlier row's). */
  readonly id: string;
  /** The name the stored camera must have, when stored. */
  readonly name?: string;
  /** Text that a dead letter of this row carries in its raw payload. */
  readonly marker: string;
}

const csvCell = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function rowsArbitrary(tag: string): fc.Arbitrary<Row[]> {
  let serial = 0;
  // Delimited, so that no id is part of another (`r1n1z` is not in `r1n10z`).
  const nextId = () => `${tag}n${(serial += 1)}z`;
  const row = (cells: { id?: string; name?: string; address?: string; lat?: string; lon?: string; heading?: string; stream?: string }, expect: Expectation): Row => {
    const id = cells.id ?? nextId();
    const name = cells.name ?? `Camera ${id}`;
    const line = [
      csvCell(id),
      csvCell(name),
      csvCell(cells.address ?? '1 Main St'),
      cells.lat ?? '33.4152',
      cells.lon ?? '-111.8315',
      cells.heading ?? '90',
      cells.stream ?? `rtsp://10.0.0.9/${encodeURIComponent(id)}`,
    ].join(',');
    // The name as the file holds it: an unpaired surrogate cannot be written in UTF-8 and reads back as U+FFFD.
    return { line, expect, id, name: Buffer.from(name, 'utf8').toString('utf8'), marker: id };
  };
  const good = fc.constant(null).map(() => row({}, 'stored'));
  // A line break or tab in a (quoted) name reads as a space; any other control character refuses the row.
  const badCell = (field: 'name' | 'address') =>
    stringWithControl.filter((text) => /(?![\t\n\r])\p{Cc}/u.test(text)).map((text) => row({ [field]: `x${text}` }, 'dead'));
  const bad: fc.Arbitrary<Row>[] = [
    stringWithControl.map((text) => {
      const id = nextId();
      return { ...row({ id: `${id}${text.replace(/[",\r\n]/g, '')}\u0001` }, 'dead'), marker: id };
    }),
    badCell('name'),
    badCell('address'),
    hugeString.map((huge) => row({ name: huge.slice(0, 70_000) }, 'dead')),
    fc.constantFrom(['91', '-111.8'], ['33.4', '181'], ['NaN', '-111.8'], ['1e400', '0'], ['', '-111.8'], ['0', '0'], ['33,4', '-111.8']).map(([lat, lon]) =>
      row({ lat: lat!, lon: lon! }, 'dead'),
    ),
    fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'rtsp://admin:secret@10.0.0.9/live', 'http://[bad').map((stream) => row({ stream }, 'dead')),
    // An unbalanced quote: the row cannot be read; the rows after it still are.
    fc.constant(null).map(() => {
      const id = nextId();
      return { line: `${id},"Camera ${id},1 Main St,33.4152,-111.8315,90,rtsp://10.0.0.9/${id}`, expect: 'dead', id, marker: id } satisfies Row;
    }),
    // A row with a cell too many or too few.
    fc.boolean().map((more) => {
      const base = row({}, 'dead');
      return { ...base, line: more ? `${base.line},extra` : base.line.split(',').slice(0, -1).join(',') };
    }),
  ];
  const odd = fc.constantFrom(...ODD_UNICODE.filter((text) => !text.includes('\u0000'))).map((text) => row({ name: `Cam ${text} corner` }, 'either'));
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: good }, ...bad, odd), { minLength: 3, maxLength: 16 })
    .chain((rows) => {
      // A duplicate of a good row's id, later in the file.
      const firstGood = rows.find((candidate) => candidate.expect === 'stored');
      return fc.boolean().map((duplicate) => {
        if (!duplicate || firstGood === undefined) return rows;
        const copy = row({ id: firstGood.id, name: 'Second row, same id' }, 'dead');
        return [...rows, { ...copy, marker: 'Second row, same id' }];
      });
    });
}

interface FileShape {
  readonly bom: boolean;
  /** Line ending after each line, cycled. */
  readonly endings: readonly string[];
  /** Cut the file's last line short, as an exporter that died half-way does. */
  readonly truncate: boolean;
}

const fileShape: fc.Arbitrary<FileShape> = fc.record({
  bom: fc.boolean(),
  endings: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
  truncate: fc.boolean(),
});

/** The file's text, and the rows as they may be read after its shape (a truncated last row may be either). */
function render(rows: readonly Row[], shape: FileShape): { text: string; rows: Row[] } {
  const lines = [HEADER, ...rows.map((candidate) => candidate.line)];
  let text = (shape.bom ? '\ufeff' : '') + lines.map((line, i) => `${line}${shape.endings[i % shape.endings.length]}`).join('');
  const read = [...rows];
  const last = read[read.length - 1];
  if (shape.truncate && last !== undefined) {
    // Cut inside the last row, after its id (so that the cut row still names itself).
    const cut = text.length - Math.max(1, Math.floor((last.line.length - last.id.length) / 2));
    text = text.slice(0, cut);
    // A cut row may still be a camera, with cut values: it is either, and its name is not checked.
    read[read.length - 1] = { ...last, expect: last.expect === 'dead' ? 'dead' : 'either', name: undefined };
  }
  return { text, rows: read };
}

describe.each(STORAGE_TARGETS)('camera CSV files under hostile input ($name)', (target) => {
  let directory: string;
  let path: string;
  let cappedPath: string;
  let adapter: CameraCsvAdapter;
  let capped: CameraCsvAdapter;
  let hub: TestHub;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'hostile-csv-'));
    path = join(directory, `${STEM}.csv`);
    writeFileSync(path, `${HEADER}\n`);
    cappedPath = join(directory, 'capped.csv');
    writeFileSync(cappedPath, `${HEADER}\n`);
    adapter = createCameraCsvAdapter({ files: [path], now: () => new Date(), pollIntervalMs: 20 });
    // Small caps, so that reaching them costs little.
    capped = createCameraCsvAdapter({ name: 'camera-csv-capped', files: [cappedPath], now: () => new Date(), pollIntervalMs: 20, maxRows: 5, maxFileBytes: 4096 });
    hub = await startTestHub(target, { adapters: [adapter, capped] });
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const deadLetters = (source = 'camera-csv'): Promise<DeadLetterNode[]> => listDeadLetters(hub, source);

  /** The stored cameras among these ids (the file's own ids), by id, asked through the gateway. */
  const storedCameras = async (ids: readonly string[], stem = STEM): Promise<Map<string, { name: string; lat: number }>> => {
    const found = new Map<string, { name: string; lat: number }>();
    for (let start = 0; start < ids.length; start += 20) {
      const chunk = ids.slice(start, start + 20);
      const query = `query (${chunk.map((_, i) => `$id${i}: ID!`).join(', ')}) { ${chunk.map((_, i) => `c${i}: camera(id: $id${i}) { id name location { point { lat } } }`).join(' ')} }`;
      const body = await hub.query<Record<string, { id: string; name: string; location: { point: { lat: number } } } | null>>(
        query,
        Object.fromEntries(chunk.map((id, i) => [`id${i}`, `${stem}:${id}`])),
      );
      expect(body.errors).toBeUndefined();
      for (const camera of Object.values(body.data ?? {})) {
        if (camera) found.set(camera.id.slice(stem.length + 1), { name: camera.name, lat: camera.location.point.lat });
      }
    }
    return found;
  };

  /**
   * Writes a file version ending in a sentinel camera and a sentinel bad row, and waits until
   * both are in: the adapter emits a file's cameras, then its rejections, each in file order.
   */
  const importFile = async (text: string, tag: string): Promise<void> => {
    const sentinel = `${tag}-sentinel`;
    const ending = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
    const complete = /[\r\n]$/.test(text) ? text : `${text}${ending}`;
    const lastBad = `${tag}-last-bad`;
    writeFileSync(path, `${complete}${sentinel},Sentinel,1 Main St,33.4,-111.8,0,rtsp://10.0.0.9/s${ending}${lastBad},Bad,1 Main St,91,0,0,${ending}`);
    await eventually(async () => (await storedCameras([sentinel])).has(sentinel), 20_000, `sentinel camera ${sentinel} stored`);
    await eventually(async () => (await deadLetters()).some((letter) => letter.raw.includes(lastBad)), 20_000, `sentinel row ${lastBad} a dead letter`);
  };

  it('stores every valid camera as written and keeps every bad row as a dead letter with a reason', async () => {
    let run = 0;
    const seen = { stored: 0, dead: 0, either: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => fc.tuple(rowsArbitrary(`r${(run += 1)}`), fileShape)),
        async ([generated, shape]) => {
          const { text, rows } = render(generated, shape);
          const before = (await deadLetters()).length;
          await importFile(text, `s${run}`);
          const letters = (await deadLetters()).slice(before).filter((letter) => !letter.raw.includes(`s${run}-last-bad`));
          // Ids with control characters cannot even be asked for (the gateway refuses them): never stored either.
          const stored = await storedCameras([...new Set(rows.map((candidate) => candidate.id))].filter((id) => !/\p{Cc}/u.test(id)));
          for (const candidate of rows) seen[candidate.expect] += 1;

          for (const letter of letters) {
            expect(letter.reason).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(letter.detail).not.toBe('');
            // A dead letter holds bad rows only, never a good one with them.
            expect(rows.some((candidate) => candidate.expect !== 'stored' && letter.raw.includes(candidate.marker))).toBe(true);
          }
          for (const candidate of rows) {
            const camera = stored.get(candidate.id);
            if (candidate.expect === 'stored') expect(camera).toMatchObject({ name: candidate.name, lat: 33.4152 });
            const dead = letters.some((letter) => letter.raw.includes(candidate.marker));
            if (candidate.expect === 'dead') expect({ row: candidate.line.slice(0, 100), dead }).toEqual({ row: candidate.line.slice(0, 100), dead: true });
            // An odd row is a camera with exactly the name it was written with, or a dead letter.
            if (candidate.expect === 'either' && !dead && candidate.name !== undefined && candidate.marker === candidate.id) {
              expect(camera?.name).toBe(candidate.name);
            }
          }
        },
      ),
      { seed: HOSTILE_SEED, numRuns: 12, endOnFailure: true },
    );
    expect(seen.stored).toBeGreaterThan(20);
    expect(seen.dead).toBeGreaterThan(30);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });

  it('reads at most maxRows rows (the rest one replayable dead letter), refuses a file over maxFileBytes unread, and keeps a NUL exactly', async () => {
    const replay = async (id: string) => {
      const body = await hub.query<{ replayDeadLetter: { outcome: string } }>('mutation ($id: ID!) { replayDeadLetter(id: $id) { outcome } }', { id });
      expect(body.errors).toBeUndefined();
    };
    const goodLine = (id: string) => `${id},Camera ${id},1 Main St,33.4152,-111.8315,90,rtsp://10.0.0.9/${id}`;
    const ids = Array.from({ length: 8 }, (_, i) => `cap${i}`);
    writeFileSync(cappedPath, [HEADER, ...ids.map(goodLine), ''].join('\n'));
    await eventually(async () => (await deadLetters('camera-csv-capped')).length === 1, 20_000, 'the rows beyond the cap a dead letter');
    const [beyond] = await deadLetters('camera-csv-capped');
    expect(beyond).toMatchObject({ reason: 'too-many-rows' });
    expect(beyond!.raw.split('\n')).toEqual([HEADER, ...ids.slice(5).map(goodLine)]);
    expect([...(await storedCameras(ids, 'capped')).keys()].sort()).toEqual(ids.slice(0, 5));
    await replay(beyond!.id);
    await eventually(async () => (await storedCameras(ids, 'capped')).size === 8, 20_000, 'the rows beyond the cap replayed');

    // A NUL in a name: the dead letter keeps it exactly, and replayed it is refused again.
    writeFileSync(cappedPath, [HEADER, `nul1,Cam\u0000era,1 Main St,33.4152,-111.8315,90,rtsp://10.0.0.9/nul1`, ''].join('\n'));
    await eventually(async () => (await deadLetters('camera-csv-capped')).length === 2, 20_000, 'the NUL row a dead letter');
    const nul = (await deadLetters('camera-csv-capped'))[1]!;
    expect(nul).toMatchObject({ reason: 'bad-name' });
    expect(nul.raw).toContain('Cam\u0000era');
    await replay(nul.id);
    await eventually(async () => (await deadLetters('camera-csv-capped')).length === 3, 20_000, 'the replayed NUL row refused again');
    expect((await deadLetters('camera-csv-capped'))[2]).toMatchObject({ reason: 'bad-name', raw: nul.raw });
    expect((await storedCameras(['nul1'], 'capped')).size).toBe(0);

    // Over maxFileBytes: not imported, one dead letter with the file's head.
    writeFileSync(cappedPath, [HEADER, ...Array.from({ length: 100 }, (_, i) => goodLine(`big${i}`)), ''].join('\n'));
    await eventually(async () => (await deadLetters('camera-csv-capped')).length === 4, 20_000, 'the oversized file a dead letter');
    const big = (await deadLetters('camera-csv-capped'))[3]!;
    expect(big).toMatchObject({ reason: 'file-too-large' });
    expect(big.detail).toMatch(/over the 4096 read; nothing was imported/);
    expect(big.raw.startsWith(`${HEADER}\n${goodLine('big0')}`)).toBe(true);
    expect((await storedCameras(['big0', 'big99'], 'capped')).size).toBe(0);
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);
  });
});

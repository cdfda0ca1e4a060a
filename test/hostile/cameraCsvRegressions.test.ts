import { translateCameraCsv, translateCameraCsvInSlices } from '../../adapters/camera-csv';

/** Regressions of the holes the camera CSV hostile-input suite found, one by one. */

const HEADER = 'id,name,address,lat,lon,stream_url,snapshot_url';
const translate = (row: string, maxRows?: number) =>
  translateCameraCsv(`${HEADER}\n${row}\n`, { source: 'camera-csv', fileName: 'city.csv', now: new Date('2026-11-23T22:10:00Z'), ...(maxRows ? { maxRows } : {}) });

describe('camera CSV translation: what used to get through', () => {
  it.each([
    ['a name of 70,000 characters', `c1,${'é'.repeat(70_000)},1 Main St,33.4,-111.8,,`, 'bad-name'],
    ['a control character in the name', 'c1,Cam\u0007era,1 Main St,33.4,-111.8,,', 'bad-name'],
    ['a bidi override in the name', 'c1,Cam \u202eera,1 Main St,33.4,-111.8,,', 'bad-name'],
    ['a NUL in the address', 'c1,Camera,1 Main\u0000St,33.4,-111.8,,', 'bad-address'],
    ['an address of 5,000 characters', `c1,Camera,${'x'.repeat(5000)},33.4,-111.8,,`, 'bad-address'],
    ['a zero-width space in the id', 'c\u200b1,Camera,1 Main St,33.4,-111.8,,', 'bad-id'],
    ['credentials in the stream URL', 'c1,Camera,1 Main St,33.4,-111.8,rtsp://admin:secret@10.0.0.9/live,', 'bad-stream-url'],
    ['a stream URL of 5,000 characters', `c1,Camera,1 Main St,33.4,-111.8,rtsp://10.0.0.9/${'a'.repeat(5000)},`, 'bad-stream-url'],
    ['credentials in the snapshot URL', 'c1,Camera,1 Main St,33.4,-111.8,,http://admin:secret@10.0.0.9/snap.jpg', 'bad-snapshot-url'],
  ])('%s is refused', (_label, row, reason) => {
    const translation = translate(row);
    expect(translation.events).toEqual([]);
    expect(translation.rejections).toMatchObject([{ reason, line: 2 }]);
  });

  it('reads a quoted name over two lines as one line', () => {
    expect(translate('c1,"Main & 4th\nnorth-west corner",1 Main St,33.4,-111.8,,').events[0]?.name).toBe('Main & 4th north-west corner');
  });

  it('reads at most maxRows rows; the rest are one rejection holding them all', () => {
    const rows = Array.from({ length: 5 }, (_, i) => `c${i},Camera ${i},1 Main St,33.4,-111.8,,`);
    const translation = translate(rows.join('\n'), 3);
    expect(translation.events.map((event) => event.cameraId)).toEqual(['city:c0', 'city:c1', 'city:c2']);
    expect(translation.rejections).toEqual([{ reason: 'too-many-rows', detail: expect.stringContaining('at most 3'), line: 5, raw: rows.slice(3).join('\n') }]);
  });

  it('reads a long list in slices, giving the event loop back, with the same result as in one go', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `c${i},Camera ${i},1 Main St,33.4,-111.8,,`);
    // A quoted name over two lines, across the reader's first slice boundary (line 2000), and a stray quote after it.
    rows[1997] = 'c1997,"Main & 4th\nnorth-west corner",1 Main St,33.4,-111.8,,';
    rows[3000] = 'c3000,"Broken,1 Main St,33.4,-111.8,,';
    const csv = `${HEADER}\n${rows.join('\n')}\n`;
    const options = { source: 'camera-csv', fileName: 'city.csv', now: new Date('2026-11-23T22:10:00Z') };
    let turns = 0;
    let done = false;
    const tick = () => {
      turns += 1;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const sliced = await translateCameraCsvInSlices(csv, options);
    done = true;
    expect(turns).toBeGreaterThan(10);
    expect(sliced).toEqual(translateCameraCsv(csv, options));
    expect(sliced.events).toHaveLength(5999);
    expect(sliced.events.find((event) => event.cameraId === 'city:c1997')?.name).toBe('Main & 4th north-west corner');
    expect(sliced.rejections).toMatchObject([{ reason: 'malformed-row', line: 3003 }]);
  });
});

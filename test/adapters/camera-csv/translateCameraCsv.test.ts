import {
  type CameraCsvTranslation,
  type ColumnMapping,
  detectColumnMapping,
  translateCameraCsv,
} from '../../../adapters/camera-csv';
import type { CameraDiscovered } from '../../../contract';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import {
  AUSTIN,
  GENERIC_HEADER,
  GENERIC_ROWS,
  TRAFFORD_2018,
  TRAFFORD_2021,
  genericCsv,
  options,
  readReferenceCsv,
} from './cameraCsvFixtures';

const translateReference = (name: string) => translateCameraCsv(readReferenceCsv(name), options(name));
const byId = (translation: CameraCsvTranslation, cameraId: string): CameraDiscovered => {
  const event = translation.events.find((candidate) => candidate.cameraId === cameraId);
  if (!event) throw new Error(`no camera ${cameraId}`);
  return event;
};
const countBy = <T>(items: readonly T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});

function expectValidEvents({ events }: CameraCsvTranslation): void {
  for (const event of events) {
    const verdict = validateDomainEvent(event);
    expect(verdict.ok ? 'valid' : verdict.detail).toBe('valid');
  }
  expect(new Set(events.map((event) => event.cameraId)).size).toBe(events.length);
  expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
}

describe('translateCameraCsv on the reference exports', () => {
  it('imports all 512 Austin cameras: REMOVED and VOID as OFFLINE, DESIRED as UNKNOWN, IP Comm Status for the rest', () => {
    const austin = translateReference(AUSTIN);
    expect(austin.rejections).toEqual([]);
    expect(austin.events).toHaveLength(512);
    expectValidEvents(austin);
    expect(austin.mapping).toEqual({
      id: 'Camera ID',
      name: 'Location Name',
      lat: 'Latitude',
      lon: 'Longitude',
      status: 'Camera Status',
      connectivity: 'IP Comm Status',
      snapshotUrl: 'Screenshot Address',
    });
    // TURNED_ON 413 (371 ONLINE, 42 OFFLINE by IP Comm Status), DESIRED 95, REMOVED 3 and VOID 1.
    expect(countBy(austin.events, (event) => event.status)).toEqual({ ONLINE: 371, OFFLINE: 46, UNKNOWN: 95 });
    for (const retired of ['26', '27', '28', '554']) expect(byId(austin, `austin-traffic-cameras:${retired}`).status).toBe('OFFLINE');

    const camera = byId(austin, 'austin-traffic-cameras:540');
    expect(camera).toMatchObject({
      name: 'LAVACA ST / 2ND ST',
      cameraSource: 'CITY_VMS',
      location: { point: { lat: 30.2649975, lon: -97.7465897 }, address: null },
      status: 'ONLINE',
      snapshotUrl: 'http://162.89.4.145/CCTVImages/CCTV540.jpg',
      streams: [],
      ptz: false,
      source: 'camera-csv',
      occurredAt: '2026-11-23T22:10:00.000Z',
    });
    // No heading column: null, which the hub treats as never in view for a fixed camera.
    expect(austin.events.every((event) => event.headingDegrees === null && event.fieldOfViewDegrees === null)).toBe(true);
    expect(austin.events.every((event) => event.cameraId.startsWith('austin-traffic-cameras:'))).toBe(true);
  });

  it('imports all 98 Trafford 2018 cameras, the three aliases with an unbalanced ")" included', () => {
    const trafford = translateReference(TRAFFORD_2018);
    expect(trafford.rejections).toEqual([]);
    expect(trafford.events).toHaveLength(98);
    expectValidEvents(trafford);
    expect(trafford.mapping).toEqual({
      id: 'cameraId',
      name: 'featureAlias',
      address: 'cameraLocation',
      lat: 'latitude',
      lon: 'longitude',
    });
    const unbalanced = trafford.events.filter((event) => /^[^(]*\)$/.test(event.name)).map((event) => event.name);
    expect(unbalanced).toEqual(['Cam 5 - Chester Rd White City)', 'Cam 184 - Lock Lane/Conniston)', 'Cam 278 - Upper Chorlton Rd)']);
    expect(byId(trafford, 'trafford-cctv:5').location).toEqual({
      point: { lat: 53.462683, lon: -2.284086 },
      address: 'Chester Rd White City (Old Trafford)',
    });
    // Ids come from cameraId (1…299), not from the row counter featureNum (1…98).
    expect(trafford.events.at(-1)?.cameraId).toBe('trafford-cctv:299');
    expect(trafford.events.every((event) => event.status === 'UNKNOWN' && event.cameraSource === 'CITY_VMS')).toBe(true);
  });

  it('imports all 99 Trafford 2021 cameras, reading lon and lat by header although lon comes first', () => {
    const trafford = translateReference(TRAFFORD_2021);
    expect(trafford.rejections).toEqual([]);
    expect(trafford.events).toHaveLength(99);
    expectValidEvents(trafford);
    expect(trafford.mapping).toEqual({ id: 'camera_id', name: 'location', lon: 'lon', lat: 'lat' });
    // Line 2: 1,"Trafford Wharf Road, Trafford Park",Trafford,E0800009,-2.284777,53.464515
    expect(byId(trafford, 'trafford-cctv-2021:1')).toMatchObject({
      name: 'Trafford Wharf Road, Trafford Park',
      location: { point: { lat: 53.464515, lon: -2.284777 } },
    });
    // The float noise of -2.2880219999999998 is the same double as -2.288022.
    expect(byId(trafford, 'trafford-cctv-2021:6').location.point).toEqual({ lat: 53.461151, lon: -2.288022 });
  });

  it('places the cameras the two Trafford lists share at the same points, and keeps their ids apart', () => {
    const older = translateReference(TRAFFORD_2018);
    const newer = translateReference(TRAFFORD_2021);
    const olderPoints = new Map(older.events.map((event) => [event.cameraId.split(':')[1], event.location.point]));
    const shared = newer.events.filter((event) => olderPoints.has(event.cameraId.split(':')[1]));
    expect(shared).toHaveLength(90);
    for (const event of shared) {
      const point = olderPoints.get(event.cameraId.split(':')[1])!;
      expect(event.location.point.lat).toBeCloseTo(point.lat, 9);
      expect(event.location.point.lon).toBeCloseTo(point.lon, 9);
    }
    const ids = new Set([...older.events, ...newer.events].map((event) => event.cameraId));
    expect(ids.size).toBe(98 + 99);
  });
});

describe('column detection', () => {
  it.each<[string, string, ColumnMapping]>([
    [
      'the generic names',
      GENERIC_HEADER,
      {
        id: 'id',
        name: 'name',
        lat: 'lat',
        lon: 'lon',
        heading: 'heading',
        fieldOfView: 'fov',
        range: 'range',
        mountHeight: 'mount_height',
        ptz: 'ptz',
        status: 'status',
        streamUrls: ['stream_url'],
        snapshotUrl: 'snapshot_url',
        cameraSource: 'source',
      },
    ],
    [
      'synonyms in any case',
      'CameraId,Camera Name,LATITUDE,Lng,Bearing,Field of View,Range (m),PTZ,RTSP URL,HLS_URL,Image URL',
      {
        id: 'CameraId',
        name: 'Camera Name',
        lat: 'LATITUDE',
        lon: 'Lng',
        heading: 'Bearing',
        fieldOfView: 'Field of View',
        range: 'Range (m)',
        ptz: 'PTZ',
        streamUrls: ['RTSP URL', 'HLS_URL'],
        snapshotUrl: 'Image URL',
      },
    ],
    ['a location as the name', 'camera_id,location,long,lat', { id: 'camera_id', name: 'location', lon: 'long', lat: 'lat' }],
    ['cameraLocation alone as the name', 'cameraId,cameraLocation,latitude,longitude', { id: 'cameraId', name: 'cameraLocation', lat: 'latitude', lon: 'longitude' }],
    ['the specific id before a generic one', 'id,Camera ID,lat,lon', { id: 'Camera ID', lat: 'lat', lon: 'lon' }],
  ])('recognises %s', (_label, header, expected) => {
    expect(detectColumnMapping(header.split(','))).toEqual(expected);
  });

  it("leaves Austin's Location column (a \"(lat, lon)\" pair) alone", () => {
    const header = readReferenceCsv(AUSTIN).split('\n')[0]!.split(',');
    expect(Object.values(detectColumnMapping(header))).not.toContain('Location');
  });

  it('refuses a file whose header has no recognisable coordinates, keeping the whole file', () => {
    const csv = 'id,name,easting,northing\nc1,Main,383000,398000\n';
    const translation = translateCameraCsv(csv, options('grid.csv'));
    expect(translation.events).toEqual([]);
    expect(translation.rejections).toEqual([
      { reason: 'unrecognised-header', detail: expect.stringMatching(/lat, lon.*"easting"/), line: 1, raw: csv },
    ]);
    expect(translation.mapping).toEqual({ id: 'id', name: 'name' });
  });
});

describe('an explicit column mapping', () => {
  const csv = 'Cam,Where,Y,X,Dir,Cone\nA-1,Depot gate,51.5,-0.12,NE,70\nA-2,Depot yard,51.501,-0.121,180,\n';
  const mapping: ColumnMapping = { id: 'Cam', name: 'Where', lat: 'Y', lon: 'X', heading: 'Dir', fieldOfView: 'Cone' };

  it('reads the columns it names', () => {
    const translation = translateCameraCsv(csv, options('depot.csv', { mapping, defaults: { fieldOfViewDegrees: 50 } }));
    expect(translation.rejections).toEqual([]);
    expect(translation.mapping).toBe(mapping);
    expect(translation.events.map(({ cameraId, name, headingDegrees, fieldOfViewDegrees, location }) => ({ cameraId, name, headingDegrees, fieldOfViewDegrees, point: location.point }))).toEqual([
      { cameraId: 'depot:A-1', name: 'Depot gate', headingDegrees: 45, fieldOfViewDegrees: 70, point: { lat: 51.5, lon: -0.12 } },
      { cameraId: 'depot:A-2', name: 'Depot yard', headingDegrees: 180, fieldOfViewDegrees: 50, point: { lat: 51.501, lon: -0.121 } },
    ]);
  });

  it('matches header names regardless of case and punctuation, and overrides what detection would choose', () => {
    const trafford = translateCameraCsv(
      readReferenceCsv(TRAFFORD_2018),
      options(TRAFFORD_2018, { mapping: { id: 'CAMERA ID', name: 'camera_location', lat: 'latitude', lon: 'longitude' } }),
    );
    expect(trafford.events).toHaveLength(98);
    expect(byId(trafford, 'trafford-cctv:5')).toMatchObject({ name: 'Chester Rd White City (Old Trafford)', location: { address: null } });
  });

  it('refuses the file when a named column is absent, or when it names no coordinates', () => {
    const absent = translateCameraCsv(csv, options('depot.csv', { mapping: { ...mapping, range: 'Reach' } }));
    expect(absent.events).toEqual([]);
    expect(absent.rejections.map(({ reason, detail }) => [reason, detail])).toEqual([['missing-column', expect.stringContaining('"Reach"')]]);
    const partial = translateCameraCsv(csv, options('depot.csv', { mapping: { id: 'Cam', lat: 'Y' } }));
    expect(partial.rejections.map(({ reason, detail }) => [reason, detail])).toEqual([['missing-column', 'the mapping names no column for lon']]);
  });
});

describe('camera fields', () => {
  it('reads every field of the generic format', () => {
    const translation = translateCameraCsv(genericCsv(), options('/exports/city.csv'));
    expect(translation.rejections).toEqual([]);
    const [c1, c2, c3] = translation.events;
    expect(c1).toMatchObject({
      cameraId: 'city:c1',
      name: 'Main & 1st',
      cameraSource: 'CITY_VMS',
      location: { point: { lat: 40.7128, lon: -74.006 }, address: null },
      headingDegrees: 90,
      fieldOfViewDegrees: 60,
      rangeMeters: 80,
      mountHeightMeters: 6,
      ptz: false,
      status: 'ONLINE',
      streams: [{ protocol: 'RTSP', url: 'rtsp://vms.example/c1/main', profile: null }],
      snapshotUrl: 'https://vms.example/c1.jpg',
    });
    expect(c2).toMatchObject({
      headingDegrees: null,
      fieldOfViewDegrees: null,
      ptz: true,
      status: 'OFFLINE',
      streams: [
        { protocol: 'RTSP', url: 'rtsp://vms.example/c2', profile: null },
        { protocol: 'HLS', url: 'https://vms.example/c2/index.m3u8', profile: null },
      ],
      snapshotUrl: null,
    });
    expect(c3).toMatchObject({ name: 'Corner Shop, 5 Elm St', headingDegrees: 225, cameraSource: 'COMMUNITY_LIVE', status: 'UNKNOWN' });
  });

  it('fills empty cells from the defaults', () => {
    const defaults = { cameraSource: 'COMMUNITY_REGISTERED', fieldOfViewDegrees: 75, rangeMeters: 30, status: 'ONLINE', ptz: true } as const;
    const [, c2] = translateCameraCsv(genericCsv(), options('city.csv', { defaults })).events;
    expect(c2).toMatchObject({ cameraSource: 'COMMUNITY_REGISTERED', fieldOfViewDegrees: 75, rangeMeters: 30, status: 'OFFLINE', ptz: true });
  });

  it.each([
    ['TURNED_ON', 'ONLINE', 'ONLINE'],
    ['TURNED_ON', 'OFFLINE', 'OFFLINE'],
    ['TURNED_ON', 'NO COMMUNICATION', 'OFFLINE'],
    ['TURNED_ON', '', 'ONLINE'],
    ['DESIRED', 'NO COMMUNICATION', 'UNKNOWN'],
    ['REMOVED', 'OFFLINE', 'OFFLINE'],
    ['VOID', 'NO COMMUNICATION', 'OFFLINE'],
    ['online', '', 'ONLINE'],
    ['Maintenance', '', 'UNKNOWN'],
    ['', 'ONLINE', 'ONLINE'],
  ])('status %j with connectivity %j is %s', (status, connectivity, expected) => {
    const csv = `id,lat,lon,Camera Status,IP Comm Status\n1,30.1,-97.7,${status},${connectivity}\n`;
    expect(translateCameraCsv(csv, options('s.csv')).events[0]?.status).toBe(expected);
  });

  it.each([
    ['0', 0],
    ['360', 0],
    ['-90', 270],
    ['359.5°', 359.5],
    ['N', 0],
    ['ssw', 202.5],
    ['North-East', 45],
  ])('heading %j is %d degrees', (heading, expected) => {
    const csv = `id,lat,lon,heading\n1,30.1,-97.7,${heading}\n`;
    expect(translateCameraCsv(csv, options('h.csv')).events[0]?.headingDegrees).toBe(expected);
  });
});

describe('rows that cannot be used', () => {
  const [before, , after] = GENERIC_ROWS;
  const cases: [string, string, string][] = [
    ['missing latitude', 'c9,Nowhere,,-74.0,,,,,,,,,', 'missing-coordinates'],
    ['a word for a latitude', 'c9,Nowhere,north,-74.0,,,,,,,,,', 'bad-coordinates'],
    ['a comma decimal', 'c9,Nowhere,"40,7",-74.0,,,,,,,,,', 'bad-coordinates'],
    ['latitude 91', 'c9,Nowhere,91,-74.0,,,,,,,,,', 'coordinates-out-of-range'],
    ['longitude -181', 'c9,Nowhere,40.7,-181,,,,,,,,,', 'coordinates-out-of-range'],
    ['0,0', 'c9,Nowhere,0,0,,,,,,,,,', 'null-island'],
    ['heading 400', 'c9,Nowhere,40.7,-74.0,400,,,,,,,,', 'bad-heading'],
    ['heading "up"', 'c9,Nowhere,40.7,-74.0,up,,,,,,,,', 'bad-heading'],
    ['field of view 0', 'c9,Nowhere,40.7,-74.0,,0,,,,,,,', 'bad-field-of-view'],
    ['negative range', 'c9,Nowhere,40.7,-74.0,,,-5,,,,,,', 'bad-range'],
    ['mount height "tall"', 'c9,Nowhere,40.7,-74.0,,,,tall,,,,,', 'bad-mount-height'],
    ['ptz "maybe"', 'c9,Nowhere,40.7,-74.0,,,,,maybe,,,,', 'bad-ptz'],
    ['an unknown program', 'c9,Nowhere,40.7,-74.0,,,,,,,,,NEIGHBOUR', 'bad-camera-source'],
    ['a stream that is no URL', 'c9,Nowhere,40.7,-74.0,,,,,,,not-a-url,,', 'bad-stream-url'],
    ['an ftp stream', 'c9,Nowhere,40.7,-74.0,,,,,,,ftp://vms.example/c9,,', 'bad-stream-url'],
    ['a script for a snapshot', 'c9,Nowhere,40.7,-74.0,,,,,,,,javascript:alert(1),', 'bad-snapshot-url'],
    ['an empty id', ',Nowhere,40.7,-74.0,,,,,,,,,', 'missing-id'],
    ['an id of 200 characters', `${'x'.repeat(200)},Nowhere,40.7,-74.0,,,,,,,,,`, 'bad-id'],
    ['an extra cell', 'c9,Main, 1st,40.7,-74.0,,,,,,,,,', 'column-count'],
    ['a missing cell', 'c9,Nowhere,40.7,-74.0', 'column-count'],
    ['an unbalanced quote', 'c9,"Nowhere,40.7,-74.0,,,,,,,,,', 'malformed-row'],
    ['an id already imported', 'c1,Again,40.7,-74.0,,,,,,,,,', 'duplicate-id'],
  ];

  it.each(cases)('%s is rejected with its line and raw text, and the rows around it are kept', (_label, bad, reason) => {
    const translation = translateCameraCsv(genericCsv([before!, bad, after!]), options('city.csv'));
    expect(translation.events.map((event) => event.cameraId)).toEqual(['city:c1', 'city:c3']);
    expect(translation.rejections).toEqual([{ reason, detail: expect.any(String), line: 3, raw: bad }]);
    expect(translation.rejections[0]?.detail.length).toBeGreaterThan(0);
  });

  it('keeps a quoted cell that runs over two lines (a name is one line: the break reads as a space), and counts lines from the file', () => {
    const multiLine = 'c4,"Main & 4th\nnorth-west corner",40.7158,-74.003,,,,,,,,,';
    const translation = translateCameraCsv(genericCsv([before!, multiLine, after!, 'c5,"Bad,1,2']), options('city.csv'));
    expect(translation.events.map((event) => event.name)).toEqual(['Main & 1st', 'Main & 4th north-west corner', 'Corner Shop, 5 Elm St']);
    expect(translation.rejections).toEqual([{ reason: 'malformed-row', detail: 'a quoted field is never closed', line: 6, raw: 'c5,"Bad,1,2' }]);
  });

  it('does not let an unclosed quote swallow the rows after it, even when a later quote could close it', () => {
    const rows = ['c8,"Open quote,40.7,-74.0,,,,,,,,,', ...GENERIC_ROWS, 'c9,x",40.7,-74.0,,,,,,,,,'];
    const translation = translateCameraCsv(genericCsv(rows), options('city.csv'));
    expect(translation.events.map((event) => event.cameraId)).toEqual(['city:c1', 'city:c2', 'city:c3', 'city:c9']);
    expect(translation.rejections.map(({ reason, line }) => [reason, line])).toEqual([['malformed-row', 2]]);
  });

  it('skips blank lines and rows of empty cells; tolerates a BOM and CRLF', () => {
    const csv = `\uFEFF${GENERIC_HEADER}\r\n\r\n${before}\r\n,,,,,,,,,,,,\r\n   \r\n${after}\r\n`;
    const translation = translateCameraCsv(csv, options('city.csv'));
    expect(translation.events.map((event) => event.cameraId)).toEqual(['city:c1', 'city:c3']);
    expect(translation.rejections).toEqual([]);
    expect(translation.header).toBe(GENERIC_HEADER);
  });

  it.each([
    ['an empty file', '', 'empty-file'],
    ['a file of blank lines', '\n \n\r\n', 'empty-file'],
    ['a header with an unclosed quote', 'id,"name,lat,lon\n1,a,1,1\n', 'malformed-header'],
  ])('refuses %s as a whole', (_label, csv, reason) => {
    const translation = translateCameraCsv(csv, options('x.csv'));
    expect(translation.events).toEqual([]);
    expect(translation.rejections).toEqual([{ reason, detail: expect.any(String), line: expect.any(Number), raw: csv }]);
  });

  it('imports nothing and refuses nothing from a header alone', () => {
    expect(translateCameraCsv(`${GENERIC_HEADER}\n`, options('x.csv'))).toMatchObject({ events: [], rejections: [] });
  });
});

describe('event ids', () => {
  it('are the same when the same file is imported again, at another time', () => {
    const first = translateCameraCsv(readReferenceCsv(AUSTIN), options(AUSTIN));
    const again = translateCameraCsv(readReferenceCsv(AUSTIN), options(AUSTIN, { now: new Date('2027-01-01T00:00:00Z') }));
    expect(again.events.map((event) => event.eventId)).toEqual(first.events.map((event) => event.eventId));
    expect(again.events[0]?.occurredAt).toBe('2027-01-01T00:00:00.000Z');
  });

  it('change for the row whose camera data changed, and only for it', () => {
    const ids = (rows: readonly string[], fileName = 'city.csv') =>
      translateCameraCsv(genericCsv(rows), options(fileName)).events.map((event) => event.eventId);
    const original = ids(GENERIC_ROWS);
    const moved = ids([GENERIC_ROWS[0]!, GENERIC_ROWS[1]!.replace('40.7138', '40.7139'), GENERIC_ROWS[2]!]);
    expect(moved[0]).toBe(original[0]);
    expect(moved[1]).not.toBe(original[1]);
    expect(moved[2]).toBe(original[2]);
    // Row order does not matter; the file does.
    expect(ids([...GENERIC_ROWS].reverse())).toEqual([...original].reverse());
    expect(ids(GENERIC_ROWS, 'other.csv').some((id) => original.includes(id))).toBe(false);
  });

  it('do not change with columns the mapping does not read (Austin\'s IP Comm Status Date and Time)', () => {
    const csv = readReferenceCsv(AUSTIN);
    const restamped = csv.replace(/03\/30\/2018 08:30:00 AM \+0000/, '04/01/2018 09:00:00 AM +0000');
    expect(restamped).not.toBe(csv);
    const ids = (text: string) => translateCameraCsv(text, options(AUSTIN)).events.map((event) => event.eventId);
    expect(ids(restamped)).toEqual(ids(csv));
  });
});

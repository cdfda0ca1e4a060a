import { type CameraDiscovered, type EventEnvelope } from '../../contract';

/** A camera as an inventory row: a `camera.discovered` without its envelope, with its current status. */
export type CameraRow = Omit<CameraDiscovered, keyof EventEnvelope | 'type'>;

/**
 * The generic camera CSV header (the names the camera CSV import recognises without a mapping).
 * `stream_url` holds every stream URL of the camera separated by spaces; `source` is the
 * camera's program (CITY_VMS, COMMUNITY_LIVE, COMMUNITY_REGISTERED); the `owner_*` and
 * `contact_*` columns name a community camera's owner and their contact (empty for city cameras).
 */
export const CAMERA_CSV_HEADER = [
  'id',
  'name',
  'lat',
  'lon',
  'heading',
  'fov',
  'range',
  'mount_height',
  'ptz',
  'status',
  'stream_url',
  'snapshot_url',
  'source',
  'address',
  'owner_id',
  'owner_name',
  'contact_name',
  'contact_phone',
  'contact_email',
] as const;

/**
 * A camera inventory as CSV (RFC 4180: CRLF line ends, fields quoted only when they hold a
 * comma, quote, line break or edge whitespace), one row per camera in the order given.
 * Unknown values are empty cells. Pure.
 */
export function encodeCameraCsv(cameras: readonly CameraRow[]): string {
  const rows = cameras.map((camera) =>
    [
      camera.cameraId,
      camera.name,
      number(camera.location.point.lat),
      number(camera.location.point.lon),
      number(camera.headingDegrees),
      number(camera.fieldOfViewDegrees),
      number(camera.rangeMeters),
      number(camera.mountHeightMeters),
      camera.ptz ? 'true' : 'false',
      camera.status,
      camera.streams.map((stream) => stream.url).join(' '),
      camera.snapshotUrl ?? '',
      camera.cameraSource,
      camera.location.address ?? '',
      camera.owner?.ownerId ?? '',
      camera.owner?.name ?? '',
      camera.owner?.contactName ?? '',
      camera.owner?.contactPhone ?? '',
      camera.owner?.contactEmail ?? '',
    ].map(csvField),
  );
  return [[...CAMERA_CSV_HEADER], ...rows].map((cells) => `${cells.join(',')}\r\n`).join('');
}

function number(value: number | null): string {
  if (value === null) return '';
  if (!Number.isFinite(value)) throw new RangeError(`encodeCameraCsv: ${value} is not a finite number`);
  return String(value);
}

/** RFC 4180 §2.6–2.7: quote a field holding a delimiter, quote or line break, doubling its quotes. */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

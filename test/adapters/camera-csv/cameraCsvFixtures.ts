import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CameraCsvOptions } from '../../../adapters/camera-csv';

/** The shared reference files: the repository is /work/main, `shared/` sits beside it. */
export const CAMERA_REFERENCE_DIR = join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'cameras');

export const AUSTIN = 'austin-traffic-cameras.csv';
export const TRAFFORD_2018 = 'trafford-cctv.csv';
export const TRAFFORD_2021 = 'trafford-cctv-2021.csv';

export function readReferenceCsv(name: string): string {
  return readFileSync(join(CAMERA_REFERENCE_DIR, name), 'utf8');
}

export const NOW = new Date('2026-11-23T22:10:00Z');

export const options = (fileName: string, extra: Partial<CameraCsvOptions> = {}): CameraCsvOptions => ({
  source: 'camera-csv',
  fileName,
  now: NOW,
  ...extra,
});

/** A small generic list: every field, one camera per row. */
export const GENERIC_HEADER = 'id,name,lat,lon,heading,fov,range,mount_height,ptz,status,stream_url,snapshot_url,source';
export const GENERIC_ROWS = [
  'c1,Main & 1st,40.7128,-74.0060,90,60,80,6,no,ONLINE,rtsp://vms.example/c1/main,https://vms.example/c1.jpg,CITY_VMS',
  'c2,Main & 2nd,40.7138,-74.0050,,,,,yes,OFFLINE,rtsp://vms.example/c2 https://vms.example/c2/index.m3u8,,',
  'c3,"Corner Shop, 5 Elm St",40.7148,-74.0040,SW,90,40,3,fixed,,,,COMMUNITY_LIVE',
];
export const genericCsv = (rows: readonly string[] = GENERIC_ROWS): string => [GENERIC_HEADER, ...rows].join('\n') + '\n';

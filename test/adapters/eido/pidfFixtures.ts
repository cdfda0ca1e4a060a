import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared reference files: the repository is /work/main, `shared/` sits beside it. */
export const EIDO_REFERENCE_DIR = join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'eido');

export function readReferenceJson(name: string): unknown {
  return JSON.parse(readFileSync(join(EIDO_REFERENCE_DIR, name), 'utf8')) as unknown;
}

export const NS = {
  pidf: 'urn:ietf:params:xml:ns:pidf',
  gp: 'urn:ietf:params:xml:ns:pidf:geopriv10',
  dm: 'urn:ietf:params:xml:ns:pidf:data-model',
  gml: 'http://www.opengis.net/gml',
  gs: 'http://www.opengis.net/pidflo/1.0',
  ca: 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr',
} as const;

export const METRE = 'urn:ogc:def:uom:EPSG::9001';
export const DEGREE = 'urn:ogc:def:uom:EPSG::9102';
export const WGS84_2D = 'urn:ogc:def:crs:EPSG::4326';
export const WGS84_3D = 'urn:ogc:def:crs:EPSG::4979';

/** A PIDF-LO document (RFC 5491 §3 layout) around `locationInfo`, with the usual prefixes. */
export function pidf(locationInfo: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<presence xmlns="${NS.pidf}" xmlns:gp="${NS.gp}" xmlns:dm="${NS.dm}" xmlns:gml="${NS.gml}" ` +
    `xmlns:gs="${NS.gs}" xmlns:ca="${NS.ca}" entity="pres:caller@example.com">` +
    '<dm:device id="d1"><gp:geopriv><gp:location-info>' +
    locationInfo +
    '</gp:location-info><gp:usage-rules/><gp:method>GPS</gp:method></gp:geopriv>' +
    '<dm:timestamp>2026-11-23T15:00:00Z</dm:timestamp></dm:device></presence>'
  );
}

export const point = (pos: string, srsName = WGS84_2D): string =>
  `<gml:Point srsName="${srsName}"><gml:pos>${pos}</gml:pos></gml:Point>`;

export const circle = (pos: string, radius: string, uom = METRE): string =>
  `<gs:Circle srsName="${WGS84_2D}"><gml:pos>${pos}</gml:pos><gs:radius uom="${uom}">${radius}</gs:radius></gs:Circle>`;

export const ellipse = (pos: string, major: string, minor: string, orientation = '43.2'): string =>
  `<gs:Ellipse srsName="${WGS84_2D}"><gml:pos>${pos}</gml:pos>` +
  `<gs:semiMajorAxis uom="${METRE}">${major}</gs:semiMajorAxis>` +
  `<gs:semiMinorAxis uom="${METRE}">${minor}</gs:semiMinorAxis>` +
  `<gs:orientation uom="${DEGREE}">${orientation}</gs:orientation></gs:Ellipse>`;

import { type EventLocation } from '../../contract';

/** Namespaces of a PIDF-LO (RFC 3863, RFC 4479, RFC 4119, RFC 5139, RFC 5491). */
const NS = {
  pidf: 'urn:ietf:params:xml:ns:pidf',
  dm: 'urn:ietf:params:xml:ns:pidf:data-model',
  gp: 'urn:ietf:params:xml:ns:pidf:geopriv10',
  gml: 'http://www.opengis.net/gml',
  gs: 'http://www.opengis.net/pidflo/1.0',
  ca: 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr',
} as const;
/** RFC 5491 §5: 2D shapes in WGS 84 (latitude first), lengths in metres. */
const WGS84_2D = 'urn:ogc:def:crs:EPSG::4326';
const METRE = 'urn:ogc:def:uom:EPSG::9001';

/** Street suffixes read into RFC 5139 `STS`; anything else stays part of the road name. */
const STREET_SUFFIXES = new Set(['St', 'Rd', 'Ave', 'Dr', 'Way', 'Blvd', 'Ln', 'Pkwy', 'Ct', 'Pl', 'Cir', 'Hwy', 'Loop', 'Trl']);

export interface PidfLocationOptions {
  /** The presentity, a URI such as `pres:caller@example.com`. */
  readonly entity: string;
  readonly location: EventLocation;
  /** RFC 4119 `gp:method` token (IANA "Method Tokens"): `GPS`, `Cell`, `Manual` … */
  readonly method: string;
  /** When the location was determined (ISO 8601). */
  readonly timestamp: string;
}

/**
 * A PIDF-LO location by value (RFC 5491 §3 device layout): a `gs:Circle` when the location
 * states its uncertainty, else a `gml:Point`, plus an RFC 5139 civic address when it has one.
 * Every prefix is declared on the root and every value is XML-escaped.
 */
export function encodePidfLocation({ entity, location, method, timestamp }: PidfLocationOptions): string {
  const { point, uncertaintyMeters, address } = location;
  const pos = `<gml:pos>${number(point.lat)} ${number(point.lon)}</gml:pos>`;
  const shape =
    uncertaintyMeters === null || uncertaintyMeters === undefined
      ? `<gml:Point srsName="${WGS84_2D}">${pos}</gml:Point>`
      : `<gs:Circle srsName="${WGS84_2D}">${pos}<gs:radius uom="${METRE}">${number(uncertaintyMeters)}</gs:radius></gs:Circle>`;
  const civic = address ? encodeCivicAddress(address) : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<presence xmlns="${NS.pidf}" xmlns:dm="${NS.dm}" xmlns:gp="${NS.gp}" xmlns:gml="${NS.gml}" ` +
    `xmlns:gs="${NS.gs}" xmlns:ca="${NS.ca}" entity="${escapeXml(entity)}">` +
    `<dm:device id="d1"><gp:geopriv><gp:location-info>${shape}${civic}</gp:location-info>` +
    `<gp:usage-rules/><gp:method>${escapeXml(method)}</gp:method></gp:geopriv>` +
    `<dm:timestamp>${escapeXml(timestamp)}</dm:timestamp></dm:device></presence>`
  );
}

/**
 * An RFC 5139 `civicAddress` for a one-line US street address `<house> <dir> <road> [<suffix>]`
 * (HNO, PRD, RD, STS), which the hub's PIDF-LO reader formats back to the same line. A line
 * of any other form is kept whole as `LOC` (additional location information).
 */
export function encodeCivicAddress(address: string): string {
  const line = address.replace(/\s+/g, ' ').trim();
  const match = /^(\d+) ([NSEW]) (.+)$/.exec(line);
  const element = (name: string, value: string) => `<ca:${name}>${escapeXml(value)}</ca:${name}>`;
  let parts: string;
  if (match) {
    const [, house = '', direction = '', street = ''] = match;
    const words = street.split(' ');
    const last = words[words.length - 1] ?? '';
    const suffix = words.length > 1 && STREET_SUFFIXES.has(last) ? last : null;
    const road = suffix ? words.slice(0, -1).join(' ') : street;
    parts = element('HNO', house) + element('PRD', direction) + element('RD', road) + (suffix ? element('STS', suffix) : '');
  } else {
    parts = element('LOC', line);
  }
  return `<ca:civicAddress>${parts}</ca:civicAddress>`;
}

/** Escapes the five XML special characters, for text and attribute values alike. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => XML_ENTITIES[character] ?? character);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Shortest decimal that reads back to the same double (xs:double accepts the exponent form). */
function number(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`encodePidfLocation: ${value} is not a finite number`);
  return String(value);
}

import { type GeoPoint } from '../../contract';
import { haversineMeters } from '../../geo/geodesy';
import { childrenNamed, type XmlElement } from './parseNamespacedXml';

/** GML 3.1.1, as profiled for PIDF-LO by RFC 5491 §5.2. */
export const GML_NAMESPACE = 'http://www.opengis.net/gml';
/** The GeoShape application schema (RFC 5491 §5.2, "gs"). */
export const GEOSHAPE_NAMESPACE = 'http://www.opengis.net/pidflo/1.0';

/** The RFC 5491 §5.2 shapes this reader understands. */
export type GeoShapeName = 'Point' | 'Circle' | 'Ellipse' | 'Sphere' | 'Ellipsoid' | 'Polygon';

export type ShapeFailureReason = 'unsupported-shape' | 'bad-crs' | 'bad-coordinates' | 'out-of-range' | 'bad-uom';

export type GeoShapeResult =
  | {
      readonly ok: true;
      readonly shape: GeoShapeName;
      readonly point: GeoPoint;
      readonly uncertaintyMeters: number | null;
    }
  | { readonly ok: false; readonly reason: ShapeFailureReason; readonly detail: string };

type Failure = Extract<GeoShapeResult, { ok: false }>;
const failure = (reason: ShapeFailureReason, detail: string): Failure => ({ ok: false, reason, detail });

// RFC 5491: 2D shapes use EPSG 4326, 3D shapes EPSG 4979; both are latitude first.
const CRS = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|http:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/)(4326|4979)$/;
// RFC 5491 §5: distances in metres (EPSG 9001), angles in degrees (9102) or radians (9101).
const METRES = /^urn:ogc:def:uom:EPSG:[\d.]*:9001$/;
const ANGLE = /^urn:ogc:def:uom:EPSG:[\d.]*:910[12]$/;
// xs:double without INF and NaN.
const DOUBLE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads one geometry element found in a PIDF-LO `location-info`: its position and the radius
 * of its uncertainty in metres (null for a bare point, whose uncertainty is not stated).
 */
export function readGeoShape(element: XmlElement): GeoShapeResult {
  const name = element.localName;
  if (element.namespace === GML_NAMESPACE && name === 'Point') return readPoint(element);
  if (element.namespace === GML_NAMESPACE && name === 'Polygon') return readPolygon(element);
  if (element.namespace === GEOSHAPE_NAMESPACE) {
    switch (name) {
      case 'Circle':
      case 'Sphere':
        return readCircle(element, name);
      case 'Ellipse':
      case 'Ellipsoid':
        return readEllipse(element, name);
      default:
        break;
    }
  }
  return failure('unsupported-shape', `${nameOf(element)} is not a supported PIDF-LO shape`);
}

/** §5.2.1: a gml:Point holds one gml:pos. */
function readPoint(element: XmlElement): GeoShapeResult {
  const dimension = readCrs(element);
  if (typeof dimension !== 'number' && dimension !== null) return dimension;
  const position = readPosition(element, dimension);
  return position.ok ? { ok: true, shape: 'Point', point: position.point, uncertaintyMeters: null } : position;
}

/** §5.2.3 (Circle) and §5.2.6 (Sphere): a centre and a radius. */
function readCircle(element: XmlElement, shape: 'Circle' | 'Sphere'): GeoShapeResult {
  const dimension = readCrs(element);
  if (typeof dimension !== 'number' && dimension !== null) return dimension;
  const position = readPosition(element, dimension);
  if (!position.ok) return position;
  const radius = readLength(element, 'radius');
  if (typeof radius !== 'number') return radius;
  return { ok: true, shape, point: position.point, uncertaintyMeters: radius };
}

/**
 * §5.2.4 (Ellipse) and §5.2.7 (Ellipsoid): a centre, two horizontal semi-axes and an
 * orientation. The uncertainty radius is the larger semi-axis, which bounds the ellipse.
 */
function readEllipse(element: XmlElement, shape: 'Ellipse' | 'Ellipsoid'): GeoShapeResult {
  const dimension = readCrs(element);
  if (typeof dimension !== 'number' && dimension !== null) return dimension;
  const position = readPosition(element, dimension);
  if (!position.ok) return position;
  const major = readLength(element, 'semiMajorAxis');
  if (typeof major !== 'number') return major;
  const minor = readLength(element, 'semiMinorAxis');
  if (typeof minor !== 'number') return minor;
  const [orientation] = childrenNamed(element, GEOSHAPE_NAMESPACE, 'orientation');
  if (orientation) {
    const uom = orientation.attributes.get('uom');
    if (uom === undefined || !ANGLE.test(uom)) {
      return failure('bad-uom', `orientation uom ${describe(uom)} is not degrees or radians (EPSG 9102/9101)`);
    }
    if (!DOUBLE.test(orientation.text)) {
      return failure('bad-coordinates', `orientation ${describe(orientation.text)} is not a number`);
    }
  }
  return { ok: true, shape, point: position.point, uncertaintyMeters: Math.max(major, minor) };
}

/**
 * §5.2.2: a gml:Polygon's exterior LinearRing, as gml:pos elements or one gml:posList. The
 * point is the mean of the distinct vertices; the radius reaches the farthest vertex.
 */
function readPolygon(element: XmlElement): GeoShapeResult {
  const dimension = readCrs(element);
  if (typeof dimension !== 'number' && dimension !== null) return dimension;
  const [exterior] = childrenNamed(element, GML_NAMESPACE, 'exterior');
  const [ring] = exterior ? childrenNamed(exterior, GML_NAMESPACE, 'LinearRing') : [];
  if (!ring) return failure('bad-coordinates', 'gml:Polygon has no gml:exterior/gml:LinearRing');
  const stride = dimension ?? 2;
  const [posList] = childrenNamed(ring, GML_NAMESPACE, 'posList');
  const numbers = posList
    ? splitNumbers(posList.text)
    : childrenNamed(ring, GML_NAMESPACE, 'pos').flatMap((pos) => {
        const values = splitNumbers(pos.text);
        return values && values.length === stride ? values : [Number.NaN];
      });
  if (!numbers || numbers.some(Number.isNaN) || numbers.length % stride !== 0) {
    return failure('bad-coordinates', `polygon vertices are not ${stride}-number positions`);
  }
  const vertices: GeoPoint[] = [];
  for (let index = 0; index < numbers.length; index += stride) {
    const vertex = toPoint(numbers[index], numbers[index + 1]);
    if (!vertex.ok) return vertex;
    vertices.push(vertex.point);
  }
  // GML 3.1.1: a LinearRing has at least four positions, the last repeating the first.
  const first = vertices[0];
  const last = vertices[vertices.length - 1];
  if (vertices.length < 4 || !first || !last || first.lat !== last.lat || first.lon !== last.lon) {
    return failure('bad-coordinates', 'a polygon ring needs at least four positions and must close on its first');
  }
  const distinct = vertices.slice(0, -1);
  const centre = {
    lat: distinct.reduce((sum, vertex) => sum + vertex.lat, 0) / distinct.length,
    lon: distinct.reduce((sum, vertex) => sum + vertex.lon, 0) / distinct.length,
  };
  const radius = Math.max(...distinct.map((vertex) => haversineMeters(centre, vertex)));
  return { ok: true, shape: 'Polygon', point: centre, uncertaintyMeters: radius };
}

/** The dimension the srsName implies, null when absent (assumed latitude-first), or a failure. */
function readCrs(element: XmlElement): 2 | 3 | null | Failure {
  const srsName = element.attributes.get('srsName');
  if (srsName === undefined) return null;
  const match = CRS.exec(srsName.trim());
  if (!match) return failure('bad-crs', `srsName ${describe(srsName)} is not EPSG 4326 or 4979 (RFC 5491)`);
  return match[1] === '4979' ? 3 : 2;
}

type Position = { readonly ok: true; readonly point: GeoPoint } | Failure;

/** The shape's gml:pos: "latitude longitude [altitude]". */
function readPosition(element: XmlElement, dimension: 2 | 3 | null): Position {
  const positions = childrenNamed(element, GML_NAMESPACE, 'pos');
  const [pos] = positions;
  if (!pos || positions.length > 1) {
    return failure('bad-coordinates', `${nameOf(element)} needs exactly one gml:pos, found ${positions.length}`);
  }
  const numbers = splitNumbers(pos.text);
  const expected = dimension === null ? 'two or three' : String(dimension);
  const count = numbers?.length ?? 0;
  if (!numbers || (dimension === null ? count !== 2 && count !== 3 : count !== dimension)) {
    return failure('bad-coordinates', `gml:pos ${describe(pos.text)} is not ${expected} numbers`);
  }
  return toPoint(numbers[0], numbers[1]);
}

function toPoint(lat: number | undefined, lon: number | undefined): Position {
  if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    return failure('bad-coordinates', 'a position is missing its latitude or longitude');
  }
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return failure('out-of-range', `position ${lat} ${lon} is outside latitude [-90, 90] / longitude [-180, 180]`);
  }
  return { ok: true, point: { lat, lon } };
}

/** A gs: length child in metres (RFC 5491 §5). */
function readLength(element: XmlElement, localName: string): number | Failure {
  const found = childrenNamed(element, GEOSHAPE_NAMESPACE, localName);
  const [child] = found;
  if (!child || found.length > 1) {
    return failure('bad-coordinates', `${nameOf(element)} needs exactly one ${localName}, found ${found.length}`);
  }
  const uom = child.attributes.get('uom');
  if (uom === undefined || !METRES.test(uom.trim())) {
    return failure('bad-uom', `${localName} uom ${describe(uom)} is not metres (urn:ogc:def:uom:EPSG::9001)`);
  }
  if (!DOUBLE.test(child.text)) {
    return failure('bad-coordinates', `${localName} ${describe(child.text)} is not a number`);
  }
  const value = Number(child.text);
  if (!Number.isFinite(value) || value < 0) {
    return failure('out-of-range', `${localName} ${describe(child.text)} is not a length >= 0`);
  }
  return value;
}

function splitNumbers(text: string): number[] | null {
  const tokens = text.split(/\s+/).filter((token) => token.length > 0);
  if (tokens.length === 0 || !tokens.every((token) => DOUBLE.test(token))) return null;
  return tokens.map(Number);
}

const nameOf = (element: XmlElement): string => `<${describe(element.qualifiedName).slice(1, -1)}>`;

function describe(value: string | undefined): string {
  if (value === undefined) return '(missing)';
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

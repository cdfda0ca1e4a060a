import { type GeoPoint } from '../../contract';
import { CIVIC_ADDRESS_NAMESPACE, formatCivicAddress } from './formatCivicAddress';
import { descendantsNamed, parseNamespacedXml } from './parseNamespacedXml';
import {
  GEOSHAPE_NAMESPACE,
  GML_NAMESPACE,
  readGeoShape,
  type GeoShapeName,
  type ShapeFailureReason,
} from './readGeoShape';

/** The geopriv namespace that holds `location-info` (RFC 4119). */
export const GEOPRIV_NAMESPACE = 'urn:ietf:params:xml:ns:pidf:geopriv10';

/** Longest PIDF-LO accepted, in characters; real ones are a few kilobytes. */
export const MAX_PIDF_LENGTH = 256 * 1024;

/** A location read from a PIDF-LO. A civic-only location has an address and no point. */
export interface PidfLocation {
  readonly point: GeoPoint | null;
  /** Radius in metres: circle/sphere radius, larger ellipse semi-axis, polygon extent; null if unstated. */
  readonly uncertaintyMeters: number | null;
  /** One-line civic address, if the PIDF-LO carries one. */
  readonly address: string | null;
  /** The geometry the point came from, or null for a civic-only location. */
  readonly shape: GeoShapeName | null;
}

export type PidfFailureReason = 'malformed-xml' | 'too-large' | 'no-geometry' | ShapeFailureReason;

export type PidfResult =
  | { readonly ok: true; readonly location: PidfLocation }
  | { readonly ok: false; readonly reason: PidfFailureReason; readonly detail: string };

/**
 * Reads a PIDF-LO location by value (RFC 4119, profiled by RFC 5491): the first geometry
 * (RFC 5491 §5.2: gml:Point, gml:Polygon, gs:Circle, gs:Ellipse, gs:Sphere, gs:Ellipsoid) and
 * the first civic address (RFC 4119, RFC 5139) in any `gp:location-info`. Elements are
 * matched by namespace URI and local name, never by prefix. Never throws.
 */
export function parsePidfLocation(xml: string): PidfResult {
  if (typeof xml !== 'string') return { ok: false, reason: 'malformed-xml', detail: 'PIDF-LO is not a string' };
  if (xml.length > MAX_PIDF_LENGTH) {
    return { ok: false, reason: 'too-large', detail: `PIDF-LO is ${xml.length} characters, over ${MAX_PIDF_LENGTH}` };
  }
  const parsed = parseNamespacedXml(xml);
  if (!parsed.ok) return { ok: false, reason: 'malformed-xml', detail: parsed.detail };

  const { root } = parsed;
  const locationInfos =
    root.namespace === GEOPRIV_NAMESPACE && root.localName === 'location-info'
      ? [root]
      : descendantsNamed(root, GEOPRIV_NAMESPACE, 'location-info');
  const contents = locationInfos.flatMap((info) => info.children);
  // A location-info holds shapes from the GML and GeoShape namespaces, or a civic address.
  const geometry = contents.find(({ namespace }) => namespace === GML_NAMESPACE || namespace === GEOSHAPE_NAMESPACE);
  const civic = contents.find(
    ({ namespace, localName }) => namespace === CIVIC_ADDRESS_NAMESPACE && localName === 'civicAddress',
  );
  const address = civic ? formatCivicAddress(civic) : null;

  if (geometry) {
    const shape = readGeoShape(geometry);
    if (!shape.ok) return shape;
    return {
      ok: true,
      location: { point: shape.point, uncertaintyMeters: shape.uncertaintyMeters, address, shape: shape.shape },
    };
  }
  if (address !== null) return { ok: true, location: { point: null, uncertaintyMeters: null, address, shape: null } };
  const detail =
    locationInfos.length === 0 ? 'no gp:location-info element' : 'gp:location-info holds no geometry or civic address';
  return { ok: false, reason: 'no-geometry', detail };
}

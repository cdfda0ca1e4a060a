/** PIDF-LO (RFC 4119, RFC 5491) location-by-value parsing: a pure function over a string. */
export {
  GEOPRIV_NAMESPACE,
  MAX_PIDF_LENGTH,
  parsePidfLocation,
  type PidfFailureReason,
  type PidfLocation,
  type PidfResult,
} from './parsePidfLocation';
export { CIVIC_ADDRESS_NAMESPACE } from './formatCivicAddress';
export { GEOSHAPE_NAMESPACE, GML_NAMESPACE, type GeoShapeName } from './readGeoShape';

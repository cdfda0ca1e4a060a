/**
 * Areas that live subscriptions watch: parse an `AreaInput`, test points against it, and track
 * what a subscriber has been shown so that it hears once when something leaves.
 */
export {
  areaBounds,
  areaContains,
  boxContains,
  type Area,
  type BoundingBoxArea,
  type CircleArea,
  type LatLonBox,
  type PolygonArea,
} from './areaContains';
export { MAX_POLYGON_POSITIONS, MAX_RADIUS_METERS, parseArea } from './parseArea';
export { createAreaMembership, type AreaDecision, type AreaMembership } from './createAreaMembership';

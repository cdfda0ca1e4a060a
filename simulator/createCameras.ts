import { destinationPoint, initialBearingDegrees } from '../geo/geodesy';
import { type CameraDiscovered, type CameraOwner, type CameraStream, type EventEnvelope } from '../contract';
import { type Random } from './createRandom';
import { type Intersection, type StreetGrid } from './createStreetGrid';
import { roundHeading, roundPoint, roundTo } from './rounding';
import { simulatedPersonName, simulatedPhoneNumber } from './simulatedPeople';

/** A simulated camera: a `camera.discovered` event without its envelope. */
export type CameraSite = Omit<CameraDiscovered, keyof EventEnvelope>;

/** Share of cameras that belong to the city VMS; the rest are community cameras. */
const CITY_SHARE = 0.4;
/** Share of community cameras whose owners share live video (the rest are only registered). */
const COMMUNITY_LIVE_SHARE = 0.4;
/** Share of cameras that are offline when the simulation starts. */
const INITIALLY_OFFLINE_SHARE = 0.03;
/** City cameras sit on a corner pole this far (metres, each axis) from the centre of the crossing. */
const CORNER_OFFSET_METERS = 12;

const CORNERS = [
  { label: 'NE', east: 1, north: 1 },
  { label: 'NW', east: -1, north: 1 },
  { label: 'SE', east: 1, north: -1 },
  { label: 'SW', east: -1, north: -1 },
] as const;

type Corner = (typeof CORNERS)[number];

const BUSINESS_FIRST = [
  'Desert Bloom',
  'Saguaro',
  'Superstition',
  'Red Mountain',
  'Sonoran',
  'Cactus Wren',
  'Mesa Verde',
  'Palo Verde',
  'Copper State',
  'Sunrise',
  'Ocotillo',
  'Javelina',
];
const BUSINESS_KIND = [
  'Market',
  'Dental',
  'Auto Repair',
  'Pharmacy',
  'Tacos',
  'Laundromat',
  'Fitness',
  'Hardware',
  'Coffee',
  'Pet Clinic',
  'Car Wash',
  'Apartments',
];
const BUSINESS_SPOT = ['Front door', 'Parking lot', 'Side entrance', 'Drive-thru', 'Storefront'];

/**
 * Places `count` cameras: city VMS cameras on the corners of major crossings, looking along a
 * street, and community cameras at businesses set back from a street, looking at it.
 * Ids are `cam-0001`, `cam-0002` … in placement order.
 */
export function createCameras(grid: StreetGrid, random: Random, count: number): CameraSite[] {
  const corners = cityCornerSlots(grid, random);
  const cityCount = Math.min(Math.round(count * CITY_SHARE), corners.length);
  const sites: CameraSite[] = [];
  for (let index = 0; index < count; index += 1) {
    const cameraId = `cam-${String(index + 1).padStart(4, '0')}`;
    const slot = index < cityCount ? corners[index] : undefined;
    sites.push(slot ? cityCamera(cameraId, grid, random, slot) : communityCamera(cameraId, grid, random));
  }
  return sites;
}

interface CornerSlot {
  readonly intersection: Intersection;
  readonly corner: Corner;
}

/** Corners of crossings of two major streets first, then of a major and a minor one. */
function cityCornerSlots(grid: StreetGrid, random: Random): CornerSlot[] {
  const slotsOf = (intersections: readonly Intersection[]): CornerSlot[] =>
    random.shuffled(intersections.flatMap((intersection) => CORNERS.map((corner) => ({ intersection, corner }))));
  const majorMajor = grid.intersections.filter((i) => i.northSouth.major && i.eastWest.major);
  const majorMinor = grid.intersections.filter((i) => i.northSouth.major !== i.eastWest.major);
  return [...slotsOf(majorMajor), ...slotsOf(majorMinor)];
}

function cityCamera(
  cameraId: string,
  grid: StreetGrid,
  random: Random,
  { intersection, corner }: CornerSlot,
): CameraSite {
  const point = grid.toLatLon({
    x: intersection.point.x + corner.east * CORNER_OFFSET_METERS,
    y: intersection.point.y + corner.north * CORNER_OFFSET_METERS,
  });
  // Look up or down one of the two streets on the camera's side, or across into the crossing.
  const along = random.pick([
    corner.north > 0 ? 0 : 180,
    corner.east > 0 ? 90 : 270,
    initialBearingDegrees(point, grid.toLatLon(intersection.point)),
  ]);
  const ptz = random.chance(0.35);
  const streams: CameraStream[] = [
    { protocol: 'RTSP', url: `rtsp://vms.sim.invalid:554/${cameraId}/main`, profile: 'Profile_1' },
    { protocol: 'RTSP', url: `rtsp://vms.sim.invalid:554/${cameraId}/sub`, profile: 'Profile_2' },
  ];
  if (random.chance(0.5)) {
    streams.push({ protocol: 'HLS', url: `https://vms.sim.invalid/hls/${cameraId}/index.m3u8`, profile: null });
  }
  return {
    type: 'camera.discovered',
    cameraId,
    name: `${intersection.name} (${corner.label})`,
    cameraSource: 'CITY_VMS',
    location: { point: roundPoint(point), uncertaintyMeters: 3, address: intersection.name },
    headingDegrees: roundHeading(along + random.between(-8, 8)),
    fieldOfViewDegrees: random.int(60, 90),
    rangeMeters: random.int(80, 200),
    mountHeightMeters: roundTo(ptz ? random.between(6, 10) : random.between(4, 6), 1),
    ptz,
    status: initialStatus(random),
    streams,
    snapshotUrl: `https://vms.sim.invalid/snapshot/${cameraId}.jpg`,
  };
}

function communityCamera(cameraId: string, grid: StreetGrid, random: Random): CameraSite {
  const streetPoint = grid.randomStreetPoint(random);
  const onNorthSouthStreet = grid.northSouthStreets.some((street) => street.offsetMeters === streetPoint.x);
  const street = grid.toLatLon(streetPoint);
  // The business fronts the street on one side or the other, set back across its parking.
  const side = random.chance(0.5) ? 1 : -1;
  const awayFromStreet = onNorthSouthStreet ? (side > 0 ? 90 : 270) : side > 0 ? 0 : 180;
  const point = destinationPoint(street, awayFromStreet, random.between(15, 45));
  const business = `${random.pick(BUSINESS_FIRST)} ${random.pick(BUSINESS_KIND)}`;
  const live = random.chance(COMMUNITY_LIVE_SHARE);
  // Registered-only cameras are known to exist but share no video: police request footage instead.
  const streams: CameraStream[] = live
    ? [
        { protocol: 'HLS', url: `https://connect.sim.invalid/live/${cameraId}/index.m3u8`, profile: null },
        { protocol: 'RTSP', url: `rtsp://connect.sim.invalid:8554/${cameraId}`, profile: 'main' },
      ]
    : [];
  return {
    type: 'camera.discovered',
    cameraId,
    name: `${business} - ${random.pick(BUSINESS_SPOT)}`,
    cameraSource: live ? 'COMMUNITY_LIVE' : 'COMMUNITY_REGISTERED',
    location: { point: roundPoint(point), uncertaintyMeters: 10, address: grid.addressOf(streetPoint) },
    headingDegrees: roundHeading(initialBearingDegrees(point, street) + random.between(-20, 20)),
    fieldOfViewDegrees: random.int(90, 120),
    rangeMeters: random.int(15, 50),
    mountHeightMeters: roundTo(random.between(2.5, 4), 1),
    ptz: false,
    status: initialStatus(random),
    streams,
    snapshotUrl: live ? `https://connect.sim.invalid/snapshot/${cameraId}.jpg` : null,
    owner: ownerOf(business),
  };
}

/**
 * The business that registered a community camera, and who to call there. A business with
 * several cameras is one owner: the owner and its contact follow from the business's name.
 */
function ownerOf(business: string): CameraOwner {
  const slug = business.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const ownerId = `owner-${slug}`;
  return {
    ownerId,
    name: business,
    contactName: simulatedPersonName(ownerId),
    contactPhone: simulatedPhoneNumber(ownerId),
    contactEmail: `${slug}@connect.sim.invalid`,
  };
}

function initialStatus(random: Random): 'ONLINE' | 'OFFLINE' {
  return random.chance(INITIALLY_OFFLINE_SHARE) ? 'OFFLINE' : 'ONLINE';
}

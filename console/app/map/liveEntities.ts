/** The entities the console keeps, as the console's documents select them. */

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

export interface ApiLocation {
  readonly point: GeoPoint;
  readonly address?: string | null;
  readonly uncertaintyMeters?: number | null;
}

export interface LiveCall {
  readonly id: string;
  readonly state: 'RINGING' | 'ACTIVE' | 'ON_HOLD' | 'ENDED' | 'ABANDONED';
  readonly receivedAt: string;
  readonly classOfService?: string | null;
  readonly location: ApiLocation | null;
}

export interface LiveIncident {
  readonly id: string;
  readonly number: string;
  readonly typeCode: string;
  readonly typeText: string;
  readonly priority: number;
  readonly status: 'PENDING' | 'DISPATCHED' | 'ENROUTE' | 'ON_SCENE' | 'CLOSED';
  readonly reportedAt: string;
  readonly location: ApiLocation;
}

export interface LiveUnit {
  readonly id: string;
  readonly callSign: string;
  readonly status: string;
  readonly position: { readonly point: GeoPoint; readonly headingDegrees?: number | null; readonly stale: boolean; readonly fixAt: string } | null;
}

export interface LiveCamera {
  readonly id: string;
  readonly name: string;
  readonly source: 'CITY_VMS' | 'COMMUNITY_LIVE' | 'COMMUNITY_REGISTERED';
  readonly ptz: boolean;
  readonly status: 'ONLINE' | 'OFFLINE' | 'UNKNOWN';
  readonly headingDegrees?: number | null;
  readonly fieldOfViewDegrees?: number | null;
  readonly rangeMeters?: number | null;
  readonly location: ApiLocation;
  /** What may be done with it now (Community Connect); absent in the directory's own events (the last known is kept). */
  readonly access?: { readonly level: 'CITY' | 'REGISTERED' | 'INTEGRATED'; readonly liveNow: boolean; readonly liveUntil: string | null; readonly canRequestFootage: boolean } | null;
}

/** A camera's class on the map and its tiles: city, community registered, community live now, community integrated but not live now. */
export type CameraClass = 'city' | 'community-registered' | 'community-live' | 'community-not-live';

export function cameraClassOf(camera: LiveCamera): CameraClass {
  const level = camera.access?.level;
  if (level === 'REGISTERED' || (!level && camera.source === 'COMMUNITY_REGISTERED')) return 'community-registered';
  if (level === 'INTEGRATED') return camera.access!.liveNow ? 'community-live' : 'community-not-live';
  if (camera.source === 'COMMUNITY_LIVE') return 'community-live';
  return 'city';
}

/** The four layers, in drawing order (cameras under units under incidents under calls). */
export const LAYER_KINDS = ['cameras', 'units', 'incidents', 'calls'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

export interface LiveEntities {
  readonly calls: Map<string, LiveCall>;
  readonly incidents: Map<string, LiveIncident>;
  readonly units: Map<string, LiveUnit>;
  readonly cameras: Map<string, LiveCamera>;
}

/** Bounds [west, south, east, north] of the area the console watches. */
export type WatchedBounds = readonly [number, number, number, number];

/** Whether a point lies in the watched area: an event outside it is that entity leaving. */
export function isInside(bounds: WatchedBounds, point: GeoPoint | undefined | null): boolean {
  if (!point) return false;
  const [west, south, east, north] = bounds;
  return point.lon >= west && point.lon <= east && point.lat >= south && point.lat <= north;
}

/** A call stays on the map while it is live; an incident until it is closed. */
export const isActiveCall = (call: LiveCall) => call.state !== 'ENDED' && call.state !== 'ABANDONED';
export const isActiveIncident = (incident: LiveIncident) => incident.status !== 'CLOSED';

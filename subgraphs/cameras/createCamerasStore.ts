import type { CameraOwner, CameraSource, CameraStatus, CameraStream, DomainEvent } from '../../contract';
import { assertNever } from '../../errors/assertNever';
import { type CameraSight, sightOf } from '../../geo/cameraView';
import { createPointIndex } from '../../geo/createPointIndex';
import type { LatLon } from '../../geo/geodesy';
import type { Database } from '../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../../storage/keysetConnection';
import { type LocationRecord, locationColumns, locationFromRow } from '../locationColumns';

export interface CameraRecord {
  readonly id: string;
  readonly name: string;
  readonly source: CameraSource;
  readonly location: LocationRecord;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly mountHeightMeters: number | null;
  readonly ptz: boolean;
  readonly status: CameraStatus;
  readonly streams: readonly CameraStream[];
  readonly snapshotUrl: string | null;
  /** The community camera's owner, or null (city cameras). */
  readonly owner: CameraOwnerRecord | null;
  readonly updatedAt: Date;
}

/** A camera owner as the subgraph serves it (GraphQL `CameraOwner`); contacts are restricted. */
export interface CameraOwnerRecord {
  readonly id: string;
  readonly name: string | null;
  readonly contactName: string | null;
  readonly contactPhone: string | null;
  readonly contactEmail: string | null;
}

export interface CameraFilter {
  readonly source?: readonly CameraSource[] | null;
  readonly status?: readonly CameraStatus[] | null;
}

/** A camera near a point, with how it sees that point. */
export interface NearbyCameraRecord extends CameraSight {
  readonly camera: CameraRecord;
}

/**
 * How nearby cameras are ordered (GraphQL `NearbyCameraOrder`): `DISTANCE`, closest first;
 * `VIEW_FIRST`, the cameras whose view contains the point (PTZ ones within range) first, then
 * the closest others. Either way, ties go by distance then id, so that every client docks the same.
 */
export type NearbyCameraOrder = 'DISTANCE' | 'VIEW_FIRST';

interface CameraRow {
  id: string;
  name: string;
  source: string;
  lat: number;
  lon: number;
  address: string | null;
  uncertainty_m: number | null;
  heading_deg: number | null;
  fov_deg: number | null;
  range_m: number | null;
  mount_height_m: number | null;
  ptz: boolean;
  status: string;
  streams: CameraStream[] | string;
  snapshot_url: string | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_contact_name: string | null;
  owner_contact_phone: string | null;
  owner_contact_email: string | null;
  updated_at: Date;
}

export interface CamerasStore {
  /** Loads stored cameras into the spatial index. Call once at start. */
  load(): Promise<void>;
  camerasByIds(ids: readonly string[]): Promise<(CameraRecord | null)[]>;
  /**
   * A page of cameras. `ownerId` narrows it to one owner's cameras (a community camera
   * owner's view); null to none; undefined does not narrow.
   */
  listCameras(
    filter: CameraFilter,
    first: number,
    after: string | null | undefined,
    ownerId?: string | null,
  ): Promise<Connection<CameraRecord>>;
  /**
   * The cameras near `point` in `orderBy` order (default `DISTANCE`), at most `limit` of them
   * once ordered; `visible`, when given, passes over the others before `limit` counts them.
   */
  nearestCameras(query: {
    point: LatLon;
    radiusMeters: number;
    limit: number;
    inViewOnly: boolean;
    orderBy?: NearbyCameraOrder;
    visible?: (camera: CameraRecord) => boolean;
  }): NearbyCameraRecord[];
  /** Applies a camera event; returns the camera when its status changed (or it was withdrawn from the community program). */
  apply(event: DomainEvent): Promise<CameraChange | null>;
}

/** A camera whose status changed, for the subgraph's subscriptions. */
export interface CameraChange {
  readonly kind: 'cameraStatusChanged';
  readonly camera: CameraRecord;
}

/**
 * Camera storage: PostgreSQL holds the cameras; an in-memory kd-tree of them answers the
 * nearby searches and is kept current by the same events that write the table.
 */
export function createCamerasStore(db: Database, defaultRangeMeters: number): CamerasStore {
  const cameras = () => db.table('cameras');
  const index = createPointIndex<CameraRecord>();
  const track = (camera: CameraRecord) => index.upsert(camera.id, camera.location.point, camera);
  const sightOfCamera = (camera: CameraRecord, point: LatLon): CameraSight =>
    sightOf(
      {
        point: camera.location.point,
        headingDegrees: camera.headingDegrees,
        fieldOfViewDegrees: camera.fieldOfViewDegrees,
        rangeMeters: camera.rangeMeters,
        ptz: camera.ptz,
      },
      point,
      defaultRangeMeters,
    );

  return {
    async load() {
      for (const row of (await cameras().select()) as CameraRow[]) track(cameraFromRow(row));
    },
    async camerasByIds(ids) {
      const rows: CameraRow[] = await cameras().whereIn('id', ids);
      const byId = new Map(rows.map((row) => [row.id, cameraFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    listCameras(filter, first, after, ownerId) {
      const query = cameras();
      if (filter.source?.length) query.whereIn('source', filter.source);
      if (filter.status?.length) query.whereIn('status', filter.status);
      if (ownerId === null) query.whereRaw('false');
      else if (ownerId !== undefined) query.where('owner_id', ownerId);
      return fetchKeysetConnection<CameraRow, CameraRecord>({
        query,
        sortColumn: 'id',
        idColumn: 'id',
        descending: false,
        first,
        after,
        keyOf: (row) => [row.id, row.id],
        toNode: cameraFromRow,
      });
    },
    nearestCameras({ point, radiusMeters, limit, inViewOnly, orderBy = 'DISTANCE', visible }) {
      const search = (limitOfSearch: number, wanted: (sight: CameraSight) => boolean): NearbyCameraRecord[] => {
        // The index may ask about more cameras than it returns: keep the sights, take its hits.
        const sights = new Map<string, CameraSight>();
        const hits = index.nearest({
          point,
          radiusMeters,
          limit: limitOfSearch,
          accept: (camera) => {
            if (visible && !visible(camera)) return false;
            const sight = sightOfCamera(camera, point);
            if (!wanted(sight)) return false;
            sights.set(camera.id, sight);
            return true;
          },
        });
        return hits
          .flatMap(({ item }) => {
            const sight = sights.get(item.id);
            return sight ? [{ camera: item, ...sight }] : [];
          })
          .sort(byDistanceThenId);
      };
      if (inViewOnly) return search(limit, (sight) => sight.inView);
      if (orderBy === 'DISTANCE') return search(limit, () => true);
      // VIEW_FIRST: the nearest `limit` that see the point, then as many of the nearest others as fit.
      const seeing = search(limit, (sight) => sight.inView);
      return seeing.length >= limit ? seeing : [...seeing, ...search(limit - seeing.length, (sight) => !sight.inView)];
    },
    async apply(event) {
      switch (event.type) {
        case 'camera.discovered': {
          const updatedAt = new Date(event.occurredAt);
          const [row] = (await cameras()
            .insert({
              id: event.cameraId,
              name: event.name,
              source: event.cameraSource,
              ...locationColumns(event.location),
              heading_deg: event.headingDegrees,
              fov_deg: event.fieldOfViewDegrees,
              range_m: event.rangeMeters,
              mount_height_m: event.mountHeightMeters,
              ptz: event.ptz,
              status: event.status,
              streams: JSON.stringify(event.streams),
              snapshot_url: event.snapshotUrl,
              // Absent: the camera keeps the owner it has (merge writes only the columns given).
              ...(event.owner !== undefined && ownerColumns(event.owner)),
              updated_at: updatedAt,
            })
            .onConflict('id')
            .merge()
            .whereRaw('cameras.updated_at <= excluded.updated_at')
            .returning('*')) as CameraRow[];
          if (row) track(cameraFromRow(row));
          return null;
        }
        case 'camera.statusChanged': {
          const before = index.get(event.cameraId)?.status;
          const [row] = (await cameras()
            .where('id', event.cameraId)
            .where('updated_at', '<=', new Date(event.occurredAt))
            .update({ status: event.status, updated_at: new Date(event.occurredAt) })
            .returning('*')) as CameraRow[];
          if (!row) return null;
          const camera = cameraFromRow(row);
          track(camera);
          return camera.status === before ? null : { kind: 'cameraStatusChanged', camera };
        }
        case 'camera.withdrawn': {
          // Community Connect: erased, the camera leaves the directory (row and spatial index);
          // kept, it stays registered only. Either way consoles hear of it as a status change.
          const at = new Date(event.occurredAt);
          if (event.erased) {
            const [row] = (await cameras()
              .where('id', event.cameraId)
              .where('updated_at', '<=', at)
              .del()
              .returning('*')) as CameraRow[];
            if (!row) return null;
            index.remove(event.cameraId);
            return { kind: 'cameraStatusChanged', camera: { ...cameraFromRow(row), status: 'OFFLINE', updatedAt: at } };
          }
          const [row] = (await cameras()
            .where('id', event.cameraId)
            .where('updated_at', '<=', at)
            .update({ source: 'COMMUNITY_REGISTERED', streams: JSON.stringify([]), snapshot_url: null, updated_at: at })
            .returning('*')) as CameraRow[];
          if (!row) return null;
          const camera = cameraFromRow(row);
          track(camera);
          return { kind: 'cameraStatusChanged', camera };
        }
        case 'call.received':
        case 'call.updated':
        case 'incident.created':
        case 'incident.updated':
        case 'unit.statusChanged':
        case 'position.fix':
          return null;
        default:
          return assertNever(event);
      }
    },
  };
}

/** Closest first; equally close cameras by id, so that the order never depends on the index. */
function byDistanceThenId(a: NearbyCameraRecord, b: NearbyCameraRecord): number {
  return a.distanceMeters - b.distanceMeters || (a.camera.id < b.camera.id ? -1 : a.camera.id > b.camera.id ? 1 : 0);
}

function ownerColumns(owner: CameraOwner | null) {
  return {
    owner_id: owner?.ownerId ?? null,
    owner_name: owner?.name ?? null,
    owner_contact_name: owner?.contactName ?? null,
    owner_contact_phone: owner?.contactPhone ?? null,
    owner_contact_email: owner?.contactEmail ?? null,
  };
}

function ownerFromRow(row: CameraRow): CameraOwnerRecord | null {
  if (row.owner_id === null) return null;
  return {
    id: row.owner_id,
    name: row.owner_name,
    contactName: row.owner_contact_name,
    contactPhone: row.owner_contact_phone,
    contactEmail: row.owner_contact_email,
  };
}

function cameraFromRow(row: CameraRow): CameraRecord {
  return {
    id: row.id,
    name: row.name,
    source: row.source as CameraSource,
    location: locationFromRow(row),
    headingDegrees: row.heading_deg,
    fieldOfViewDegrees: row.fov_deg,
    rangeMeters: row.range_m,
    mountHeightMeters: row.mount_height_m,
    ptz: row.ptz,
    status: row.status as CameraStatus,
    // pg parses jsonb; PGlite may hand back the text.
    streams: typeof row.streams === 'string' ? (JSON.parse(row.streams) as CameraStream[]) : row.streams,
    snapshotUrl: row.snapshot_url,
    owner: ownerFromRow(row),
    updatedAt: row.updated_at,
  };
}

import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { haversineMeters, type LatLon } from './geodesy';

/** One hit of a nearest search: the stored item and its geodesic distance to the query point. */
export interface Neighbour<T> {
  readonly item: T;
  readonly distanceMeters: number;
}

export interface NearestQuery<T> {
  readonly point: LatLon;
  readonly radiusMeters: number;
  readonly limit: number;
  /** Only items for which this returns true are counted towards `limit`. */
  readonly accept?: (item: T, distanceMeters: number) => boolean;
}

/** A keyed set of points that answers "the nearest N within R metres" from a kd-tree. */
export interface PointIndex<T> {
  /** Adds or moves an item. */
  upsert(key: string, point: LatLon, item: T): void;
  remove(key: string): void;
  get(key: string): T | undefined;
  readonly size: number;
  /** Items within `radiusMeters`, closest first, at most `limit`. */
  nearest(query: NearestQuery<T>): Neighbour<T>[];
}

interface Entry<T> {
  point: LatLon;
  item: T;
}

/**
 * A point index for live data (unit positions, cameras). Writes are O(1) and mark the tree
 * dirty; the next search rebuilds the static kd-tree (kdbush) once, which costs well under a
 * millisecond per thousand points, then searches it by great-circle distance (geokdbush).
 * Results are re-measured with {@link haversineMeters}, the distance the API reports, so that
 * the radius cut and the order agree exactly with it.
 */
export function createPointIndex<T>(): PointIndex<T> {
  const entries = new Map<string, Entry<T>>();
  let tree: KDBush<Entry<T>> | undefined;

  return {
    upsert(key, point, item) {
      entries.set(key, { point, item });
      tree = undefined;
    },
    remove(key) {
      if (entries.delete(key)) tree = undefined;
    },
    get: (key) => entries.get(key)?.item,
    get size() {
      return entries.size;
    },
    nearest({ point, radiusMeters, limit, accept }) {
      if (limit <= 0 || entries.size === 0) return [];
      tree ??= new KDBush([...entries.values()], (entry) => entry.point.lon, (entry) => entry.point.lat);
      const measured = new Map<Entry<T>, number>();
      // geokdbush measures on a 6371 km sphere; widen its cut by a metre and apply ours.
      const found = around(tree, point.lon, point.lat, limit, (radiusMeters + 1) / 1000, (entry: Entry<T>) => {
        const distanceMeters = haversineMeters(point, entry.point);
        if (distanceMeters > radiusMeters) return false;
        if (accept && !accept(entry.item, distanceMeters)) return false;
        measured.set(entry, distanceMeters);
        return true;
      });
      return found
        .map((entry) => ({ item: entry.item, distanceMeters: measured.get(entry) ?? haversineMeters(point, entry.point) }))
        .sort((a, b) => a.distanceMeters - b.distanceMeters);
    },
  };
}

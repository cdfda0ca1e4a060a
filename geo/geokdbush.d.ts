// Types for geokdbush 2.x (ships none); it searches a kdbush 4 index by great-circle distance.
declare module 'geokdbush' {
  import type KDBush from 'kdbush';
  /** Item ids (insertion order) nearest to (lng, lat), closest first. maxDistance is in kilometres. */
  export function around(
    index: KDBush,
    lng: number,
    lat: number,
    maxResults?: number,
    maxDistance?: number,
    predicate?: (id: number) => boolean,
  ): number[];
  /** Great-circle distance in kilometres. */
  export function distance(lng1: number, lat1: number, lng2: number, lat2: number): number;
}

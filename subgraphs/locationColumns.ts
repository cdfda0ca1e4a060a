import type { Knex } from 'knex';
import type { EventLocation } from '../contract';
import type { LatLonBox } from '../geo/area';

/** A location as the subgraphs serve it (GraphQL `Location`). */
export interface LocationRecord {
  readonly point: { readonly lat: number; readonly lon: number };
  readonly address: string | null;
  readonly uncertaintyMeters: number | null;
}

/** The columns a location is stored in: lat, lon, address, uncertainty_m. */
export interface LocationRow {
  lat: number;
  lon: number;
  address: string | null;
  uncertainty_m: number | null;
}

export function locationColumns(location: EventLocation): LocationRow {
  return {
    lat: location.point.lat,
    lon: location.point.lon,
    address: location.address ?? null,
    uncertainty_m: location.uncertaintyMeters ?? null,
  };
}

export function locationFromRow(row: LocationRow): LocationRecord {
  return {
    point: { lat: row.lat, lon: row.lon },
    address: row.address,
    uncertaintyMeters: row.uncertainty_m,
  };
}

/**
 * Narrows `query` to rows whose `lat`/`lon` columns lie in `box` (edges included; a box whose
 * west is east of its east crosses the antimeridian, and longitudes ±180 are one meridian). A
 * prefilter for an exact area test in code: it lets the database skip most rows outside an area.
 */
export function whereLocationInBox(query: Knex.QueryBuilder, box: LatLonBox): Knex.QueryBuilder {
  query.whereBetween('lat', [box.south, box.north]);
  return query.where((lon) => {
    if (box.west <= box.east) lon.whereBetween('lon', [box.west, box.east]);
    else lon.where('lon', '>=', box.west).orWhere('lon', '<=', box.east);
    // areaContains treats 180 and -180 as the same meridian; so must the prefilter.
    lon.orWhereIn('lon', [180, -180]);
  });
}

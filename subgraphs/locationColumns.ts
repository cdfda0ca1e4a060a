import type { EventLocation } from '../adapters/contract';

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

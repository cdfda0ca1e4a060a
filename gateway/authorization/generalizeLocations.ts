import type { FieldAccessPlan } from './planFieldAccess';
import { visit } from './applyFieldAccess';

/** Size of the grid that city partners see locations on, in metres. */
export const GENERALIZED_GRID_METERS = 150;
const METERS_PER_DEGREE_LAT = 111_320;
/** A point snapped to a cell's centre is within half the cell's diagonal of the truth. */
const GENERALIZED_UNCERTAINTY_METERS = Math.ceil((GENERALIZED_GRID_METERS * Math.SQRT2) / 2);

/** The types whose values generalisation rewrites (see {@link generalizeLocations}). */
export const GENERALIZED_TYPES: ReadonlySet<string> = new Set(['Location', 'GeoPoint']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Rewrites, in place, every location in `data` that the plan's watched fields reach, as city
 * partners may see it: each point moved to the centre of its cell of a ~150 m grid, the
 * uncertainty raised to cover the cell, and a street address reduced to its hundred block
 * ("1234 W Main St" becomes "1200 block of W Main St"); an address that is not a numbered
 * street address (an apartment, a name) is withheld. Done in the gateway, after execution, so
 * that nothing precise leaves the hub on any path that reaches a location.
 */
export function generalizeLocations(plan: FieldAccessPlan, data: Record<string, unknown>): void {
  for (const use of plan.watched) {
    visit(data as { [key: string]: Json }, use.path, [], (parent, key) => {
      const value = parent[key];
      if (value === null || value === undefined) return;
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
        if (use.returns === 'GeoPoint') snapPoint(item);
        else generalizeLocation(item);
      }
    });
  }
}

function generalizeLocation(location: { [key: string]: Json }): void {
  const point = location.point;
  if (point && typeof point === 'object' && !Array.isArray(point)) snapPoint(point);
  if ('uncertaintyMeters' in location) {
    const given = typeof location.uncertaintyMeters === 'number' ? location.uncertaintyMeters : 0;
    location.uncertaintyMeters = Math.max(given, GENERALIZED_UNCERTAINTY_METERS);
  }
  if ('address' in location) location.address = typeof location.address === 'string' ? hundredBlock(location.address) : null;
}

/** Moves a `{ lat, lon }` object to the centre of its grid cell. */
export function snapPoint(point: { [key: string]: Json }): void {
  if (typeof point.lat !== 'number' || typeof point.lon !== 'number') return;
  const latStep = GENERALIZED_GRID_METERS / METERS_PER_DEGREE_LAT;
  const lat = (Math.floor(point.lat / latStep) + 0.5) * latStep;
  const lonStep = GENERALIZED_GRID_METERS / (METERS_PER_DEGREE_LAT * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const lon = (Math.floor(point.lon / lonStep) + 0.5) * lonStep;
  if ('lat' in point) point.lat = round6(lat);
  if ('lon' in point) point.lon = round6(lon);
}

/** "1234 W Main St, Mesa, AZ" → "1200 block of W Main St, Mesa, AZ"; null when not a numbered street address. */
export function hundredBlock(address: string): string | null {
  const match = /^\s*(\d+)[A-Za-z]?(?:-\d+)?\s+([^,#]+?)(?:\s+(?:#|apt\.?|unit|suite|ste\.?)\s*[\w-]+)?\s*(,.*)?$/i.exec(address);
  if (!match) return null;
  const [, number, street, rest] = match;
  const block = Math.floor(Number(number) / 100) * 100;
  return `${block} block of ${street?.trim()}${rest ?? ''}`;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

import type { DirectResult } from './createDirectExecutor';

/** How many items each list of the flagship answer held, keyed `Type.field` (e.g. `Unit.nearbyCameras`). */
export type ListCounts = Readonly<Record<string, number>>;

interface FlagshipAnswer {
  readonly incident: {
    readonly nearbyUnits: readonly { readonly unit: { readonly nearbyCameras: readonly unknown[] | null } }[] | null;
    readonly nearbyCameras: readonly unknown[] | null;
  } | null;
}

/** Counts the lists in the gateway's answer to FLAGSHIP_QUERY. */
export function countGatewayLists(data: unknown): ListCounts {
  const incident = (data as FlagshipAnswer | null)?.incident;
  if (!incident) return {};
  const units = incident.nearbyUnits ?? [];
  return {
    'Incident.nearbyUnits': units.length,
    'Incident.nearbyCameras': incident.nearbyCameras?.length ?? 0,
    'Unit.nearbyCameras': units.reduce((sum, hit) => sum + (hit.unit.nearbyCameras?.length ?? 0), 0),
  };
}

/** Counts, over every `_entities` reply of the direct path, the lists each entity type returned. */
export function countDirectLists(result: DirectResult): ListCounts {
  const counts: Record<string, number> = {};
  for (const fetch of result.fetches) {
    const entities = fetch.reply.body?.data?._entities;
    if (!fetch.representations || !Array.isArray(entities)) continue;
    entities.forEach((entity: unknown, i) => {
      const typename = fetch.representations?.[i]?.__typename;
      if (typeof entity !== 'object' || entity === null || typeof typename !== 'string') return;
      for (const [field, value] of Object.entries(entity)) {
        if (Array.isArray(value)) counts[`${typename}.${field}`] = (counts[`${typename}.${field}`] ?? 0) + value.length;
      }
    });
  }
  return counts;
}

/** Same keys with the same numbers, regardless of order. */
export function sameCounts(a: ListCounts, b: ListCounts): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}

export function formatCounts(counts: ListCounts): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

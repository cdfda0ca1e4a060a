import type { DomainEvent, UnitStatus } from '../../contract';
import { assertNever } from '../../errors/assertNever';
import { createPointIndex, type Neighbour } from '../../geo/createPointIndex';
import type { LatLon } from '../../geo/geodesy';
import type { DataClass } from '../../retention/dataClass';
import { deleteClassRows } from '../../retention/deleteClassRows';
import type { RetentionParticipant } from '../../retention/retentionParticipant';
import type { Database } from '../../storage/createDatabase';

/** A unit's latest fix. */
export interface PositionRecord {
  readonly point: LatLon;
  readonly headingDegrees: number | null;
  readonly speedKph: number | null;
  readonly fixAt: Date;
}

/** What the spatial index holds per unit. */
export interface TrackedUnit {
  readonly unitId: string;
  readonly position: PositionRecord;
  status: UnitStatus | null;
}

interface PositionRow {
  unit_id: string;
  lat: number;
  lon: number;
  heading_deg: number | null;
  speed_kph: number | null;
  fix_at: Date;
}

export interface AvlStore {
  /** Loads the latest positions and statuses into the spatial index. Call once at start. */
  load(): Promise<void>;
  positionsByUnitIds(ids: readonly string[]): Promise<(PositionRecord | null)[]>;
  /** Writes the fixes still waiting for the database; resolves when they are stored. */
  flush(): Promise<void>;
  /** Units with a position within `radiusMeters` of `point`, closest first. */
  nearestUnits(query: {
    point: LatLon;
    radiusMeters: number;
    limit: number;
    status?: readonly UnitStatus[] | null;
  }): Neighbour<TrackedUnit>[];
  /** Applies a fix or a unit status; returns the unit's new position when the fix was newer. */
  apply(event: DomainEvent): Promise<AvlChange | null>;
  /**
   * Retention of `avl-positions`, declared here: a purge deletes the expired rows and takes
   * every fix older than the cut-off out of the kd-tree, so that `Unit.position`,
   * `nearbyUnits` and `unitsNear` no longer find it.
   */
  readonly retention: RetentionParticipant;
}

/** The retention class of the AVL positions, in the table `unit_positions` of `schema`. */
export function avlPositionsClass(schema: string): DataClass {
  return {
    name: 'avl-positions',
    description: "Units' AVL positions (the latest fix of each unit; the hub keeps no breadcrumb history).",
    schema,
    table: 'unit_positions',
    idColumn: 'unit_id',
    timeColumn: 'fix_at',
    retentionSetting: 'retentionAvlPositionsDays',
  };
}

/** A unit that moved, for the subgraph's subscriptions. */
export interface AvlChange {
  readonly kind: 'unitPosition';
  readonly unitId: string;
  readonly position: PositionRecord;
}

/**
 * AVL storage: PostgreSQL keeps the latest fix per unit; an in-memory kd-tree answers the
 * nearby searches, updated from the same events, so that searches never scan the table.
 */
export function createAvlStore(db: Database, onWriteError: (error: unknown) => void = () => undefined): AvlStore {
  const positions = () => db.table('unit_positions');
  const statuses = () => db.table('unit_status');
  const index = createPointIndex<TrackedUnit>();
  /** The index's keys, for retention to walk (the index itself answers searches only). */
  const trackedUnits = new Set<string>();
  const statusByUnit = new Map<string, { status: UnitStatus; updatedAt: Date }>();

  // Write-behind: fixes are indexed and published at once and stored in multi-row upserts, the
  // latest per unit, at most one batch every WRITE_INTERVAL_MS (embedded PGlite spends a few ms
  // per statement, so 500 fixes/s written as they come would be ~50 statements/s; in batches,
  // ten). A crash can lose the positions of the last interval, which the next fix of each vehicle
  // (seconds later) replaces. Reads that need the table (`flush`) write at once.
  const pending = new Map<string, PositionRecord>();
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const BATCH_ROWS = 1000;
  const WRITE_INTERVAL_MS = 100;
  const writeBatch = async (): Promise<void> => {
    while (pending.size > 0) {
      const batch = [...pending].slice(0, BATCH_ROWS);
      for (const [unitId] of batch) pending.delete(unitId);
      await positions()
        .insert(
          batch.map(([unitId, position]) => ({
            unit_id: unitId,
            lat: position.point.lat,
            lon: position.point.lon,
            heading_deg: position.headingDegrees,
            speed_kph: position.speedKph,
            fix_at: position.fixAt,
          })),
        )
        .onConflict('unit_id')
        .merge()
        .whereRaw('unit_positions.fix_at < excluded.fix_at');
    }
  };
  /** Starts writing what is pending now, unless a write is under way. */
  const writeNow = (): Promise<void> | null => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!writing && pending.size > 0) {
      writing = writeBatch()
        .catch((error: unknown) => onWriteError(error))
        .finally(() => {
          writing = null;
          scheduleWrite();
        });
    }
    return writing;
  };
  const scheduleWrite = () => {
    if (timer || writing || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void writeNow();
    }, WRITE_INTERVAL_MS);
  };
  const flush = async (): Promise<void> => {
    while (writing || pending.size > 0) await (writing ?? writeNow());
  };
  const writeBehind = (unitId: string, position: PositionRecord) => {
    pending.set(unitId, position);
    scheduleWrite();
  };

  /** Indexes the fix unless the unit already has a newer one; says whether it did. */
  const track = (unitId: string, position: PositionRecord): boolean => {
    const current = index.get(unitId);
    if (current && current.position.fixAt >= position.fixAt) return false;
    index.upsert(unitId, position.point, { unitId, position, status: statusByUnit.get(unitId)?.status ?? null });
    trackedUnits.add(unitId);
    return true;
  };
  const untrack = (unitId: string) => {
    index.remove(unitId);
    trackedUnits.delete(unitId);
  };

  return {
    async load() {
      for (const row of (await statuses().select()) as { unit_id: string; status: UnitStatus; updated_at: Date }[]) {
        statusByUnit.set(row.unit_id, { status: row.status, updatedAt: row.updated_at });
      }
      for (const row of (await positions().select()) as PositionRow[]) track(row.unit_id, positionFromRow(row));
    },
    flush,
    retention: {
      dataClasses: [avlPositionsClass(db.schema)],
      async purge(request) {
        // Fixes still written behind go to the table first, so that table and index purge alike.
        await flush();
        const ids = await deleteClassRows(db.knex, request);
        const { scope } = request;
        if (scope.kind === 'records') for (const unitId of scope.ids) untrack(unitId);
        else {
          // By age, not by the rows deleted here: another replica's job may have deleted them.
          for (const unitId of [...trackedUnits]) {
            const fixAt = index.get(unitId)?.position.fixAt;
            if (!fixAt || fixAt < scope.cutoff) untrack(unitId);
          }
        }
        return { kind: 'deleted', ids, dependentsDeleted: {} };
      },
    },
    async positionsByUnitIds(ids) {
      await flush();
      const rows: PositionRow[] = await positions().whereIn('unit_id', ids);
      const byId = new Map(rows.map((row) => [row.unit_id, positionFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    nearestUnits({ point, radiusMeters, limit, status }) {
      const wanted = status?.length ? new Set(status) : null;
      return index.nearest({
        point,
        radiusMeters,
        limit,
        ...(wanted ? { accept: (unit: TrackedUnit) => unit.status !== null && wanted.has(unit.status) } : {}),
      });
    },
    async apply(event) {
      switch (event.type) {
        case 'position.fix': {
          // Device-to-unit mapping arrives with the AVL protocol adapters; until then a fix must name its unit.
          if (!event.unitId) return null;
          const position: PositionRecord = {
            point: event.point,
            headingDegrees: event.headingDegrees,
            speedKph: event.speedKph,
            fixAt: new Date(event.fixAt),
          };
          if (!track(event.unitId, position)) return null;
          writeBehind(event.unitId, position);
          return { kind: 'unitPosition', unitId: event.unitId, position };
        }
        case 'unit.statusChanged': {
          const updatedAt = new Date(event.occurredAt);
          await statuses()
            .insert({ unit_id: event.unitId, status: event.status, updated_at: updatedAt })
            .onConflict('unit_id')
            .merge()
            .whereRaw('unit_status.updated_at <= excluded.updated_at');
          const known = statusByUnit.get(event.unitId);
          if (known && known.updatedAt > updatedAt) return null;
          statusByUnit.set(event.unitId, { status: event.status, updatedAt });
          const tracked = index.get(event.unitId);
          if (tracked) tracked.status = event.status;
          return null;
        }
        case 'call.received':
        case 'call.updated':
        case 'incident.created':
        case 'incident.updated':
        case 'camera.discovered':
        case 'camera.statusChanged':
        case 'camera.withdrawn':
          return null;
        default:
          return assertNever(event);
      }
    },
  };
}

function positionFromRow(row: PositionRow): PositionRecord {
  return {
    point: { lat: row.lat, lon: row.lon },
    headingDegrees: row.heading_deg,
    speedKph: row.speed_kph,
    fixAt: row.fix_at,
  };
}

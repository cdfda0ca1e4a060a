import type { DomainEvent, IncidentStatus, UnitStatus } from '../../contract';
import { assertNever } from '../../errors/assertNever';
import { type Area, areaBounds, areaContains } from '../../geo/area';
import type { LatLon } from '../../geo/geodesy';
import type { DataClass } from '../../retention/dataClass';
import { deleteClassRows, deleteReferringRows } from '../../retention/deleteClassRows';
import type { RetentionParticipant } from '../../retention/retentionParticipant';
import type { Database } from '../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../../storage/keysetConnection';
import { type LocationRecord, locationColumns, locationFromRow, whereLocationInBox } from '../locationColumns';

export interface IncidentRecord {
  readonly id: string;
  readonly number: string;
  readonly typeCode: string;
  readonly typeText: string;
  readonly priority: number;
  readonly status: IncidentStatus;
  readonly location: LocationRecord;
  readonly narrative: string | null;
  readonly reportedAt: Date;
  readonly updatedAt: Date;
}

export interface UnitRecord {
  readonly id: string;
  readonly callSign: string;
  readonly status: UnitStatus;
  readonly incidentId: string | null;
  readonly updatedAt: Date;
}

/** An incident or unit that an event created or changed, for the subgraph's subscriptions. */
export type CadChange =
  | { readonly kind: 'incidentChanged'; readonly incident: IncidentRecord }
  | { readonly kind: 'unitStatusChanged'; readonly unit: UnitRecord };

export interface IncidentFilter {
  readonly status?: readonly IncidentStatus[] | null;
  readonly maxPriority?: number | null;
  readonly reportedSince?: Date | null;
  readonly number?: string | null;
}

export interface UnitFilter {
  readonly status?: readonly UnitStatus[] | null;
}

interface IncidentRow {
  id: string;
  number: string;
  type_code: string;
  type_text: string;
  priority: number;
  status: string;
  lat: number;
  lon: number;
  address: string | null;
  uncertainty_m: number | null;
  narrative: string | null;
  reported_at: Date;
  updated_at: Date;
}

interface UnitRow {
  id: string;
  call_sign: string;
  status: string;
  incident_id: string | null;
  updated_at: Date;
}

/** CAD storage: every read takes a list of keys and issues one query, for DataLoader batching. */
export interface CadStore {
  incidentsByIds(ids: readonly string[]): Promise<(IncidentRecord | null)[]>;
  unitsByIds(ids: readonly string[]): Promise<(UnitRecord | null)[]>;
  unitsByIncidentIds(ids: readonly string[]): Promise<UnitRecord[][]>;
  callIdsByIncidentIds(ids: readonly string[]): Promise<string[][]>;
  incidentIdsByCallIds(ids: readonly string[]): Promise<(string | null)[]>;
  /** A page of incidents; with an `area`, only incidents located in it (pages stay full). */
  listIncidents(
    filter: IncidentFilter,
    first: number,
    after: string | null | undefined,
    area?: Area | null,
  ): Promise<Connection<IncidentRecord>>;
  listUnits(filter: UnitFilter, first: number, after: string | null | undefined): Promise<Connection<UnitRecord>>;
  /**
   * Applies an incident or unit event (older events never overwrite newer state) and returns
   * what changed; an AVL fix only moves where its unit was last seen.
   */
  apply(event: DomainEvent): Promise<CadChange | null>;
  /** Where a unit was last seen (its latest AVL fix), so that unit subscriptions can filter by area. */
  lastSeenAt(unitId: string): LatLon | null;
  /**
   * Retention of `incidents`, declared here: a purge deletes the rows with their links to
   * calls. CAD keeps copies of two other classes, dropped when their owners purge: links to
   * `calls`, and where units were last seen (`avl-positions`).
   */
  readonly retention: RetentionParticipant;
}

/** The retention class of the CAD incidents, in the table `incidents` of `schema`; an incident may be held as intelligence. */
export function incidentsClass(schema: string): DataClass {
  return {
    name: 'incidents',
    description: 'CAD incidents, with their links to calls.',
    schema,
    table: 'incidents',
    idColumn: 'id',
    timeColumn: 'updated_at',
    retentionSetting: 'retentionIncidentsDays',
    intelligenceRecordType: 'incident',
  };
}

export function createCadStore(db: Database): CadStore {
  const incidents = () => db.table('incidents');
  const units = () => db.table('units');
  // Units by id, as last read or written by this store: every unit write goes through `apply`
  // below (and every replica applies every event), so entity lookups (a call sign and status
  // for each enriched position event) need not query the table each time.
  const unitCache = new Map<string, UnitRecord>();
  const UNIT_CACHE_MAX = 100_000;
  const cacheUnit = (unit: UnitRecord) => {
    if (unitCache.size >= UNIT_CACHE_MAX && !unitCache.has(unit.id)) unitCache.clear();
    unitCache.set(unit.id, unit);
  };
  const incidentCalls = () => db.table('incident_calls');

  // Where each unit was last seen (from AVL fixes): a copy of `avl-positions`.
  const lastSeen = new Map<string, { point: LatLon; fixAt: number }>();
  const linksBy = (column: 'incident_id' | 'call_id') => ({ schema: db.schema, table: 'incident_calls', column });

  const linkCalls = async (incidentId: string, callIds: readonly string[] | undefined) => {
    if (!callIds || callIds.length === 0) return;
    await incidentCalls()
      .insert(callIds.map((callId) => ({ incident_id: incidentId, call_id: callId })))
      .onConflict(['incident_id', 'call_id'])
      .ignore();
  };

  return {
    retention: {
      dataClasses: [incidentsClass(db.schema)],
      copiedClasses: ['calls', 'avl-positions'],
      async purge(request) {
        const ids = await deleteClassRows(db.knex, request);
        return { kind: 'deleted', ids, dependentsDeleted: await deleteReferringRows(db.knex, linksBy('incident_id'), ids, request.batchSize) };
      },
      async dropCopies({ dataClass, scope, deletedIds, batchSize }) {
        if (dataClass.name === 'calls') return deleteReferringRows(db.knex, linksBy('call_id'), deletedIds, batchSize);
        if (dataClass.name === 'avl-positions' && scope.kind === 'expired') {
          for (const [unitId, seen] of lastSeen) if (seen.fixAt < scope.cutoff.getTime()) lastSeen.delete(unitId);
        }
        return {};
      },
    },
    lastSeenAt: (unitId) => lastSeen.get(unitId)?.point ?? null,
    async incidentsByIds(ids) {
      const rows: IncidentRow[] = await incidents().whereIn('id', ids);
      const byId = new Map(rows.map((row) => [row.id, incidentFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    async unitsByIds(ids) {
      const missing = [...new Set(ids.filter((id) => !unitCache.has(id)))];
      if (missing.length > 0) {
        const rows: UnitRow[] = await units().whereIn('id', missing);
        for (const row of rows) cacheUnit(unitFromRow(row));
      }
      return ids.map((id) => unitCache.get(id) ?? null);
    },
    async unitsByIncidentIds(ids) {
      const rows: UnitRow[] = await units().whereIn('incident_id', ids).orderBy('call_sign');
      return groupBy(ids, rows, (row) => row.incident_id, unitFromRow);
    },
    async callIdsByIncidentIds(ids) {
      const rows: { incident_id: string; call_id: string }[] = await incidentCalls()
        .whereIn('incident_id', ids)
        .orderBy('call_id');
      return groupBy(ids, rows, (row) => row.incident_id, (row) => row.call_id);
    },
    async incidentIdsByCallIds(ids) {
      // A call normally leads to one incident; if CAD linked it to several, the newest wins.
      const rows: { incident_id: string; call_id: string }[] = await incidentCalls()
        .join(db.knex.raw('??.incidents as i', [db.schema]), 'i.id', 'incident_calls.incident_id')
        .whereIn('call_id', ids)
        .orderBy('i.reported_at', 'asc')
        .select('incident_calls.incident_id', 'incident_calls.call_id');
      const byCall = new Map(rows.map((row) => [row.call_id, row.incident_id]));
      return ids.map((id) => byCall.get(id) ?? null);
    },
    listIncidents(filter, first, after, area = null) {
      const query = incidents();
      if (filter.status?.length) query.whereIn('status', filter.status);
      if (filter.maxPriority != null) query.where('priority', '<=', filter.maxPriority);
      if (filter.reportedSince) query.where('reported_at', '>=', filter.reportedSince);
      if (filter.number != null) query.where('number', filter.number);
      if (area) whereLocationInBox(query, areaBounds(area));
      return fetchKeysetConnection<IncidentRow, IncidentRecord>({
        query,
        sortColumn: 'reported_at',
        idColumn: 'id',
        descending: true,
        first,
        after,
        keyOf: (row) => [row.reported_at.toISOString(), row.id],
        toNode: incidentFromRow,
        ...(area && { accept: (row: IncidentRow) => areaContains(area, { lat: row.lat, lon: row.lon }) }),
      });
    },
    listUnits(filter, first, after) {
      const query = units();
      if (filter.status?.length) query.whereIn('status', filter.status);
      return fetchKeysetConnection<UnitRow, UnitRecord>({
        query,
        sortColumn: 'call_sign',
        idColumn: 'id',
        descending: false,
        first,
        after,
        keyOf: (row) => [row.call_sign, row.id],
        toNode: unitFromRow,
      });
    },
    async apply(event) {
      switch (event.type) {
        case 'incident.created': {
          const rows: IncidentRow[] = await incidents()
            .insert({
              id: event.incidentId,
              number: event.number,
              type_code: event.typeCode,
              type_text: event.typeText,
              priority: event.priority,
              status: event.status,
              ...locationColumns(event.location),
              narrative: event.narrative,
              reported_at: new Date(event.reportedAt),
              updated_at: new Date(event.occurredAt),
            })
            .onConflict('id')
            .merge()
            .whereRaw('incidents.updated_at <= excluded.updated_at')
            .returning('*');
          await linkCalls(event.incidentId, event.callIds);
          return rows[0] ? { kind: 'incidentChanged', incident: incidentFromRow(rows[0]) } : null;
        }
        case 'incident.updated': {
          const patch: Record<string, unknown> = { updated_at: new Date(event.occurredAt) };
          if (event.number !== undefined) patch.number = event.number;
          if (event.typeCode !== undefined) patch.type_code = event.typeCode;
          if (event.typeText !== undefined) patch.type_text = event.typeText;
          if (event.priority !== undefined) patch.priority = event.priority;
          if (event.status !== undefined) patch.status = event.status;
          if (event.location !== undefined) Object.assign(patch, locationColumns(event.location));
          if (event.narrative !== undefined) patch.narrative = event.narrative;
          if (event.reportedAt !== undefined) patch.reported_at = new Date(event.reportedAt);
          const rows: IncidentRow[] = await incidents()
            .where('id', event.incidentId)
            .where('updated_at', '<=', new Date(event.occurredAt))
            .update(patch)
            .returning('*');
          await linkCalls(event.incidentId, event.callIds);
          return rows[0] ? { kind: 'incidentChanged', incident: incidentFromRow(rows[0]) } : null;
        }
        case 'unit.statusChanged': {
          const rows: UnitRow[] = await units()
            .insert({
              id: event.unitId,
              call_sign: event.callSign,
              status: event.status,
              incident_id: event.incidentId,
              updated_at: new Date(event.occurredAt),
            })
            .onConflict('id')
            .merge()
            .whereRaw('units.updated_at <= excluded.updated_at')
            .returning('*');
          if (!rows[0]) {
            // A newer row was already stored (by another replica): read it afresh next time.
            unitCache.delete(event.unitId);
            return null;
          }
          const unit = unitFromRow(rows[0]);
          cacheUnit(unit);
          return { kind: 'unitStatusChanged', unit };
        }
        case 'position.fix': {
          if (!event.unitId) return null;
          const fixAt = Date.parse(event.fixAt);
          if ((lastSeen.get(event.unitId)?.fixAt ?? -Infinity) <= fixAt) lastSeen.set(event.unitId, { point: event.point, fixAt });
          return null;
        }
        case 'call.received':
        case 'call.updated':
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

function incidentFromRow(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    number: row.number,
    typeCode: row.type_code,
    typeText: row.type_text,
    priority: row.priority,
    status: row.status as IncidentStatus,
    location: locationFromRow(row),
    narrative: row.narrative,
    reportedAt: row.reported_at,
    updatedAt: row.updated_at,
  };
}

function unitFromRow(row: UnitRow): UnitRecord {
  return {
    id: row.id,
    callSign: row.call_sign,
    status: row.status as UnitStatus,
    incidentId: row.incident_id,
    updatedAt: row.updated_at,
  };
}

/** Groups rows under the keys they belong to, in the keys' order (DataLoader's contract). */
function groupBy<Row, Out>(
  keys: readonly string[],
  rows: readonly Row[],
  keyOf: (row: Row) => string | null,
  map: (row: Row) => Out,
): Out[][] {
  const groups = new Map<string, Out[]>(keys.map((key) => [key, []]));
  for (const row of rows) {
    const key = keyOf(row);
    if (key !== null) groups.get(key)?.push(map(row));
  }
  return keys.map((key) => groups.get(key) ?? []);
}

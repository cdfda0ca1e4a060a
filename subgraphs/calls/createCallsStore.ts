import type { CallReceived, CallState, CallUpdated, DomainEvent } from '../../contract';
import { assertNever } from '../../errors/assertNever';
import type { Knex } from 'knex';
import { type Area, areaBounds, areaContains } from '../../geo/area';
import type { DataClass } from '../../retention/dataClass';
import { deleteClassRows } from '../../retention/deleteClassRows';
import type { RetentionParticipant } from '../../retention/retentionParticipant';
import type { Database } from '../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../../storage/keysetConnection';
import { type LocationRecord, locationColumns, locationFromRow, whereLocationInBox } from '../locationColumns';

export interface CallRecord {
  readonly id: string;
  readonly state: CallState;
  readonly receivedAt: Date;
  readonly updatedAt: Date;
  readonly location: LocationRecord | null;
  readonly classOfService: string | null;
  readonly callbackNumber: string | null;
  /** Restricted: the subscriber's name. */
  readonly callerName: string | null;
  /** Restricted: the subscriber's civic address. */
  readonly callerAddress: string | null;
  /** Restricted: where the call's audio plays. */
  readonly audioUrl: string | null;
}

/** A call that an event created or changed, for the subgraph's subscriptions. */
export interface CallChange {
  readonly kind: 'callReceived' | 'callUpdated';
  readonly call: CallRecord;
}

export interface CallFilter {
  readonly state?: readonly CallState[] | null;
  readonly receivedSince?: Date | null;
}

interface CallRow {
  id: string;
  state: string;
  received_at: Date;
  updated_at: Date;
  lat: number | null;
  lon: number | null;
  address: string | null;
  uncertainty_m: number | null;
  class_of_service: string | null;
  callback_number: string | null;
  caller_name: string | null;
  caller_address: string | null;
  audio_url: string | null;
  caller_updated_at: Date | null;
}

/** 911 call storage: reads take lists of keys and issue one query each, for DataLoader batching. */
export interface CallsStore {
  callsByIds(ids: readonly string[]): Promise<(CallRecord | null)[]>;
  /** A page of calls; with an `area`, only calls whose location lies in it (pages stay full). */
  listCalls(
    filter: CallFilter,
    first: number,
    after: string | null | undefined,
    area?: Area | null,
  ): Promise<Connection<CallRecord>>;
  /** Applies a call event; older events never overwrite newer state. Returns what changed. */
  apply(event: DomainEvent): Promise<CallChange | null>;
  /**
   * Retention of `calls`, declared here: a purge deletes the rows (no call is kept in memory
   * between requests; CAD drops its links to them).
   */
  readonly retention: RetentionParticipant;
}

/** The retention class of the 911 calls, in the table `calls` of `schema`; a call may be held as intelligence. */
export function callsClass(schema: string): DataClass {
  return {
    name: 'calls',
    description:
      "911 calls: caller location, class of service, callback number, caller name and address, and the reference to the call audio (the audio itself stays in the PSAP's recorder).",
    schema,
    table: 'calls',
    idColumn: 'id',
    timeColumn: 'updated_at',
    retentionSetting: 'retentionCallsDays',
    intelligenceRecordType: 'call',
  };
}

export function createCallsStore(db: Database): CallsStore {
  const calls = () => db.table('calls');
  return {
    retention: {
      dataClasses: [callsClass(db.schema)],
      purge: async (request) => ({ kind: 'deleted', ids: await deleteClassRows(db.knex, request), dependentsDeleted: {} }),
    },
    async callsByIds(ids) {
      const rows: CallRow[] = await calls().whereIn('id', ids);
      const byId = new Map(rows.map((row) => [row.id, callFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    listCalls(filter, first, after, area = null) {
      const query = calls();
      if (filter.state?.length) query.whereIn('state', filter.state);
      if (filter.receivedSince) query.where('received_at', '>=', filter.receivedSince);
      if (area) whereLocationInBox(query, areaBounds(area));
      return fetchKeysetConnection<CallRow, CallRecord>({
        query,
        sortColumn: 'received_at',
        idColumn: 'id',
        descending: true,
        first,
        after,
        keyOf: (row) => [row.received_at.toISOString(), row.id],
        toNode: callFromRow,
        ...(area && { accept: (row: CallRow) => isRowInArea(row, area) }),
      });
    },
    async apply(event) {
      switch (event.type) {
        case 'call.received': {
          const row: Record<string, unknown> = {
            id: event.callId,
            state: event.state,
            received_at: new Date(event.occurredAt),
            updated_at: new Date(event.occurredAt),
            ...(event.location ? locationColumns(event.location) : {}),
            class_of_service: event.classOfService,
            callback_number: event.callbackNumber,
          };
          const identity = callerColumns(event);
          const rows: CallRow[] = await calls()
            .insert({ ...row, ...identity })
            .onConflict('id')
            .merge(mergeReceived(db, Object.keys(row), Object.keys(identity)))
            .whereRaw('calls.updated_at <= excluded.updated_at')
            .returning('*');
          return changed('callReceived', rows);
        }
        case 'call.updated': {
          const patch: Record<string, unknown> = { updated_at: new Date(event.occurredAt) };
          if (event.state !== undefined) patch.state = event.state;
          if (event.location !== undefined) Object.assign(patch, locationColumns(event.location));
          if (event.classOfService !== undefined) patch.class_of_service = event.classOfService;
          const identity = callerColumns(event);
          const hasIdentity = Object.keys(identity).length > 0;
          let rows: CallRow[] = [];
          if (!hasIdentity || Object.keys(patch).length > 1) {
            rows = await calls()
              .where('id', event.callId)
              .where('updated_at', '<=', new Date(event.occurredAt))
              .update(patch)
              .returning('*');
          }
          if (hasIdentity) {
            // Ordered by caller_updated_at alone: a CAD may state the caller after the feed moved on.
            const updated: CallRow[] = await calls()
              .where('id', event.callId)
              .where((newer) =>
                newer.whereNull('caller_updated_at').orWhere('caller_updated_at', '<=', new Date(event.occurredAt)),
              )
              .update(identity)
              .returning('*');
            if (updated.length > 0) rows = updated;
          }
          return changed('callUpdated', rows);
        }
        case 'incident.created':
        case 'incident.updated':
        case 'unit.statusChanged':
        case 'position.fix':
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

/** The caller columns an event states (absent fields are left out), stamped with its time. */
function callerColumns(event: CallReceived | CallUpdated): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (event.callerName !== undefined) columns.caller_name = event.callerName;
  if (event.callerAddress !== undefined) columns.caller_address = event.callerAddress;
  if (event.audioUrl !== undefined) columns.audio_url = event.audioUrl;
  if (Object.keys(columns).length > 0) columns.caller_updated_at = new Date(event.occurredAt);
  return columns;
}

/**
 * What a repeated or late `call.received` overwrites: the call's columns, and its caller columns
 * only when no newer statement of them (an EIDO's) has been applied.
 */
function mergeReceived(db: Database, callColumns: readonly string[], identityColumns: readonly string[]) {
  const merge: Record<string, Knex.Raw> = {};
  for (const column of callColumns) if (column !== 'id') merge[column] = db.knex.raw('excluded.??', [column]);
  for (const column of identityColumns) {
    merge[column] = db.knex.raw(
      'CASE WHEN calls.caller_updated_at IS NULL OR calls.caller_updated_at <= excluded.caller_updated_at THEN excluded.?? ELSE calls.?? END',
      [column, column],
    );
  }
  return merge;
}

/** A call with no location yet lies in no area. */
function isRowInArea(row: CallRow, area: Area): boolean {
  return row.lat !== null && row.lon !== null && areaContains(area, { lat: row.lat, lon: row.lon });
}

function changed(kind: CallChange['kind'], rows: readonly CallRow[]): CallChange | null {
  const [row] = rows;
  return row ? { kind, call: callFromRow(row) } : null;
}

function callFromRow(row: CallRow): CallRecord {
  return {
    id: row.id,
    state: row.state as CallState,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
    location: row.lat === null || row.lon === null ? null : locationFromRow({ ...row, lat: row.lat, lon: row.lon }),
    classOfService: row.class_of_service,
    callbackNumber: row.callback_number,
    callerName: row.caller_name,
    callerAddress: row.caller_address,
    audioUrl: row.audio_url,
  };
}

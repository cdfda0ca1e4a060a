import type { CallState, DomainEvent } from '../../adapters/contract';
import { assertNever } from '../../errors/assertNever';
import type { Database } from '../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../keysetConnection';
import { type LocationRecord, locationColumns, locationFromRow } from '../locationColumns';

export interface CallRecord {
  readonly id: string;
  readonly state: CallState;
  readonly receivedAt: Date;
  readonly updatedAt: Date;
  readonly location: LocationRecord | null;
  readonly classOfService: string | null;
  readonly callbackNumber: string | null;
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
}

/** 911 call storage: reads take lists of keys and issue one query each, for DataLoader batching. */
export interface CallsStore {
  callsByIds(ids: readonly string[]): Promise<(CallRecord | null)[]>;
  listCalls(filter: CallFilter, first: number, after: string | null | undefined): Promise<Connection<CallRecord>>;
  /** Applies a call event; older events never overwrite newer state. Returns what changed. */
  apply(event: DomainEvent): Promise<CallChange | null>;
}

export function createCallsStore(db: Database): CallsStore {
  const calls = () => db.table('calls');
  return {
    async callsByIds(ids) {
      const rows: CallRow[] = await calls().whereIn('id', ids);
      const byId = new Map(rows.map((row) => [row.id, callFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    listCalls(filter, first, after) {
      const query = calls();
      if (filter.state?.length) query.whereIn('state', filter.state);
      if (filter.receivedSince) query.where('received_at', '>=', filter.receivedSince);
      return fetchKeysetConnection<CallRow, CallRecord>({
        query,
        sortColumn: 'received_at',
        idColumn: 'id',
        descending: true,
        first,
        after,
        keyOf: (row) => [row.received_at.toISOString(), row.id],
        toNode: callFromRow,
      });
    },
    async apply(event) {
      switch (event.type) {
        case 'call.received': {
          const rows: CallRow[] = await calls()
            .insert({
              id: event.callId,
              state: event.state,
              received_at: new Date(event.occurredAt),
              updated_at: new Date(event.occurredAt),
              ...(event.location ? locationColumns(event.location) : {}),
              class_of_service: event.classOfService,
              callback_number: event.callbackNumber,
            })
            .onConflict('id')
            .merge()
            .whereRaw('calls.updated_at <= excluded.updated_at')
            .returning('*');
          return changed('callReceived', rows);
        }
        case 'call.updated': {
          const patch: Record<string, unknown> = { updated_at: new Date(event.occurredAt) };
          if (event.state !== undefined) patch.state = event.state;
          if (event.location !== undefined) Object.assign(patch, locationColumns(event.location));
          if (event.classOfService !== undefined) patch.class_of_service = event.classOfService;
          const rows: CallRow[] = await calls()
            .where('id', event.callId)
            .where('updated_at', '<=', new Date(event.occurredAt))
            .update(patch)
            .returning('*');
          return changed('callUpdated', rows);
        }
        case 'incident.created':
        case 'incident.updated':
        case 'unit.statusChanged':
        case 'position.fix':
        case 'camera.discovered':
        case 'camera.statusChanged':
          return null;
        default:
          return assertNever(event);
      }
    },
  };
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
  };
}

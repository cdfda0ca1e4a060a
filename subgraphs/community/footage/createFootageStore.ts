import type { Knex } from 'knex';
import type { Database } from '../../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../../../storage/keysetConnection';
import { deleteClassRows } from '../../../retention/deleteClassRows';
import type { DataClass } from '../../../retention/dataClass';
import type { RetentionParticipant } from '../../../retention/retentionParticipant';

/** Where a footage request stands (GraphQL `FootageRequestStatus`). */
export const FOOTAGE_REQUEST_STATUSES = ['OPEN', 'APPROVED', 'DENIED', 'FULFILLED', 'EXPIRED'] as const;
export type FootageRequestStatus = (typeof FOOTAGE_REQUEST_STATUSES)[number];

/** Statuses in which a request still waits for its owner (and can expire). */
export const WAITING_STATUSES: readonly FootageRequestStatus[] = ['OPEN', 'APPROVED'];

export interface FootageRequestRecord {
  readonly id: string;
  readonly cameraId: string;
  readonly ownerId: string;
  readonly from: Date;
  readonly to: Date;
  readonly message: string | null;
  readonly caseNumber: string;
  readonly requestedBy: string;
  readonly status: FootageRequestStatus;
  readonly requestedAt: Date;
  readonly expiresAt: Date;
  readonly answeredAt: Date | null;
  readonly answerNote: string | null;
  readonly notifiedAt: Date | null;
  readonly notifyAttempts: number;
  readonly notifyAfter: Date | null;
}

export interface FootageClipRecord {
  readonly requestId: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly contentType: string;
  readonly uploadedBy: string;
  readonly uploadedAt: Date;
}

/** Which requests to list; `ownerId`: undefined, every owner's; null, none; else that owner's only. */
export interface FootageRequestQuery {
  readonly status?: readonly FootageRequestStatus[] | null;
  readonly cameraId?: string | null;
  readonly ownerId: string | null | undefined;
  readonly first: number;
  readonly after: string | null | undefined;
}

export interface StoredClip {
  readonly record: FootageClipRecord;
  /** Whether these bytes were new to the store (false: the same content was already held). */
  readonly newBytes: boolean;
  readonly request: FootageRequestRecord;
}

interface RequestRow {
  id: string;
  camera_id: string;
  owner_id: string;
  from_at: Date;
  to_at: Date;
  message: string | null;
  case_number: string;
  requested_by: string;
  status: string;
  requested_at: Date;
  expires_at: Date;
  answered_at: Date | null;
  answer_note: string | null;
  notified_at: Date | null;
  notify_attempts: number;
  notify_after: Date | null;
}

interface ClipRow {
  request_id: string;
  sha256: string;
  size_bytes: number | string;
  content_type: string;
  uploaded_by: string;
  uploaded_at: Date;
}

/** The retention class of footage requests and their clips: case data (evidence), kept RETENTION_COMMUNITY_FOOTAGE_DAYS. */
export function footageClass(schema: string): DataClass {
  return {
    name: 'community-footage',
    description:
      "Footage requests to community camera owners (window, case number, who asked, the owner's answer) and the clips uploaded for them (bytes by SHA-256, who uploaded them and when): case evidence.",
    schema,
    table: 'footage_requests',
    idColumn: 'id',
    timeColumn: 'requested_at',
    retentionSetting: 'retentionCommunityFootageDays',
  };
}

/** The footage desk's rows: requests, clips and the bytes they name. */
export function createFootageStore(db: Database) {
  const requests = () => db.table('footage_requests');
  const clips = () => db.table('footage_clips');
  const blobs = () => db.table('footage_blobs');

  const purgeBlobsNoClipNames = async (knex: Knex): Promise<number> => {
    const gone = (await knex
      .withSchema(db.schema)
      .table('footage_blobs')
      .whereNotExists((q) => q.select(knex.raw('1')).from(`${db.schema}.footage_clips`).whereRaw('footage_clips.sha256 = footage_blobs.sha256'))
      .delete()
      .returning('sha256')) as unknown[];
    return gone.length;
  };

  const retention: RetentionParticipant = {
    dataClasses: [footageClass(db.schema)],
    async purge(request) {
      // The clips of the requests that go, counted (a clip added meanwhile goes by ON DELETE CASCADE),
      // then the requests, then the bytes no clip names any more.
      const doomed = db.knex.withSchema(db.schema).table('footage_requests').select('id');
      request.selectRows(doomed, db.knex);
      const clipsDeleted = ((await clips().whereIn('request_id', doomed).delete().returning('sha256')) as unknown[]).length;
      const ids = await deleteClassRows(db.knex, request);
      const blobsDeleted = clipsDeleted > 0 ? await purgeBlobsNoClipNames(db.knex) : 0;
      const dependentsDeleted: Record<string, number> = {};
      if (clipsDeleted > 0) dependentsDeleted[`${db.schema}.footage_clips`] = clipsDeleted;
      if (blobsDeleted > 0) dependentsDeleted[`${db.schema}.footage_blobs`] = blobsDeleted;
      return { kind: 'deleted', ids, dependentsDeleted };
    },
  };

  return {
    retention,

    async insertRequests(records: readonly FootageRequestRecord[]): Promise<void> {
      await db.knex.transaction(async (trx) => {
        await trx.withSchema(db.schema).table('footage_requests').insert(records.map(rowOf));
      });
    },

    async requestsByIds(ids: readonly string[]): Promise<(FootageRequestRecord | null)[]> {
      const rows = (await requests().whereIn('id', ids)) as RequestRow[];
      const byId = new Map(rows.map((row) => [row.id, requestFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },

    listRequests(query: FootageRequestQuery): Promise<Connection<FootageRequestRecord>> {
      const q = requests();
      if (query.ownerId === null) q.whereRaw('false');
      else if (query.ownerId !== undefined) q.where('owner_id', query.ownerId);
      if (query.status?.length) q.whereIn('status', query.status);
      if (query.cameraId != null) q.where('camera_id', query.cameraId);
      return fetchKeysetConnection<RequestRow, FootageRequestRecord>({
        query: q,
        sortColumn: 'requested_at',
        idColumn: 'id',
        descending: true,
        first: query.first,
        after: query.after,
        keyOf: (row) => [new Date(row.requested_at).toISOString(), row.id],
        toNode: requestFromRow,
      });
    },

    /** Sets the owner's answer of an OPEN request not yet expired at `at`; null when it was not (any more). */
    async answer(id: string, approve: boolean, note: string | null, at: Date): Promise<FootageRequestRecord | null> {
      const [row] = (await requests()
        .where({ id, status: 'OPEN' })
        .where('expires_at', '>', at)
        .update({ status: approve ? 'APPROVED' : 'DENIED', answered_at: at, answer_note: note })
        .returning('*')) as RequestRow[];
      return row ? requestFromRow(row) : null;
    },

    /** Requests still waiting whose time ran out by `at`. */
    async dueForExpiry(at: Date, limit = 500): Promise<FootageRequestRecord[]> {
      const rows = (await requests().whereIn('status', WAITING_STATUSES).where('expires_at', '<=', at).orderBy('expires_at').limit(limit)) as RequestRow[];
      return rows.map(requestFromRow);
    },

    /** Marks these requests EXPIRED where they still wait; returns those it changed. */
    async expire(ids: readonly string[]): Promise<FootageRequestRecord[]> {
      if (ids.length === 0) return [];
      const rows = (await requests().whereIn('id', ids).whereIn('status', WAITING_STATUSES).update({ status: 'EXPIRED' }).returning('*')) as RequestRow[];
      return rows.map(requestFromRow);
    },

    /** OPEN requests, not expired at `at`, whose owner has not been notified, fewest attempts first. */
    async awaitingNotification(at: Date, maxAttempts: number, limit = 100): Promise<FootageRequestRecord[]> {
      const rows = (await requests()
        .where('status', 'OPEN')
        .whereNull('notified_at')
        .where('expires_at', '>', at)
        .where('notify_attempts', '<', maxAttempts)
        .where((q) => q.whereNull('notify_after').orWhere('notify_after', '<=', at))
        .orderBy([{ column: 'notify_attempts' }, { column: 'requested_at' }, { column: 'id' }])
        .limit(limit)) as RequestRow[];
      return rows.map(requestFromRow);
    },

    /**
     * Takes the request's notification for one sender until `until` (a lease: the sweep of this
     * or another replica leaves it alone meanwhile); false when it is sent or another sender has it.
     */
    async claimNotification(id: string, at: Date, until: Date): Promise<boolean> {
      const claimed = (await requests()
        .where('id', id)
        .whereNull('notified_at')
        .where((q) => q.whereNull('notify_after').orWhere('notify_after', '<=', at))
        .update({ notify_after: until })
        .returning('id')) as unknown[];
      return claimed.length > 0;
    },

    /** Counts one attempt to notify the owner: done (`sentAt`), or failed and not to be retried before `retryAfter`. */
    async recordNotification(id: string, outcome: { sentAt: Date } | { retryAfter: Date }): Promise<void> {
      await requests()
        .where('id', id)
        .update({
          notify_attempts: db.knex.raw('notify_attempts + 1'),
          ...('sentAt' in outcome ? { notified_at: outcome.sentAt, notify_after: null } : { notify_after: outcome.retryAfter }),
        });
    },

    async clipsOf(requestIds: readonly string[]): Promise<FootageClipRecord[][]> {
      const rows = (await clips().whereIn('request_id', requestIds).orderBy([{ column: 'uploaded_at' }, { column: 'sha256' }])) as ClipRow[];
      const byRequest = new Map<string, FootageClipRecord[]>();
      for (const row of rows) {
        const list = byRequest.get(row.request_id) ?? [];
        list.push(clipFromRow(row));
        byRequest.set(row.request_id, list);
      }
      return requestIds.map((id) => byRequest.get(id) ?? []);
    },

    async clip(requestId: string, sha256: string): Promise<FootageClipRecord | null> {
      const [row] = (await clips().where({ request_id: requestId, sha256 })) as ClipRow[];
      return row ? clipFromRow(row) : null;
    },

    async clipBytes(sha256: string): Promise<Buffer | null> {
      const [row] = (await blobs().where({ sha256 }).select('bytes')) as { bytes: Uint8Array }[];
      return row ? Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) : null;
    },

    /**
     * Stores a clip for a request that still takes one (APPROVED, or FULFILLED with other
     * clips), not expired at `at`, and marks it FULFILLED, in one transaction: the bytes once per
     * SHA-256, the clip row once per request and content. Null when the request takes none.
     */
    async storeClip(clip: FootageClipRecord, bytes: Buffer, at: Date): Promise<StoredClip | null> {
      return db.knex.transaction(async (trx) => {
        const table = (name: string) => trx.withSchema(db.schema).table(name);
        const [row] = (await table('footage_requests')
          .where('id', clip.requestId)
          .whereIn('status', ['APPROVED', 'FULFILLED'])
          .where('expires_at', '>', at)
          .update({ status: 'FULFILLED' })
          .returning('*')) as RequestRow[];
        if (!row) return null;
        const inserted = (await table('footage_blobs')
          .insert({ sha256: clip.sha256, bytes, size_bytes: clip.sizeBytes, stored_at: clip.uploadedAt })
          .onConflict('sha256')
          .ignore()
          .returning('sha256')) as unknown[];
        await table('footage_clips')
          .insert({
            request_id: clip.requestId,
            sha256: clip.sha256,
            size_bytes: clip.sizeBytes,
            content_type: clip.contentType,
            uploaded_by: clip.uploadedBy,
            uploaded_at: clip.uploadedAt,
          })
          .onConflict(['request_id', 'sha256'])
          .ignore();
        return { record: clip, newBytes: inserted.length > 0, request: requestFromRow(row) };
      });
    },

    /** Requests made since `since`, for the program view. */
    async requestsSince(since: Date): Promise<FootageRequestRecord[]> {
      const rows = (await requests().where('requested_at', '>=', since)) as RequestRow[];
      return rows.map(requestFromRow);
    },

    /** The owner's requests still waiting (for erasure). */
    async waitingOf(ownerId: string): Promise<FootageRequestRecord[]> {
      const rows = (await requests().where('owner_id', ownerId).whereIn('status', WAITING_STATUSES)) as RequestRow[];
      return rows.map(requestFromRow);
    },

    /** Forgets the notes an erased owner wrote on requests that no clip answered (they may name them). */
    async clearNotesOf(ownerId: string): Promise<void> {
      await requests().where('owner_id', ownerId).whereNot('status', 'FULFILLED').update({ answer_note: null });
    },
  };
}

export type FootageStore = ReturnType<typeof createFootageStore>;

function rowOf(record: FootageRequestRecord) {
  return {
    id: record.id,
    camera_id: record.cameraId,
    owner_id: record.ownerId,
    from_at: record.from,
    to_at: record.to,
    message: record.message,
    case_number: record.caseNumber,
    requested_by: record.requestedBy,
    status: record.status,
    requested_at: record.requestedAt,
    expires_at: record.expiresAt,
    answered_at: record.answeredAt,
    answer_note: record.answerNote,
    notified_at: record.notifiedAt,
    notify_attempts: record.notifyAttempts,
    notify_after: record.notifyAfter,
  };
}

const dateOf = (value: Date | string) => new Date(value);
const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

function requestFromRow(row: RequestRow): FootageRequestRecord {
  return {
    id: row.id,
    cameraId: row.camera_id,
    ownerId: row.owner_id,
    from: dateOf(row.from_at),
    to: dateOf(row.to_at),
    message: row.message,
    caseNumber: row.case_number,
    requestedBy: row.requested_by,
    status: row.status as FootageRequestStatus,
    requestedAt: dateOf(row.requested_at),
    expiresAt: dateOf(row.expires_at),
    answeredAt: dateOrNull(row.answered_at),
    answerNote: row.answer_note,
    notifiedAt: dateOrNull(row.notified_at),
    notifyAttempts: Number(row.notify_attempts),
    notifyAfter: dateOrNull(row.notify_after),
  };
}

function clipFromRow(row: ClipRow): FootageClipRecord {
  return {
    requestId: row.request_id,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    contentType: row.content_type,
    uploadedBy: row.uploaded_by,
    uploadedAt: dateOf(row.uploaded_at),
  };
}

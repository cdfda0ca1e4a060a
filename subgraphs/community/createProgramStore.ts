import type { Knex } from 'knex';
import type { Database } from '../../storage/createDatabase';
import { type Connection, fetchKeysetConnection } from '../../storage/keysetConnection';
import type { ProgramLevel, RegistrationStatus, SharingMode, SharingTerms, WeeklyWindow } from './evaluateSharingTerms';
import type { ValidProfile, ValidRegistration } from './validateRegistration';

export interface OwnerRecord {
  readonly id: string;
  readonly displayName: string | null;
  readonly contactName: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly notifyBy: 'EMAIL' | 'SMS' | 'NONE';
  /** Whether an alarm secret is set (the secret itself never leaves the store but to check a signature). */
  readonly alarmConfigured: boolean;
  readonly alarmRaisedAt: Date | null;
  readonly joinedAt: Date;
}

export interface RegistrationRecord {
  readonly id: string;
  /** `community:<id>`: the camera's id in the camera directory. */
  readonly cameraId: string;
  readonly ownerId: string;
  readonly name: string;
  readonly location: { readonly point: { readonly lat: number; readonly lon: number }; readonly address: string | null; readonly uncertaintyMeters: null };
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly level: ProgramLevel;
  readonly status: RegistrationStatus;
  readonly streamUrl: string | null;
  readonly snapshotUrl: string | null;
  readonly terms: SharingTerms;
  readonly linkEpoch: number;
  readonly registeredAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
  readonly decisionNote: string | null;
  readonly updatedAt: Date;
}

export interface RegistrationFilter {
  readonly status?: readonly RegistrationStatus[] | null;
  readonly level?: readonly string[] | null;
}

interface OwnerRow {
  id: string;
  display_name: string | null;
  contact_name: string | null;
  phone: string | null;
  email: string | null;
  notify_by: string;
  alarm_secret: string | null;
  alarm_raised_at: Date | null;
  joined_at: Date;
  updated_at: Date;
}

interface RegistrationRow {
  id: string;
  camera_id: string;
  owner_id: string;
  name: string;
  lat: number;
  lon: number;
  address: string | null;
  heading_deg: number | null;
  fov_deg: number | null;
  range_m: number | null;
  level: string;
  status: string;
  stream_url: string | null;
  snapshot_url: string | null;
  terms_mode: string;
  terms_schedule: WeeklyWindow[] | string;
  alarm_minutes: number;
  link_epoch: number;
  registered_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decision_note: string | null;
  updated_at: Date;
}

/** What erasing a registration removed. */
export interface Erasure {
  readonly registration: RegistrationRecord;
  /** True when it was the owner's last camera, and their profile and alarm secret went with it. */
  readonly ownerErased: boolean;
}

export interface ProgramStore {
  ownersByIds(ids: readonly string[]): Promise<(OwnerRecord | null)[]>;
  /** Creates the owner's row (no personal data) if there is none yet. */
  ensureOwner(ownerId: string, now: Date): Promise<void>;
  saveProfile(ownerId: string, profile: ValidProfile, now: Date): Promise<OwnerRecord>;
  setAlarmSecret(ownerId: string, secret: string, now: Date): Promise<void>;
  alarmSecretOf(ownerId: string): Promise<string | null>;
  /** Opens (a time) or closes (null) the owner's alarm; resolves false for an unknown owner. */
  setAlarm(ownerId: string, raisedAt: Date | null, now: Date): Promise<boolean>;

  insertRegistration(registration: { id: string; cameraId: string; ownerId: string } & ValidRegistration, now: Date): Promise<RegistrationRecord>;
  registrationsByIds(ids: readonly string[]): Promise<(RegistrationRecord | null)[]>;
  registrationsByCameraIds(cameraIds: readonly string[]): Promise<(RegistrationRecord | null)[]>;
  /** Newest first. `ownerId`: only that owner's; null: none; undefined: every owner's. */
  listRegistrations(filter: RegistrationFilter, first: number, after: string | null | undefined, ownerId: string | null | undefined): Promise<Connection<RegistrationRecord>>;
  registrationsOfOwner(ownerId: string): Promise<RegistrationRecord[]>;
  /** Every registration not erased (pending, approved, rejected, withdrawn and kept), for the footage desk's program view. */
  programRegistrations(): Promise<RegistrationRecord[]>;
  /** Approved integrated registrations whose access the clock changes (SCHEDULE, ALARM), with their owner's alarm. */
  clockDrivenRegistrations(): Promise<{ registration: RegistrationRecord; alarmRaisedAt: Date | null }[]>;
  /** Decides a PENDING registration; null when it is not pending (any more). */
  decide(id: string, decision: { status: 'APPROVED' | 'REJECTED'; note: string | null; decidedBy: string }, now: Date): Promise<RegistrationRecord | null>;
  /** Puts a decision back (the camera directory could not be told of an approval), so that staff can decide again. */
  undoDecision(id: string, now: Date): Promise<void>;
  /** New terms (and level, and status); the link epoch moves on so that earlier links refuse. */
  updateTerms(id: string, change: { terms: SharingTerms; level: ProgramLevel; status: RegistrationStatus }, now: Date): Promise<RegistrationRecord | null>;
  /** Marks the registration WITHDRAWN (kept, register-only); earlier links refuse. */
  withdraw(id: string, now: Date): Promise<RegistrationRecord | null>;
  /** Deletes the registration, and the owner's row with their last camera; null when there was none. */
  erase(id: string): Promise<Erasure | null>;
}

/** The program desk's tables (programMigrations): owners and registrations. */
export function createProgramStore(db: Database): ProgramStore {
  const owners = (k: Knex = db.knex) => k.withSchema(db.schema).table('owners');
  const registrations = (k: Knex = db.knex) => k.withSchema(db.schema).table('registrations');
  const one = async (query: Knex.QueryBuilder) => {
    const [row] = (await query.returning('*')) as RegistrationRow[];
    return row ? registrationFromRow(row) : null;
  };

  return {
    async ownersByIds(ids) {
      const rows: OwnerRow[] = await owners().whereIn('id', ids);
      const byId = new Map(rows.map((row) => [row.id, ownerFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    async ensureOwner(ownerId, now) {
      await owners().insert({ id: ownerId, joined_at: now, updated_at: now }).onConflict('id').ignore();
    },
    async saveProfile(ownerId, profile, now) {
      const columns = {
        display_name: profile.displayName,
        contact_name: profile.contactName,
        phone: profile.phone,
        email: profile.email,
        notify_by: profile.notifyBy,
        updated_at: now,
      };
      const [row] = (await owners()
        .insert({ id: ownerId, ...columns, joined_at: now })
        .onConflict('id')
        .merge(Object.keys(columns))
        .returning('*')) as OwnerRow[];
      if (!row) throw new Error(`owner ${ownerId} was not saved`);
      return ownerFromRow(row);
    },
    async setAlarmSecret(ownerId, secret, now) {
      await owners()
        .insert({ id: ownerId, alarm_secret: secret, joined_at: now, updated_at: now })
        .onConflict('id')
        .merge(['alarm_secret', 'updated_at']);
    },
    async alarmSecretOf(ownerId) {
      const row = (await owners().where('id', ownerId).first('alarm_secret')) as Pick<OwnerRow, 'alarm_secret'> | undefined;
      return row?.alarm_secret ?? null;
    },
    async setAlarm(ownerId, raisedAt, now) {
      const updated = await owners().where('id', ownerId).update({ alarm_raised_at: raisedAt, updated_at: now });
      return updated > 0;
    },

    async insertRegistration(registration, now) {
      const [row] = (await registrations()
        .insert({
          id: registration.id,
          camera_id: registration.cameraId,
          owner_id: registration.ownerId,
          name: registration.name,
          lat: registration.point.lat,
          lon: registration.point.lon,
          address: registration.address,
          heading_deg: registration.headingDegrees,
          fov_deg: registration.fieldOfViewDegrees,
          range_m: registration.rangeMeters,
          level: registration.level,
          status: 'PENDING',
          stream_url: registration.streamUrl,
          snapshot_url: registration.snapshotUrl,
          ...termsColumns(registration.terms),
          link_epoch: 0,
          registered_at: now,
          updated_at: now,
        })
        .returning('*')) as RegistrationRow[];
      if (!row) throw new Error(`registration ${registration.id} was not stored`);
      return registrationFromRow(row);
    },
    async registrationsByIds(ids) {
      const rows: RegistrationRow[] = await registrations().whereIn('id', ids);
      const byId = new Map(rows.map((row) => [row.id, registrationFromRow(row)]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    async registrationsByCameraIds(cameraIds) {
      const rows: RegistrationRow[] = await registrations().whereIn('camera_id', cameraIds);
      const byId = new Map(rows.map((row) => [row.camera_id, registrationFromRow(row)]));
      return cameraIds.map((id) => byId.get(id) ?? null);
    },
    listRegistrations(filter, first, after, ownerId) {
      const query = registrations();
      if (filter.status?.length) query.whereIn('status', filter.status);
      if (filter.level?.length) query.whereIn('level', filter.level);
      if (ownerId === null) query.whereRaw('false');
      else if (ownerId !== undefined) query.where('owner_id', ownerId);
      return fetchKeysetConnection<RegistrationRow, RegistrationRecord>({
        query,
        sortColumn: 'registered_at',
        idColumn: 'id',
        descending: true,
        first,
        after,
        keyOf: (row) => [row.registered_at.toISOString(), row.id],
        toNode: registrationFromRow,
      });
    },
    async registrationsOfOwner(ownerId) {
      const rows: RegistrationRow[] = await registrations().where('owner_id', ownerId).orderBy([
        { column: 'registered_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
      return rows.map(registrationFromRow);
    },
    async programRegistrations() {
      const rows: RegistrationRow[] = await registrations().orderBy('id');
      return rows.map(registrationFromRow);
    },
    async clockDrivenRegistrations() {
      const rows = (await registrations()
        .leftJoin('owners as o', 'o.id', 'registrations.owner_id')
        .where('registrations.status', 'APPROVED')
        .where('registrations.level', 'INTEGRATED')
        .whereIn('registrations.terms_mode', ['SCHEDULE', 'ALARM'])
        .select('registrations.*', 'o.alarm_raised_at as owner_alarm_raised_at')) as (RegistrationRow & { owner_alarm_raised_at: Date | null })[];
      return rows.map((row) => ({ registration: registrationFromRow(row), alarmRaisedAt: row.owner_alarm_raised_at }));
    },
    decide(id, { status, note, decidedBy }, now) {
      return one(
        registrations()
          .where({ id, status: 'PENDING' })
          .update({ status, decision_note: note, decided_by: decidedBy, decided_at: now, updated_at: now }),
      );
    },
    async undoDecision(id, now) {
      await registrations().where({ id, status: 'APPROVED' }).update({ status: 'PENDING', decision_note: null, decided_by: null, decided_at: null, updated_at: now });
    },
    updateTerms(id, { terms, level, status }, now) {
      return one(
        registrations()
          .where('id', id)
          .update({ ...termsColumns(terms), level, status, link_epoch: db.knex.raw('link_epoch + 1'), updated_at: now }),
      );
    },
    withdraw(id, now) {
      return one(
        registrations()
          .where('id', id)
          .update({ status: 'WITHDRAWN', link_epoch: db.knex.raw('link_epoch + 1'), updated_at: now }),
      );
    },
    async erase(id) {
      return db.knex.transaction(async (trx) => {
        const [row] = (await registrations(trx).where('id', id).del().returning('*')) as RegistrationRow[];
        if (!row) return null;
        const left = (await registrations(trx).where('owner_id', row.owner_id).count<{ count: string | number }[]>('id as count'))[0];
        const ownerErased = Number(left?.count ?? 0) === 0;
        if (ownerErased) await owners(trx).where('id', row.owner_id).del();
        return { registration: registrationFromRow(row), ownerErased };
      });
    },
  };
}

function termsColumns(terms: SharingTerms) {
  return { terms_mode: terms.mode, terms_schedule: JSON.stringify(terms.schedule), alarm_minutes: terms.alarmMinutes };
}

function ownerFromRow(row: OwnerRow): OwnerRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    contactName: row.contact_name,
    phone: row.phone,
    email: row.email,
    notifyBy: row.notify_by as OwnerRecord['notifyBy'],
    alarmConfigured: row.alarm_secret !== null,
    alarmRaisedAt: row.alarm_raised_at,
    joinedAt: row.joined_at,
  };
}

function registrationFromRow(row: RegistrationRow): RegistrationRecord {
  // pg parses jsonb; PGlite may hand back the text.
  const schedule = typeof row.terms_schedule === 'string' ? (JSON.parse(row.terms_schedule) as WeeklyWindow[]) : row.terms_schedule;
  return {
    id: row.id,
    cameraId: row.camera_id,
    ownerId: row.owner_id,
    name: row.name,
    location: { point: { lat: row.lat, lon: row.lon }, address: row.address, uncertaintyMeters: null },
    headingDegrees: row.heading_deg,
    fieldOfViewDegrees: row.fov_deg,
    rangeMeters: row.range_m,
    level: row.level as ProgramLevel,
    status: row.status as RegistrationStatus,
    streamUrl: row.stream_url,
    snapshotUrl: row.snapshot_url,
    terms: { mode: row.terms_mode as SharingMode, schedule, alarmMinutes: row.alarm_minutes },
    linkEpoch: row.link_epoch,
    registeredAt: row.registered_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionNote: row.decision_note,
    updatedAt: row.updated_at,
  };
}

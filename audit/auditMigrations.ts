import type { Migration } from '../storage/createDatabase';
import { GENESIS_HASH } from './canonicalAuditRecord';

/**
 * Audit records are kept at least this long, whatever the configuration: FBI CJIS Security
 * Policy 5.4.7 (retain audit records for at least one year). The database enforces it.
 */
export const AUDIT_MINIMUM_RETENTION_DAYS = 365;

/** Transaction-local setting through which the purge function opens the append-only guard. */
export const PURGE_SETTING = 'rtcc_audit.purge_through_seq';

/**
 * Tables owned by the audit log, and the database-side rules that make it append-only:
 *
 * - `audit_records`: the hash-chained records. A trigger refuses every UPDATE and DELETE, and
 *   TRUNCATE, for every role (superusers included, unless they disable the trigger). The one
 *   exception is `purge_chain_prefix`, below.
 * - `chain_head`: one row holding the last record's seq and hash. Appends update it in the
 *   same statement that inserts (compare-and-set on `last_seq`), which serialises appenders in
 *   every process and lets `verify` notice records removed from the end. It only moves forward.
 * - `purge_anchors`: where the chain starts after each purge (seq and hash of the last purged
 *   record); never changed or deleted.
 * - `purge_chain_prefix(through_seq, cutoff, purge_record_seq)`: the narrow purge path. It
 *   deletes records 1‥through_seq only when all of them are older than `cutoff`, `cutoff` is at
 *   least a year ago, and a `purge` record already in the chain announces exactly this purge
 *   (same seq and hash). It records the anchor, then opens the guard for its own transaction.
 */
export const auditMigrations: readonly Migration[] = [
  {
    name: '001_audit_records',
    async up(db, schema) {
      const s = `"${schema}"`;
      await db.schema.withSchema(schema).createTable('audit_records', (t) => {
        t.bigInteger('seq').primary();
        t.timestamp('recorded_at', { useTz: true }).notNullable();
        t.text('kind').notNullable();
        t.text('subject');
        t.jsonb('roles').notNullable();
        t.text('client_id');
        t.text('operation_name');
        t.text('document_hash');
        t.jsonb('variables');
        t.jsonb('restricted_fields').notNullable();
        t.jsonb('record_ids').notNullable();
        t.text('outcome').notNullable();
        t.text('reason');
        t.text('purpose');
        t.text('disseminated_to');
        t.jsonb('details');
        t.text('prev_hash').notNullable();
        t.text('hash').notNullable();
        t.index(['recorded_at']);
        t.index(['subject', 'seq']);
        t.index(['purpose', 'seq']);
        t.index(['kind', 'seq']);
      });
      await db.raw(`CREATE INDEX audit_records_record_ids ON ${s}.audit_records USING gin (record_ids jsonb_path_ops)`);
      await db.schema.withSchema(schema).createTable('chain_head', (t) => {
        t.smallint('id').primary();
        t.bigInteger('last_seq').notNullable();
        t.text('last_hash').notNullable();
      });
      await db.raw(`ALTER TABLE ${s}.chain_head ADD CONSTRAINT chain_head_single_row CHECK (id = 1)`);
      await db.withSchema(schema).table('chain_head').insert({ id: 1, last_seq: 0, last_hash: GENESIS_HASH });
      await db.schema.withSchema(schema).createTable('purge_anchors', (t) => {
        t.bigInteger('through_seq').primary();
        t.text('through_hash').notNullable();
        t.timestamp('cutoff', { useTz: true }).notNullable();
        t.bigInteger('purge_record_seq').notNullable();
        t.bigInteger('deleted').notNullable();
        t.timestamp('purged_at', { useTz: true }).notNullable();
      });

      const minimum = `interval '${AUDIT_MINIMUM_RETENTION_DAYS} days'`;
      await db.raw(`
        CREATE FUNCTION ${s}.audit_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          allowed_through bigint;
          anchor_cutoff timestamptz;
        BEGIN
          IF TG_OP = 'DELETE' THEN
            allowed_through := nullif(current_setting('${PURGE_SETTING}', true), '')::bigint;
            IF allowed_through IS NOT NULL AND OLD.seq <= allowed_through THEN
              SELECT cutoff INTO anchor_cutoff FROM ${s}.purge_anchors WHERE through_seq = allowed_through;
              IF anchor_cutoff IS NOT NULL AND OLD.recorded_at < anchor_cutoff AND anchor_cutoff <= now() - ${minimum} THEN
                RETURN OLD;
              END IF;
            END IF;
          END IF;
          RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$`);
      await db.raw(`
        CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON ${s}.audit_records
        FOR EACH ROW EXECUTE FUNCTION ${s}.audit_records_guard()`);
      await db.raw(`
        CREATE FUNCTION ${s}.audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit table %: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$`);
      await db.raw(`
        CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON ${s}.audit_records
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_refuse()`);
      await db.raw(`
        CREATE TRIGGER purge_anchors_append_only BEFORE UPDATE OR DELETE ON ${s}.purge_anchors
        FOR EACH ROW EXECUTE FUNCTION ${s}.audit_refuse()`);
      await db.raw(`
        CREATE TRIGGER purge_anchors_no_truncate BEFORE TRUNCATE ON ${s}.purge_anchors
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_refuse()`);
      await db.raw(`
        CREATE FUNCTION ${s}.chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_seq > OLD.last_seq THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$`);
      await db.raw(`
        CREATE TRIGGER chain_head_forward_only BEFORE UPDATE OR DELETE ON ${s}.chain_head
        FOR EACH ROW EXECUTE FUNCTION ${s}.chain_head_guard()`);
      await db.raw(`
        CREATE TRIGGER chain_head_no_truncate BEFORE TRUNCATE ON ${s}.chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_refuse()`);

      await db.raw(`
        CREATE FUNCTION ${s}.purge_chain_prefix(p_through_seq bigint, p_cutoff timestamptz, p_purge_record_seq bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
          v_hash text;
          v_count bigint;
        BEGIN
          IF p_cutoff > now() - ${minimum} THEN
            RAISE EXCEPTION 'audit records are kept at least ${AUDIT_MINIMUM_RETENTION_DAYS} days; cutoff % is too recent', p_cutoff
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          SELECT hash INTO v_hash FROM ${s}.audit_records WHERE seq = p_through_seq;
          IF v_hash IS NULL THEN
            RAISE EXCEPTION 'no audit record % to purge through', p_through_seq USING ERRCODE = 'no_data_found';
          END IF;
          IF EXISTS (SELECT 1 FROM ${s}.audit_records WHERE seq <= p_through_seq AND recorded_at >= p_cutoff) THEN
            RAISE EXCEPTION 'audit records up to % are not all older than %', p_through_seq, p_cutoff
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          IF NOT EXISTS (
            SELECT 1 FROM ${s}.audit_records
            WHERE seq = p_purge_record_seq AND seq > p_through_seq AND kind = 'purge'
              AND details ->> 'throughSeq' = p_through_seq::text AND details ->> 'throughHash' = v_hash
          ) THEN
            RAISE EXCEPTION 'no purge record % announces a purge through %', p_purge_record_seq, p_through_seq
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          SELECT count(*) INTO v_count FROM ${s}.audit_records WHERE seq <= p_through_seq;
          INSERT INTO ${s}.purge_anchors (through_seq, through_hash, cutoff, purge_record_seq, deleted, purged_at)
            VALUES (p_through_seq, v_hash, p_cutoff, p_purge_record_seq, v_count, now());
          PERFORM set_config('${PURGE_SETTING}', p_through_seq::text, true);
          DELETE FROM ${s}.audit_records WHERE seq <= p_through_seq;
          GET DIAGNOSTICS v_count = ROW_COUNT;
          PERFORM set_config('${PURGE_SETTING}', '', true);
          RETURN v_count;
        END
        $$`);
    },
    async down(db, schema) {
      const s = `"${schema}"`;
      await db.raw(`DROP FUNCTION IF EXISTS ${s}.purge_chain_prefix(bigint, timestamptz, bigint)`);
      await db.raw(`DROP TABLE IF EXISTS ${s}.purge_anchors, ${s}.chain_head, ${s}.audit_records`);
      await db.raw(`DROP FUNCTION IF EXISTS ${s}.audit_records_guard(), ${s}.audit_refuse(), ${s}.chain_head_guard()`);
    },
  },
];

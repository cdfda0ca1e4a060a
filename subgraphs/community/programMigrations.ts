import type { Migration } from '../../storage/createDatabase';

/**
 * Tables of the community program desk: owners (their profile and alarm state) and their
 * cameras' registrations with the sharing terms. Personal data (names, phones, emails, the
 * cameras' own URLs) lives only here, and is deleted on erasure.
 *
 * The alarm secret is stored as is, not hashed: checking an HMAC signature needs the secret
 * itself. It is never returned after `rotateAlarmSecret`, never logged or audited, and is
 * deleted with the owner's profile.
 */
export const programMigrations: readonly Migration[] = [
  {
    name: '001_program_owners',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('owners', (t) => {
        t.text('id').primary();
        t.text('display_name');
        t.text('contact_name');
        t.text('phone');
        t.text('email');
        t.text('notify_by').notNullable().defaultTo('NONE');
        t.text('alarm_secret');
        // When the owner's alarm last opened sharing; null: none active (or closed early).
        t.timestamp('alarm_raised_at', { useTz: true });
        t.timestamp('joined_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('owners');
    },
  },
  {
    name: '002_program_registrations',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('registrations', (t) => {
        t.text('id').primary();
        t.text('camera_id').notNullable().unique();
        t.text('owner_id').notNullable();
        t.text('name').notNullable();
        t.double('lat').notNullable();
        t.double('lon').notNullable();
        t.text('address');
        t.double('heading_deg');
        t.double('fov_deg');
        t.double('range_m');
        t.text('level').notNullable();
        t.text('status').notNullable();
        t.text('stream_url');
        t.text('snapshot_url');
        t.text('terms_mode').notNullable();
        t.jsonb('terms_schedule').notNullable();
        t.integer('alarm_minutes').notNullable();
        // Bumped whenever live access is withdrawn or the terms change: links signed before refuse.
        t.integer('link_epoch').notNullable().defaultTo(0);
        t.timestamp('registered_at', { useTz: true }).notNullable();
        t.timestamp('decided_at', { useTz: true });
        t.text('decided_by');
        t.text('decision_note');
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['owner_id', 'registered_at']);
        t.index(['status', 'registered_at']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('registrations');
    },
  },
];

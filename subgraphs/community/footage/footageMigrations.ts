import type { Migration } from '../../../storage/createDatabase';
import { outboxMigration } from '../../../notifications/outboxMigrations';

/**
 * The footage desk's tables, in the community subgraph's schema: requests (one per camera asked),
 * clip bytes stored once per distinct SHA-256, and which clips answer which request (chain of
 * custody: who uploaded, when, what type). Then the development notification outbox.
 * Named `f…` so that they never clash with the program desk's migrations.
 */
export const footageMigrations: readonly Migration[] = [
  {
    name: 'f001_footage',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('footage_requests', (t) => {
        t.text('id').primary();
        t.text('camera_id').notNullable();
        // An opaque id (the owner's token claim or subject), never a name: kept after erasure.
        t.text('owner_id').notNullable();
        t.timestamp('from_at', { useTz: true }).notNullable();
        t.timestamp('to_at', { useTz: true }).notNullable();
        t.text('message');
        t.text('case_number').notNullable();
        t.text('requested_by').notNullable();
        t.text('status').notNullable();
        t.timestamp('requested_at', { useTz: true }).notNullable();
        t.timestamp('expires_at', { useTz: true }).notNullable();
        t.timestamp('answered_at', { useTz: true });
        t.text('answer_note');
        // Notification: sent once (notified_at), retried by the sweep while it fails.
        t.timestamp('notified_at', { useTz: true });
        t.integer('notify_attempts').notNullable().defaultTo(0);
        // After a failed send, not retried before this (backoff, so that a refusing relay is not hammered).
        t.timestamp('notify_after', { useTz: true });
        t.index(['requested_at', 'id']);
        t.index(['owner_id', 'requested_at', 'id']);
        t.index(['camera_id']);
        t.index(['status', 'expires_at']);
      });
      await db.schema.withSchema(schema).createTable('footage_blobs', (t) => {
        // SHA-256 of the bytes, hex: the same clip uploaded twice is stored once.
        t.text('sha256').primary();
        t.binary('bytes').notNullable();
        t.bigInteger('size_bytes').notNullable();
        t.timestamp('stored_at', { useTz: true }).notNullable();
      });
      await db.schema.withSchema(schema).createTable('footage_clips', (t) => {
        t.text('request_id').notNullable().references('id').inTable(`${schema}.footage_requests`).onDelete('CASCADE');
        t.text('sha256').notNullable().references('sha256').inTable(`${schema}.footage_blobs`);
        t.bigInteger('size_bytes').notNullable();
        t.text('content_type').notNullable();
        t.text('uploaded_by').notNullable();
        t.timestamp('uploaded_at', { useTz: true }).notNullable();
        t.primary(['request_id', 'sha256']);
        t.index(['sha256']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('footage_clips');
      await db.schema.withSchema(schema).dropTable('footage_blobs');
      await db.schema.withSchema(schema).dropTable('footage_requests');
    },
  },
  outboxMigration,
];

import type { Migration } from '../storage/createDatabase';

/** The table the development outbox ({@link createOutboxNotifier}) keeps its messages in. */
export const OUTBOX_TABLE = 'notification_outbox';

/**
 * The outbox's table, in the schema of whoever holds it (the community subgraph's). Named
 * `f002_…` so that it sorts with the footage desk's migrations, which list it.
 */
export const outboxMigration: Migration = {
  name: 'f002_notification_outbox',
  async up(db, schema) {
    await db.schema.withSchema(schema).createTable(OUTBOX_TABLE, (t) => {
      t.text('id').primary();
      t.text('owner_id').notNullable();
      t.text('channel').notNullable();
      // The owner's address or number: personal data, deleted with the owner (eraseOwner).
      t.text('to_address').notNullable();
      t.text('subject').notNullable();
      t.text('body').notNullable();
      t.text('topic').notNullable();
      t.timestamp('queued_at', { useTz: true }).notNullable();
      t.index(['owner_id']);
      t.index(['queued_at', 'id']);
    });
  },
  async down(db, schema) {
    await db.schema.withSchema(schema).dropTable(OUTBOX_TABLE);
  },
};

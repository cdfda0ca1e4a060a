import type { Migration } from '../storage/createDatabase';

/** Tables owned by the ingest subgraph. */
export const ingestMigrations: readonly Migration[] = [
  {
    name: '001_dead_letters',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('dead_letters', (t) => {
        t.bigIncrements('id').primary();
        t.text('source').notNullable();
        t.text('stage').notNullable();
        t.text('reason').notNullable();
        t.text('detail').notNullable();
        t.text('raw').notNullable();
        t.timestamp('received_at', { useTz: true }).notNullable();
        t.timestamp('replayed_at', { useTz: true });
        t.integer('replay_count').notNullable().defaultTo(0);
        t.index(['received_at', 'id']);
        t.index(['source', 'reason']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('dead_letters');
    },
  },
  {
    // Raw payloads with NUL or lone surrogates are kept JSON-escaped; senders name who authenticated.
    name: '002_dead_letters_raw_encoding_and_sender',
    async up(db, schema) {
      await db.schema.withSchema(schema).alterTable('dead_letters', (t) => {
        t.text('raw_encoding').notNullable().defaultTo('text');
        t.text('sender');
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).alterTable('dead_letters', (t) => {
        t.dropColumn('raw_encoding');
        t.dropColumn('sender');
      });
    },
  },
];

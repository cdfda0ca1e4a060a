import type { Migration } from '../../storage/createDatabase';

/** Tables owned by the calls subgraph. */
export const callsMigrations: readonly Migration[] = [
  {
    name: '001_calls',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('calls', (t) => {
        t.text('id').primary();
        t.text('state').notNullable();
        t.timestamp('received_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        // The caller's location is unknown until the network delivers it.
        t.double('lat');
        t.double('lon');
        t.text('address');
        t.double('uncertainty_m');
        t.text('class_of_service');
        t.text('callback_number');
        t.index(['received_at', 'id']);
        t.index(['state']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('calls');
    },
  },
  {
    // Restricted caller data (issue 5): who called, from where they are registered, and the audio.
    name: '002_caller_identity',
    async up(db, schema) {
      await db.schema.withSchema(schema).alterTable('calls', (t) => {
        t.text('caller_name');
        t.text('caller_address');
        t.text('audio_url');
        // When the caller fields were last stated: a CAD's EIDO may tell them after the call
        // feed has moved the call on, so they are ordered apart from updated_at.
        t.timestamp('caller_updated_at', { useTz: true });
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).alterTable('calls', (t) => {
        t.dropColumns('caller_name', 'caller_address', 'audio_url', 'caller_updated_at');
      });
    },
  },
];

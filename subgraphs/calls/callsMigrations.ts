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
];

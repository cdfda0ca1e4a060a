import type { Migration } from '../../storage/createDatabase';

/** Tables owned by the AVL subgraph. */
export const avlMigrations: readonly Migration[] = [
  {
    name: '001_positions',
    async up(db, schema) {
      // Latest fix per unit; older fixes never replace newer ones.
      await db.schema.withSchema(schema).createTable('unit_positions', (t) => {
        t.text('unit_id').primary();
        t.double('lat').notNullable();
        t.double('lon').notNullable();
        t.double('heading_deg');
        t.double('speed_kph');
        t.timestamp('fix_at', { useTz: true }).notNullable();
      });
      // CAD's unit status, projected from unit events so that nearby searches can filter on it.
      await db.schema.withSchema(schema).createTable('unit_status', (t) => {
        t.text('unit_id').primary();
        t.text('status').notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('unit_status');
      await db.schema.withSchema(schema).dropTable('unit_positions');
    },
  },
  {
    name: '002_devices',
    async up(db, schema) {
      // Which vehicle modem (AVL device id) is in which unit's car; dispatch edits it as cars change hands.
      await db.schema.withSchema(schema).createTable('devices', (t) => {
        t.text('device_id').primary();
        t.text('unit_id').notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['unit_id']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('devices');
    },
  },
];

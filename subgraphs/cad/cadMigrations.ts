import type { Migration } from '../../storage/createDatabase';

/** Tables owned by the CAD subgraph. */
export const cadMigrations: readonly Migration[] = [
  {
    name: '001_incidents_units',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('incidents', (t) => {
        t.text('id').primary();
        t.text('number').notNullable();
        t.text('type_code').notNullable();
        t.text('type_text').notNullable();
        t.integer('priority').notNullable();
        t.text('status').notNullable();
        t.double('lat').notNullable();
        t.double('lon').notNullable();
        t.text('address');
        t.double('uncertainty_m');
        t.text('narrative');
        t.timestamp('reported_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['reported_at', 'id']);
        t.index(['status']);
      });
      await db.schema.withSchema(schema).createTable('units', (t) => {
        t.text('id').primary();
        t.text('call_sign').notNullable();
        t.text('status').notNullable();
        t.text('incident_id');
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['incident_id']);
        t.index(['call_sign', 'id']);
      });
      await db.schema.withSchema(schema).createTable('incident_calls', (t) => {
        t.text('incident_id').notNullable();
        t.text('call_id').notNullable();
        t.primary(['incident_id', 'call_id']);
        t.index(['call_id']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('incident_calls');
      await db.schema.withSchema(schema).dropTable('units');
      await db.schema.withSchema(schema).dropTable('incidents');
    },
  },
  {
    // Incidents are looked up by number (a stated purpose naming one, IncidentFilter.number).
    name: '002_incident_number_index',
    async up(db, schema) {
      await db.schema.withSchema(schema).alterTable('incidents', (t) => t.index(['number']));
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).alterTable('incidents', (t) => t.dropIndex(['number']));
    },
  },
];

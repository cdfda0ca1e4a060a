import type { Migration } from '../../storage/createDatabase';

/** Tables owned by the cameras subgraph. */
export const camerasMigrations: readonly Migration[] = [
  {
    name: '001_cameras',
    async up(db, schema) {
      await db.schema.withSchema(schema).createTable('cameras', (t) => {
        t.text('id').primary();
        t.text('name').notNullable();
        t.text('source').notNullable();
        t.double('lat').notNullable();
        t.double('lon').notNullable();
        t.text('address');
        t.double('uncertainty_m');
        t.double('heading_deg');
        t.double('fov_deg');
        t.double('range_m');
        t.double('mount_height_m');
        t.boolean('ptz').notNullable();
        t.text('status').notNullable();
        // A camera's few stream URLs travel with it, so one statement writes a camera whole.
        t.jsonb('streams').notNullable();
        t.text('snapshot_url');
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['source']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('cameras');
    },
  },
  {
    // Community cameras' owners (issue 5): the id a camera owner's token names, and their
    // contact details (restricted). On the camera row: one statement still writes a camera whole.
    name: '002_camera_owners',
    async up(db, schema) {
      await db.schema.withSchema(schema).alterTable('cameras', (t) => {
        t.text('owner_id');
        t.text('owner_name');
        t.text('owner_contact_name');
        t.text('owner_contact_phone');
        t.text('owner_contact_email');
        t.index(['owner_id', 'id']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).alterTable('cameras', (t) => {
        t.dropIndex(['owner_id', 'id']);
        t.dropColumns('owner_id', 'owner_name', 'owner_contact_name', 'owner_contact_phone', 'owner_contact_email');
      });
    },
  },
];

import type { Migration } from '../storage/createDatabase';

/** Tables owned by the retention job (schema `retention`). */
export const retentionMigrations: readonly Migration[] = [
  {
    name: '001_intelligence_holds',
    async up(db, schema) {
      // Records held as criminal intelligence (28 CFR Part 23): exempt from their class's retention
      // until the review date, then purged unless re-validated (23.20(h): at most five years).
      await db.schema.withSchema(schema).createTable('intelligence_holds', (t) => {
        t.text('record_type').notNullable();
        t.text('record_id').notNullable();
        t.timestamp('held_since', { useTz: true }).notNullable();
        t.timestamp('review_due', { useTz: true }).notNullable();
        t.timestamp('revalidated_at', { useTz: true });
        t.text('held_by').notNullable();
        // The criminal predicate: why the record is relevant to criminal activity (23.20(a), (c)).
        t.text('justification').notNullable();
        t.primary(['record_type', 'record_id']);
        t.index(['review_due']);
      });
    },
    async down(db, schema) {
      await db.schema.withSchema(schema).dropTable('intelligence_holds');
    },
  },
];

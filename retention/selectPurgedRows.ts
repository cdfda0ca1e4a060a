import type { DataClass } from './dataClass';
import type { PurgeRequest, PurgeScope } from './retentionParticipant';

/**
 * The rows a purge takes, as a filter the owner applies to a query on its table: the named
 * records, or the expired ones that are not under an intelligence hold (kept in
 * `<holdsSchema>.intelligence_holds` until their review date, 28 CFR 23.20(h)).
 */
export function selectPurgedRows(holdsSchema: string, dataClass: DataClass, scope: PurgeScope): PurgeRequest['selectRows'] {
  return (query, knex) => {
    if (scope.kind === 'records') {
      query.whereIn(dataClass.idColumn, [...scope.ids]);
      return;
    }
    query.where(dataClass.timeColumn, '<', scope.cutoff);
    const recordType = dataClass.intelligenceRecordType;
    if (recordType) {
      query.whereNotExists(
        knex
          .withSchema(holdsSchema)
          .table('intelligence_holds')
          .select(knex.raw('1'))
          .where('record_type', recordType)
          .andWhere('record_id', knex.raw('??::text', [`${dataClass.table}.${dataClass.idColumn}`])),
      );
    }
  };
}

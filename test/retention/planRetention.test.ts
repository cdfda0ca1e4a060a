import { type DataClass, type RetentionParticipant, type RetentionSetting, planRetention } from '../../retention';

// The job's plan is read from the owners' declarations and refuses, at start, declarations that
// do not fit together.

const DAYS: Record<RetentionSetting, number> = {
  retentionAvlPositionsDays: 90,
  retentionCallsDays: 365,
  retentionIncidentsDays: 365,
  retentionDeadLettersDays: 30,
  retentionCommunityFootageDays: 1825,
  retentionAuditDays: 365,
};

const declared = (name: string, overrides: Partial<DataClass> = {}): DataClass => ({
  name,
  description: name,
  schema: `s_${name}`,
  table: name,
  idColumn: 'id',
  timeColumn: 'updated_at',
  retentionSetting: 'retentionCallsDays',
  ...overrides,
});

/** A participant that only declares: planning never purges. */
const participant = (dataClasses: DataClass[], copiedClasses?: string[]): RetentionParticipant => ({
  dataClasses,
  ...(copiedClasses ? { copiedClasses, dropCopies: () => Promise.reject(new Error('not dropped while planning')) } : {}),
  purge: () => Promise.reject(new Error('not purged while planning')),
});

describe('planRetention', () => {
  it('lists the classes in the participants’ order, with their owner, copiers, days and intelligence record type', () => {
    const calls = participant([declared('calls', { intelligenceRecordType: 'call' })]);
    const cad = participant([declared('incidents', { retentionSetting: 'retentionIncidentsDays', intelligenceRecordType: 'incident' })], ['calls', 'positions']);
    const avl = participant([declared('positions', { retentionSetting: 'retentionAvlPositionsDays' })]);
    const plan = planRetention([calls, cad, avl], { ...DAYS, retentionAvlPositionsDays: 7 });
    expect(plan.classes.map(({ dataClass, owner, copiers, retentionDays }) => [dataClass.name, owner, copiers, retentionDays])).toEqual([
      ['calls', calls, [cad], 365],
      ['incidents', cad, [], 365],
      ['positions', avl, [cad], 7],
    ]);
    expect(plan.classHeldAs('incident')?.dataClass.name).toBe('incidents');
    expect(plan.classHeldAs('call')?.owner).toBe(calls);
  });

  it('refuses a class declared twice, a copy of a class nobody owns or that cannot be dropped, days that are not whole, and two classes held as one record type', () => {
    expect(() => planRetention([participant([declared('calls')]), participant([declared('calls')])], DAYS)).toThrow(/calls is declared by two participants/);
    expect(() => planRetention([participant([declared('incidents')], ['calls'])], DAYS)).toThrow(/copies class calls, which no participant owns/);
    const cannotDrop: RetentionParticipant = { dataClasses: [], copiedClasses: ['calls'], purge: () => Promise.reject(new Error('unused')) };
    expect(() => planRetention([participant([declared('calls')]), cannotDrop], DAYS)).toThrow(/copies calls but cannot drop its copies/);
    expect(() => planRetention([participant([declared('calls')])], { ...DAYS, retentionCallsDays: 0 })).toThrow(/retention of calls must be a whole number of days, got 0/);
    expect(() => planRetention([participant([declared('calls')])], { ...DAYS, retentionCallsDays: 1.5 })).toThrow(/whole number/);
    expect(() =>
      planRetention([participant([declared('calls', { intelligenceRecordType: 'call' }), declared('more-calls', { intelligenceRecordType: 'call' })])], DAYS),
    ).toThrow(/records of type call are declared by two retention classes/);
  });
});

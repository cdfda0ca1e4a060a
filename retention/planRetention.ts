import type { DataClass, IntelligenceRecordType, RetentionSetting } from './dataClass';
import type { RetentionParticipant } from './retentionParticipant';

/** One class as the job purges it: who owns it, who keeps copies of it, how long it is kept. */
export interface ClassPlan {
  readonly dataClass: DataClass;
  readonly owner: RetentionParticipant;
  /** The other participants that declare copies of it. */
  readonly copiers: readonly RetentionParticipant[];
  readonly retentionDays: number;
}

/** The hub's classes from their owners' declarations, in the order the job purges them. */
export interface RetentionPlan {
  readonly classes: readonly ClassPlan[];
  /** The class whose records may be held as `recordType`, if any participant declares one. */
  classHeldAs(recordType: IntelligenceRecordType): ClassPlan | undefined;
}

/**
 * Reads the classes from the participants' declarations (in the participants' order) and
 * checks them once, at start: one owner per class name, a whole number of days for each, an
 * owner for every class copied and a way to drop the copies, one class per intelligence record
 * type.
 */
export function planRetention(
  participants: readonly RetentionParticipant[],
  retentionDays: Readonly<Record<RetentionSetting, number>>,
): RetentionPlan {
  const classes: ClassPlan[] = [];
  const byName = new Map<string, ClassPlan>();
  const heldAs = new Map<IntelligenceRecordType, ClassPlan>();
  for (const owner of participants) {
    for (const dataClass of owner.dataClasses) {
      if (byName.has(dataClass.name)) throw new RangeError(`retention class ${dataClass.name} is declared by two participants; a class has one owner`);
      const days = retentionDays[dataClass.retentionSetting];
      if (!Number.isInteger(days) || days < 1) throw new RangeError(`retention of ${dataClass.name} must be a whole number of days, got ${days}`);
      const copiers = participants.filter((participant) => participant !== owner && participant.copiedClasses?.includes(dataClass.name));
      const plan: ClassPlan = { dataClass, owner, copiers, retentionDays: days };
      const recordType = dataClass.intelligenceRecordType;
      if (recordType) {
        if (heldAs.has(recordType)) throw new RangeError(`records of type ${recordType} are declared by two retention classes`);
        heldAs.set(recordType, plan);
      }
      classes.push(plan);
      byName.set(dataClass.name, plan);
    }
  }
  for (const participant of participants) {
    if ((participant.copiedClasses ?? []).length > 0 && !participant.dropCopies) {
      throw new RangeError(`a retention participant copies ${participant.copiedClasses?.join(', ')} but cannot drop its copies (no dropCopies)`);
    }
    for (const name of participant.copiedClasses ?? []) {
      if (!byName.has(name)) throw new RangeError(`a retention participant copies class ${name}, which no participant owns`);
    }
  }
  return { classes, classHeldAs: (recordType) => heldAs.get(recordType) };
}

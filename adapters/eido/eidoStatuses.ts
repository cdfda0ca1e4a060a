import { type IncidentStatus, type UnitStatus } from '../../contract';

/**
 * Status words as EIDO senders write them. NENA-STA-021 draws `incidentStatusCommonRegistryText`
 * and `primaryUnitStatusRegistryText` from NENA registries, and senders also fill the free-form
 * `incidentStatusInternalText` / `unitStatusInternal`; both are matched after lower-casing and
 * dropping everything but letters ("On Scene", "onScene" and "ON-SCENE" are one word).
 */
const INCIDENT_STATUS_WORDS: Readonly<Record<string, IncidentStatus>> = {
  new: 'PENDING',
  pending: 'PENDING',
  queued: 'PENDING',
  received: 'PENDING',
  waiting: 'PENDING',
  dispatched: 'DISPATCHED',
  assigned: 'DISPATCHED',
  enroute: 'ENROUTE',
  responding: 'ENROUTE',
  onscene: 'ON_SCENE',
  atscene: 'ON_SCENE',
  arrived: 'ON_SCENE',
  closed: 'CLOSED',
  cleared: 'CLOSED',
  complete: 'CLOSED',
  completed: 'CLOSED',
  resolved: 'CLOSED',
  cancelled: 'CLOSED',
  canceled: 'CLOSED',
  terminated: 'CLOSED',
};

const UNIT_STATUS_WORDS: Readonly<Record<string, UnitStatus>> = {
  available: 'AVAILABLE',
  availableinquarters: 'AVAILABLE',
  availableonradio: 'AVAILABLE',
  inquarters: 'AVAILABLE',
  inservice: 'AVAILABLE',
  cleared: 'AVAILABLE',
  assigned: 'DISPATCHED',
  dispatched: 'DISPATCHED',
  notified: 'DISPATCHED',
  acknowledged: 'DISPATCHED',
  enroute: 'ENROUTE',
  responding: 'ENROUTE',
  onscene: 'ON_SCENE',
  atscene: 'ON_SCENE',
  arrived: 'ON_SCENE',
  staged: 'ON_SCENE',
  transporting: 'TRANSPORTING',
  transport: 'TRANSPORTING',
  athospital: 'TRANSPORTING',
  atdestination: 'TRANSPORTING',
  outofservice: 'OUT_OF_SERVICE',
  unavailable: 'OUT_OF_SERVICE',
  offduty: 'OUT_OF_SERVICE',
};

const word = (value: string): string => value.toLowerCase().replace(/[^a-z]/g, '');

/** The first of `values` that names an incident status, or null. */
export function incidentStatusOf(values: readonly string[]): IncidentStatus | null {
  for (const value of values) {
    const key = word(value);
    // Own keys only: "constructor" must not find Object.prototype.constructor.
    if (Object.hasOwn(INCIDENT_STATUS_WORDS, key)) return INCIDENT_STATUS_WORDS[key] ?? null;
  }
  return null;
}

/** The first of `values` that names a unit status, or null. */
export function unitStatusOf(values: readonly string[]): UnitStatus | null {
  for (const value of values) {
    const key = word(value);
    if (Object.hasOwn(UNIT_STATUS_WORDS, key)) return UNIT_STATUS_WORDS[key] ?? null;
  }
  return null;
}

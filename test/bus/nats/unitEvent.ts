import type { UnitStatusChanged } from '../../../contract';

/** A valid domain event identified by `source` and `eventId`, for the NATS bus tests. */
export function unitEvent(source: string, eventId: string): UnitStatusChanged {
  return {
    type: 'unit.statusChanged',
    eventId,
    source,
    occurredAt: '2025-03-01T12:00:00Z',
    unitId: 'unit-a',
    callSign: '1A12',
    status: 'AVAILABLE',
    incidentId: null,
  };
}

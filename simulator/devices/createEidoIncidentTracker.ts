import { assertNever } from '../../errors/assertNever';
import { type DomainEvent, type IncidentCreated, type IncidentUpdated, type UnitStatusChanged } from '../../contract';
import {
  encodeEido,
  type EidoCallState,
  type EidoDocument,
  type EidoEncodingOptions,
  type EidoIncidentState,
  type EidoResourceState,
} from './encodeEido';

/**
 * The CAD side of EIDO: keeps each open incident's current state from the simulation's
 * events and answers every change with the incident's full document, as a CAD sends them.
 */
export interface EidoIncidentTracker {
  /**
   * Applies one event. Returns the document the event changed, or null when the event is not
   * CAD business (positions, cameras) or names an incident the tracker does not hold (a unit's
   * first status, an update of an incident closed earlier).
   */
  accept(event: DomainEvent): EidoDocument | null;
  /** Incidents held: open ones, and closed ones whose units are not all released yet. */
  openIncidents(): number;
}

type MutableIncident = { -readonly [K in keyof EidoIncidentState]: EidoIncidentState[K] } & {
  resources: EidoResourceState[];
  calls: EidoCallState[];
};

/** Creates an {@link EidoIncidentTracker}; `options` go to {@link encodeEido}. */
export function createEidoIncidentTracker(options: EidoEncodingOptions = {}): EidoIncidentTracker {
  const incidents = new Map<string, MutableIncident>();
  /** The incident each assigned unit is on. */
  const unitIncident = new Map<string, string>();
  /** Start times of calls in progress, so that a call linked later is dated. */
  const callStarts = new Map<string, string>();

  /** Restates the incident with a `lastUpdateTimeStamp` newer than its previous one. */
  function documentOf(incident: MutableIncident, at: string, released: EidoResourceState[] = []): EidoDocument {
    const previousMs = Date.parse(incident.updatedAt);
    incident.updatedAt = new Date(Math.max(Date.parse(at), previousMs + 1)).toISOString();
    const document = encodeEido({ ...incident, resources: [...incident.resources, ...released] }, options);
    // A closed incident whose units are all released is finished: the CAD sends nothing more.
    if (incident.status === 'CLOSED' && incident.resources.length === 0) incidents.delete(incident.incidentId);
    return document;
  }

  function create(event: IncidentCreated): EidoDocument {
    const [first, ...others] = event.callIds;
    const calls: EidoCallState[] = [
      // The first call's start is when the incident was reported: the reader takes the earliest.
      ...(first === undefined ? [] : [{ callId: first, startedAt: event.reportedAt }]),
      ...others.map((callId) => callOf(callId, event.reportedAt)),
    ];
    const incident: MutableIncident = {
      incidentId: event.incidentId,
      number: event.number,
      typeCode: event.typeCode,
      typeText: event.typeText,
      status: event.status,
      location: event.location,
      narrative: event.narrative,
      calls,
      resources: [],
      // One millisecond earlier, so that the first document carries the event's own time.
      updatedAt: new Date(Date.parse(event.occurredAt) - 1).toISOString(),
    };
    incidents.set(event.incidentId, incident);
    return documentOf(incident, event.occurredAt);
  }

  function update(event: IncidentUpdated): EidoDocument | null {
    const incident = incidents.get(event.incidentId);
    if (!incident) return null;
    if (event.number !== undefined) incident.number = event.number;
    if (event.typeCode !== undefined) incident.typeCode = event.typeCode;
    if (event.typeText !== undefined) incident.typeText = event.typeText;
    if (event.status !== undefined) incident.status = event.status;
    if (event.location !== undefined) incident.location = event.location;
    if (event.narrative !== undefined) incident.narrative = event.narrative;
    if (event.callIds !== undefined) {
      const reportedAt = incident.calls[0]?.startedAt ?? null;
      incident.calls = event.callIds.map(
        (callId) => incident.calls.find((call) => call.callId === callId) ?? callOf(callId, reportedAt),
      );
    }
    return documentOf(incident, event.occurredAt);
  }

  function changeUnit(event: UnitStatusChanged): EidoDocument | null {
    const resource: EidoResourceState = {
      unitId: event.unitId,
      callSign: event.callSign,
      status: event.status,
      incidentId: event.incidentId,
      updatedAt: event.occurredAt,
    };
    const previousId = unitIncident.get(event.unitId);
    const previous = previousId === undefined ? undefined : incidents.get(previousId);
    const target = event.incidentId === null ? undefined : incidents.get(event.incidentId);
    if (target && previous === target) {
      // A status change on the same incident: the unit keeps its place in the list.
      target.resources = target.resources.map((unit) => (unit.unitId === event.unitId ? resource : unit));
      return documentOf(target, event.occurredAt);
    }
    if (previous) previous.resources = previous.resources.filter((unit) => unit.unitId !== event.unitId);
    unitIncident.delete(event.unitId);
    if (target && event.incidentId !== null) {
      target.resources.push(resource);
      unitIncident.set(event.unitId, event.incidentId);
      return documentOf(target, event.occurredAt);
    }
    // Released: the incident's document says so once, then no longer lists the unit.
    if (previous && event.incidentId === null) return documentOf(previous, event.occurredAt, [resource]);
    return null;
  }

  /** A linked call, dated when its start is known and not before the report (the reader takes the earliest). */
  function callOf(callId: string, reportedAt: string | null): EidoCallState {
    const started = callStarts.get(callId) ?? null;
    const usable = started !== null && (reportedAt === null || Date.parse(started) >= Date.parse(reportedAt));
    return { callId, startedAt: usable ? started : null };
  }

  return {
    accept(event) {
      switch (event.type) {
        case 'incident.created':
          return create(event);
        case 'incident.updated':
          return update(event);
        case 'unit.statusChanged':
          return changeUnit(event);
        case 'call.received':
          callStarts.set(event.callId, event.occurredAt);
          return null;
        case 'call.updated':
          if (event.state === 'ENDED' || event.state === 'ABANDONED') callStarts.delete(event.callId);
          return null;
        case 'position.fix':
        case 'camera.discovered':
        case 'camera.statusChanged':
        case 'camera.withdrawn':
          return null;
        default:
          return assertNever(event);
      }
    },
    openIncidents: () => incidents.size,
  };
}

import { type EventLocation, type IncidentStatus, type UnitStatus } from '../../contract';
import { encodePidfLocation } from './encodePidfLocation';

/** A unit as an incident's EIDO lists it. */
export interface EidoResourceState {
  readonly unitId: string;
  readonly callSign: string;
  readonly status: UnitStatus;
  /** The incident the unit is active on; null once it is released. */
  readonly incidentId: string | null;
  /** When the unit's status last changed (ISO 8601). */
  readonly updatedAt: string;
}

/** A call linked to the incident. */
export interface EidoCallState {
  readonly callId: string;
  /** When the call began, if the CAD knows (ISO 8601). */
  readonly startedAt: string | null;
}

/** What a CAD knows about one incident at one moment: everything an EIDO restates. */
export interface EidoIncidentState {
  readonly incidentId: string;
  readonly number: string;
  /** APCO ANS 2.103.1 common incident type code. */
  readonly typeCode: string;
  readonly typeText: string;
  readonly status: IncidentStatus;
  readonly location: EventLocation;
  readonly narrative: string | null;
  readonly calls: readonly EidoCallState[];
  readonly resources: readonly EidoResourceState[];
  /** The document's `lastUpdateTimeStamp` (ISO 8601); newer for every update. */
  readonly updatedAt: string;
}

export interface EidoEncodingOptions {
  /** The CAD agency's identifier, the `$id` every prologue references. Default `cad.sim.invalid`. */
  readonly agencyId?: string;
}

/** A NENA-STA-021 EIDO document as JSON. */
export type EidoDocument = Readonly<Record<string, unknown>>;

/** Status words from the NENA registries, spelt so that the hub's EIDO reader maps them back. */
const INCIDENT_STATUS_WORDS: Readonly<Record<IncidentStatus, string>> = {
  PENDING: 'Pending',
  DISPATCHED: 'Dispatched',
  ENROUTE: 'Enroute',
  ON_SCENE: 'OnScene',
  CLOSED: 'Closed',
};
const UNIT_STATUS_WORDS: Readonly<Record<UnitStatus, string>> = {
  AVAILABLE: 'Available',
  DISPATCHED: 'Dispatched',
  ENROUTE: 'Enroute',
  ON_SCENE: 'OnScene',
  TRANSPORTING: 'Transporting',
  OUT_OF_SERVICE: 'OutOfService',
};

/**
 * The full EIDO 1.0 document (camelCase, components cross-linked by `$id`/`$ref`) for one
 * incident: the document `$id` is the incident id; an incident component with the APCO type
 * code, status word and CAD number; one location component whose `locationByValue` is a
 * PIDF-LO; a call component per call; a notes component for the narrative; and a dispatch
 * component referencing one emergency resource component per unit. Pure.
 */
export function encodeEido(state: EidoIncidentState, options: EidoEncodingOptions = {}): EidoDocument {
  const { agencyId = 'cad.sim.invalid' } = options;
  const { incidentId, updatedAt, resources } = state;
  const prologue = (id: string, at = updatedAt) => ({
    $id: id,
    lastUpdateTimeStamp: at,
    updatedByAgencyReference: { $ref: agencyId },
  });
  const ids = {
    incident: `${incidentId}:incident`,
    location: `${incidentId}:location`,
    notes: `${incidentId}:notes-1`,
    dispatch: `${incidentId}:dispatch`,
  };
  const notesComponent = state.narrative === null ? [] : [{ ...prologue(ids.notes), notesActionComments: state.narrative }];
  return {
    ...prologue(incidentId),
    eidoVersion: '1.0',
    issuingElementIdentification: agencyId,
    agencyComponent: [{ ...prologue(agencyId), agencyRoleDescriptionRegistryText: ['Dispatching'] }],
    incidentComponent: [
      {
        ...prologue(ids.incident),
        incidentTypeCommonRegistryText: state.typeCode,
        incidentTypeInternalText: state.typeText,
        incidentStatusCommonRegistryText: [INCIDENT_STATUS_WORDS[state.status]],
        incidentStatusInternalText: [state.status],
        internalIncidentId: state.number,
        locationReference: [{ $ref: ids.location }],
        notesReference: notesComponent.map(({ $id }) => ({ $ref: $id })),
      },
    ],
    callComponent: state.calls.map(({ callId, startedAt }) => ({
      ...prologue(callId),
      standardPrimaryCallType: 'emergency',
      direction: 'incoming',
      ...(startedAt !== null && { callStartTimestamp: startedAt }),
    })),
    locationComponent: [
      {
        ...prologue(ids.location),
        locationTypeDescriptionRegistryText: 'Incident',
        locationByValue: encodePidfLocation({
          entity: `pres:${encodeURIComponent(incidentId)}@${agencyId}`,
          location: state.location,
          method: 'Manual',
          timestamp: updatedAt,
        }),
      },
    ],
    notesComponent,
    dispatchComponent:
      resources.length === 0
        ? []
        : [
            {
              ...prologue(ids.dispatch),
              agencyReference: { $ref: agencyId },
              emergencyResourceReference: resources.map(({ unitId }) => ({ $ref: unitId })),
            },
          ],
    emergencyResourceComponent: resources.map((unit) => ({
      ...prologue(unit.unitId, unit.updatedAt),
      emergencyResourceTypeCommonRegistryText: 'PatrolUnit',
      emergencyResourceName: unit.callSign,
      primaryUnitStatusRegistryText: UNIT_STATUS_WORDS[unit.status],
      unitStatusInternal: unit.status,
      ...(unit.incidentId !== null && { activeOnIncidentId: unit.incidentId }),
    })),
  };
}

import { type DomainEvent } from '../../../contract';
import { createApcoIncidentCodeTable, type EidoTranslationOptions } from '../../../adapters/eido';
import { circle, NS, pidf, point } from './pidfFixtures';

export const INCIDENT_ID = 'urn:emergency:uid:incidentid:a1b2c3:psap.mesa.az.us';
export const CALL_1 = 'urn:emergency:uid:callid:c1:psap.mesa.az.us';
export const CALL_2 = 'urn:emergency:uid:callid:c2:psap.mesa.az.us';

export const OPTIONS: EidoTranslationOptions = {
  source: 'eido-test',
  codeTable: createApcoIncidentCodeTable(),
  receivedAt: '2026-11-23T22:10:00.000Z',
};

const civic =
  `<civicAddress xmlns="${NS.ca}"><country>US</country><A1>AZ</A1><A3>Mesa</A3>` +
  '<PRD>E</PRD><RD>Main</RD><STS>St</STS><HNO>20</HNO></civicAddress>';

/** An EIDO 1.0 document (camelCase, components cross-linked by $id/$ref) with every part this adapter reads. */
export function richEido(): Record<string, unknown> {
  const prologue = (id: string, at = '2026-11-23T15:04:00.0-07:00') => ({
    $id: id,
    lastUpdateTimeStamp: at,
    updatedByAgencyReference: { $ref: 'psap.mesa.az.us' },
  });
  return {
    ...prologue(INCIDENT_ID, '2026-11-23T15:05:00.0-07:00'),
    eidoVersion: '1.0',
    issuingElementIdentification: 'cad.mesa.az.us',
    agencyComponent: [{ ...prologue('psap.mesa.az.us'), agencyRoleDescriptionRegistryText: ['CallReceiving'] }],
    agentComponent: [{ ...prologue('dispatcher7@mesa.az.us'), agentRoleRegistryText: ['Dispatching'] }],
    incidentComponent: {
      ...prologue('incident-component-1'),
      incidentTypeCommonRegistryText: 'ROBBERY',
      incidentTypeInternalCode: '211',
      incidentTypeInternalText: 'ARMED ROBBERY',
      incidentStatusCommonRegistryText: ['Dispatched'],
      internalIncidentId: 'MPD2611230001',
      locationReference: [{ $ref: 'location-incident' }],
      notesReference: [{ $ref: 'note-1' }, { $ref: 'note-2' }],
    },
    callComponent: [
      {
        ...prologue(CALL_1),
        standardPrimaryCallType: 'emergency',
        direction: 'incoming',
        callStateRegistryText: 'callAnswered',
        callStartTimestamp: '2026-11-23T15:01:00.0-07:00',
        locationReference: [{ $ref: 'location-caller' }],
      },
      { ...prologue(CALL_2), callStartTimestamp: '2026-11-23T15:00:30.0-07:00' },
    ],
    locationComponent: [
      {
        ...prologue('location-caller'),
        locationTypeDescriptionRegistryText: 'Caller',
        locationByValue: pidf(circle('33.4150 -111.8300', '35')),
      },
      {
        ...prologue('location-incident'),
        locationTypeDescriptionRegistryText: 'Incident',
        locationByValue: pidf(point('33.4152 -111.8315') + civic),
      },
    ],
    notesComponent: [
      { ...prologue('note-1'), notesActionComments: 'Caller reports two suspects.' },
      { ...prologue('note-2'), notesActionComments: 'Suspects left northbound on foot.' },
    ],
    dispatchComponent: [
      {
        ...prologue('dispatch-1'),
        agencyReference: { $ref: 'psap.mesa.az.us' },
        emergencyResourceReference: [{ $ref: 'unit-1A11' }, { $ref: 'unit-missing' }],
      },
    ],
    emergencyResourceComponent: [
      {
        ...prologue('unit-1A11', '2026-11-23T15:03:10.0-07:00'),
        emergencyResourceTypeCommonRegistryText: 'PatrolUnit',
        emergencyResourceName: '1A11',
        primaryUnitStatusRegistryText: 'Enroute',
        secondaryUnitStatusRegistryText: [],
        resourceAttributeRegistryText: [],
        agentReference: [{ $ref: 'dispatcher7@mesa.az.us' }],
      },
      {
        ...prologue('unit-2B22', '2026-11-23T15:02:00.0-07:00'),
        emergencyResourceName: '2B22',
        primaryUnitStatusRegistryText: 'Available',
      },
    ],
    '@context': { '@vocab': './JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld' },
  };
}

/** Rewrites every key to PascalCase, as older EIDO drafts wrote their headers. */
export function toPascalCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPascalCase);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.startsWith('$') || key.startsWith('@') ? key : key.charAt(0).toUpperCase() + key.slice(1),
      toPascalCase(item),
    ]),
  );
}

export const ofType = <T extends DomainEvent['type']>(events: readonly DomainEvent[], type: T) =>
  events.filter((event): event is Extract<DomainEvent, { type: T }> => event.type === type);

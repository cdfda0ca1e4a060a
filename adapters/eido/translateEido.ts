import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import {
  type DomainEvent,
  type EventLocation,
  type IncidentStatus,
  type IncidentUpdated,
  type UnitStatus,
} from '../../contract';
import { validateDomainEvent } from '../../contract/validateDomainEvent';
import { MAX_ADDRESS_LENGTH, MAX_NAME_LENGTH, isAudioUrl, isPrintableText } from '../../contract/contactFormats';
import { parsePidfLocation } from '../pidf';
import { incidentStatusOf, unitStatusOf } from './eidoStatuses';
import { type IncidentCodeTable } from './incidentCodeTable';
import {
  field,
  identifier,
  isRecord,
  listOf,
  preview,
  readEidoDocument,
  text,
  texts,
  type EidoComponent,
  type EidoDocument,
  type EidoProblem,
  type JsonRecord,
} from './readEidoDocument';

export interface EidoTranslationOptions {
  /** Adapter name for every event's `source`, e.g. `eido-http`. */
  readonly source: string;
  /** Maps incident type codes to text, category and priority. */
  readonly codeTable: IncidentCodeTable;
  /** When the transport received the document (ISO 8601): the time of events the document does not date. */
  readonly receivedAt: string;
}

/** A part of the document that produced no event, and where it is (`$.locationComponent[0].locationByValue`). */
export type EidoRejection = EidoProblem;

export interface EidoTranslation {
  /** Events that passed {@link validateDomainEvent}. */
  readonly events: DomainEvent[];
  readonly rejections: EidoRejection[];
}

/**
 * Translates one EIDO (NENA-STA-021) JSON document into domain events:
 *
 * - the incident, as `incident.created` when it has a type and a location with coordinates;
 *   otherwise the creation is rejected (`no-usable-location`, `missing-incident-type`) and an
 *   `incident.updated` carries only the fields the document states, so that an incident the
 *   hub already knows still gets its status, calls and type;
 * - each emergency resource (unit) as `unit.statusChanged`;
 * - for each call whose caller the document describes (a person component with the role
 *   Caller, named by the call's `personReference` or naming the call in its `callIdentifier`),
 *   or whose audio it links (`mediaReferences` to a media component of an `audio/*` type), a
 *   `call.updated` with the caller's name (NIEM `ncPersonComponent.name`), civic address (the
 *   person's location) and audio URL: restricted data that only the call taker's CAD may know.
 *
 * Event ids are digests of the document content, so posting the same EIDO twice yields the same
 * events. Never throws: whatever cannot be translated is a rejection with a JSON path.
 */
export function translateEido(document: unknown, options: EidoTranslationOptions): EidoTranslation {
  const rejections: EidoRejection[] = [];
  try {
    if (!isRecord(document)) {
      const detail = `expected a JSON object, got ${preview(document)}`;
      return { events: [], rejections: [{ reason: 'bad-document', detail, path: '$' }] };
    }
    const eido = readEidoDocument(document, rejections);
    const header = readHeader(eido, rejections);
    const locations = readLocationComponents(eido, rejections);
    const drafts = [
      ...translateIncident(eido, header, locations, options, rejections),
      ...translateUnits(eido, header, options, rejections),
      ...translateCallers(eido, header, locations, options, rejections),
    ];
    return { events: finishEvents(drafts, header, options, rejections), rejections };
  } catch (error) {
    const detail = `translation failed: ${preview(error instanceof Error ? error.message : String(error))}`;
    return { events: [], rejections: [...rejections, { reason: 'internal-error', detail, path: '$' }] };
  }
}

// ---- phase 1: header ------------------------------------------------------------------------

interface Header {
  /** The incident tracking identifier, or null when the document states none. */
  readonly incidentId: string | null;
  readonly updatedAt: string | null;
  readonly incident: EidoComponent | null;
}

function readHeader(eido: EidoDocument, rejections: EidoRejection[]): Header {
  const [incident = null, ...extra] = eido.components('incident');
  for (const component of extra) {
    const detail = 'an EIDO describes one incident; only the first is read';
    rejections.push({ reason: 'extra-incident-component', detail, path: component.path });
  }
  // Older drafts carry incidentTrackingIdentifier; in EIDO 1.0 the document's $id is the incident's.
  const incidentId =
    identifier(field(eido.root, 'incidentTrackingIdentifier')) ??
    (incident ? identifier(field(incident.record, 'incidentTrackingIdentifier')) : undefined) ??
    identifier(field(eido.root, '$id')) ??
    null;
  return { incidentId, updatedAt: timestamp(field(eido.root, 'lastUpdateTimeStamp')), incident };
}

// ---- phase 2: the incident ------------------------------------------------------------------

/** An event before its envelope is complete: eventId is a digest of `material`. */
interface Draft {
  readonly event: Record<string, unknown> & { readonly type: DomainEvent['type']; readonly occurredAt: string };
  readonly path: string;
  readonly material: unknown;
}

function translateIncident(
  eido: EidoDocument,
  header: Header,
  readings: LocationReadings,
  options: EidoTranslationOptions,
  rejections: EidoRejection[],
): Draft[] {
  const locations = chooseLocation(eido, header.incident, readings);
  const calls = readCalls(eido, rejections);
  const path = header.incident?.path ?? '$';
  if (header.incidentId === null) {
    const detail = 'no incidentTrackingIdentifier and no document $id';
    rejections.push({ reason: 'missing-incident-id', detail, path: '$' });
    return [];
  }
  const record = header.incident?.record ?? {};
  const type = readIncidentType(record, options.codeTable);
  const status = readIncidentStatus(eido, record);
  const narrative = readNarrative(eido, record);
  const internalNumber = identifier(field(record, 'internalIncidentId'));
  const occurredAt = header.updatedAt ?? timestamp(field(record, 'lastUpdateTimeStamp')) ?? options.receivedAt;
  const base = { incidentId: header.incidentId, occurredAt };

  if (type !== null && locations.chosen !== null) {
    const created = {
      ...base,
      type: 'incident.created' as const,
      number: internalNumber ?? header.incidentId,
      ...type,
      // Silence on status means the incident has not been dispatched yet.
      status: status ?? 'PENDING',
      location: locations.chosen,
      reportedAt: calls.firstStartedAt ?? timestamp(field(record, 'lastUpdateTimeStamp')) ?? occurredAt,
      narrative,
      callIds: calls.ids,
    };
    return [{ event: created, path, material: eido.root }];
  }

  if (locations.chosen === null) rejections.push({ reason: 'no-usable-location', detail: locations.summary, path });
  if (type === null) {
    rejections.push({
      reason: 'missing-incident-type',
      detail: 'no incidentTypeCommonRegistryText or incidentTypeInternalCode',
      path,
    });
  }
  // Only what the document states: an update must not reset fields the hub already knows.
  const updated: Omit<IncidentUpdated, 'eventId' | 'source'> = {
    ...base,
    type: 'incident.updated',
    ...(internalNumber !== undefined && { number: internalNumber }),
    ...(type ?? {}),
    ...(status !== null && { status }),
    ...(locations.chosen !== null && { location: locations.chosen }),
    ...(calls.firstStartedAt !== null && { reportedAt: calls.firstStartedAt }),
    ...(narrative !== null && { narrative }),
    ...(calls.ids.length > 0 && { callIds: calls.ids }),
  };
  return [{ event: updated, path, material: eido.root }];
}

interface IncidentType {
  readonly typeCode: string;
  readonly typeText: string;
  readonly priority: number;
}

/**
 * The common registry type (APCO codes in EIDO 1.0) when the table knows it, else the agency's
 * internal code when the table knows that, else the code the document gives with the table's
 * default priority and the agency's own text. The document's `incidentCommonPriorityNumber` is
 * not used: its scale is not fixed (the older sample sends 10 for "very high"), and the hub's
 * priority (1 = most urgent) comes from the table, as a dispatch connector's CSV mapping would.
 */
function readIncidentType(record: JsonRecord, table: IncidentCodeTable): IncidentType | null {
  const common = texts(field(record, 'incidentTypeCommonRegistryText')).find((code) => identifier(code) !== undefined);
  const internal = identifier(field(record, 'incidentTypeInternalCode'));
  const internalText = text(field(record, 'incidentTypeInternalText'));
  const candidates = [common, internal].filter((code): code is string => code !== undefined);
  const known = candidates.map((code) => table.lookup(code)).find((entry) => entry.known);
  if (known) return { typeCode: known.code, typeText: known.text, priority: known.priority };
  const [code] = candidates;
  if (code === undefined) return null;
  const fallback = table.lookup(code);
  return { typeCode: code, typeText: internalText ?? fallback.text, priority: fallback.priority };
}

/** A disposition (on the incident or at top level) closes it; otherwise the status texts decide. */
function readIncidentStatus(eido: EidoDocument, record: JsonRecord): IncidentStatus | null {
  const nested = listOf(field(record, 'dispositionComponent'), 'disposition').filter((item) => isRecord(item.value));
  if (nested.length > 0 || eido.components('disposition').length > 0) return 'CLOSED';
  return incidentStatusOf([
    ...texts(field(record, 'incidentStatusCommonRegistryText')),
    ...texts(field(record, 'incidentStatusInternalText')),
  ]);
}

/** Notes the incident references (`notesActionComments`), oldest first as listed. */
function readNarrative(eido: EidoDocument, record: JsonRecord): string | null {
  const notes = listOf(field(record, 'notesReference'), 'notesReference')
    .map((item) => eido.resolve(item.value))
    .map((component) => (component ? text(field(component.record, 'notesActionComments')) : undefined))
    .filter((note): note is string => note !== undefined);
  return notes.length > 0 ? notes.join('\n') : null;
}

interface Calls {
  readonly ids: string[];
  readonly firstStartedAt: string | null;
}

/** Every call component belongs to the document's incident; its $id is the call identifier. */
function readCalls(eido: EidoDocument, rejections: EidoRejection[]): Calls {
  const ids: string[] = [];
  let firstStartedAt: string | null = null;
  for (const { record, path } of eido.components('call')) {
    const id = identifier(field(record, '$id')) ?? identifier(field(record, 'callIdentifier'));
    if (id === undefined) {
      const detail = `call component has no usable $id: ${preview(field(record, '$id'))}`;
      rejections.push({ reason: 'missing-call-id', detail, path });
      continue;
    }
    if (!ids.includes(id)) ids.push(id);
    const started = timestamp(field(record, 'callStartTimestamp'));
    if (started !== null && (firstStartedAt === null || Date.parse(started) < Date.parse(firstStartedAt))) {
      firstStartedAt = started;
    }
  }
  return { ids, firstStartedAt };
}

// ---- phase 3: locations ---------------------------------------------------------------------

interface Locations {
  /** The location with coordinates the incident gets, or null. */
  readonly chosen: EventLocation | null;
  /** Why nothing was chosen, for the rejection. */
  readonly summary: string;
}

type LocationReadings = ReadonlyMap<EidoComponent, LocationReading>;

/** Reads every location component once, so that each bad one is reported once, at its path. */
function readLocationComponents(eido: EidoDocument, rejections: EidoRejection[]): LocationReadings {
  const readings = new Map<EidoComponent, LocationReading>();
  for (const component of eido.components('location')) {
    readings.set(component, readLocation(component, rejections));
  }
  return readings;
}

/**
 * Chooses, in order of preference, a location the incident references, one a call references,
 * or the first in the document that has coordinates. A civic-only location is not enough: the
 * hub needs a point, and geocoding is not a translator's job.
 */
function chooseLocation(eido: EidoDocument, incident: EidoComponent | null, readings: LocationReadings): Locations {
  const referenced = (component: EidoComponent | null) =>
    listOf(component ? field(component.record, 'locationReference') : undefined, 'locationReference').map((item) =>
      eido.resolve(item.value),
    );
  const preference = [
    ...referenced(incident),
    ...eido.components('call').flatMap(referenced),
    ...eido.components('location'),
  ];
  for (const component of preference) {
    const location = component ? readings.get(component)?.location : null;
    if (location) return { chosen: location, summary: '' };
  }
  const notes = [...readings.entries()].map(([component, reading]) => `${component.path} ${reading.note}`);
  const summary =
    notes.length === 0 ? 'the document has no location component' : `no location has coordinates: ${notes.join('; ')}`;
  return { chosen: null, summary };
}

interface LocationReading {
  readonly location: EventLocation | null;
  /** The civic address, with or without coordinates. */
  readonly address: string | null;
  /** What the component held, for the incident's rejection when no location is usable. */
  readonly note: string;
}

function readLocation(component: EidoComponent, rejections: EidoRejection[]): LocationReading {
  const byValue = field(component.record, 'locationByValue');
  const reference = text(field(component.record, 'locationByReferenceUrl'));
  const path = `${component.path}.locationByValue`;
  if (typeof byValue === 'string') {
    const parsed = parsePidfLocation(byValue);
    if (!parsed.ok) {
      rejections.push({ reason: parsed.reason, detail: parsed.detail, path });
      return { location: null, address: null, note: `was rejected (${parsed.reason})` };
    }
    const { point, uncertaintyMeters, address } = parsed.location;
    if (point) return { location: { point, uncertaintyMeters, address }, address, note: 'has coordinates' };
    return { location: null, address, note: `has a civic address only (${preview(address)})` };
  }
  if (byValue !== undefined && byValue !== null) {
    const detail = `locationByValue must be a PIDF-LO string, got ${preview(byValue)}`;
    rejections.push({ reason: 'bad-type', detail, path });
    return { location: null, address: null, note: 'was rejected (bad-type)' };
  }
  if (reference !== undefined) {
    return { location: null, address: null, note: `is by reference only (${preview(reference)}), not dereferenced` };
  }
  return { location: null, address: null, note: 'has no locationByValue' };
}

// ---- phase 4: units -------------------------------------------------------------------------

/**
 * One `unit.statusChanged` per emergency resource component, and per resource a dispatch
 * component names. Version 1 EIDOs omit `activeOnIncidentId`, and the schema says the resource
 * must then be assumed active on the incident the EIDO represents.
 */
function translateUnits(
  eido: EidoDocument,
  header: Header,
  options: EidoTranslationOptions,
  rejections: EidoRejection[],
): Draft[] {
  const resources: EidoComponent[] = [...eido.components('emergencyResource')];
  for (const dispatch of eido.components('dispatch')) {
    const key = 'emergencyResourceReference';
    for (const { value, path } of listOf(field(dispatch.record, key), `${dispatch.path}.${key}`)) {
      const resource = eido.resolve(value);
      if (resource === null) {
        const detail = `no component has $id ${preview(isRecord(value) ? field(value, '$ref') : value)}`;
        rejections.push({ reason: 'unresolved-reference', detail, path });
      } else if (!resources.includes(resource)) {
        resources.push(resource);
      }
    }
    // Older drafts put the unit on the dispatch component itself.
    if (UNIT_FIELDS.some((name) => field(dispatch.record, name) !== undefined)) resources.push(dispatch);
  }
  return resources.flatMap((resource) => translateUnit(resource, header, options, rejections));
}

const UNIT_FIELDS = ['emergencyResourceName', 'primaryUnitStatusRegistryText', 'unitStatusInternal'];

function translateUnit(
  { record, path }: EidoComponent,
  header: Header,
  options: EidoTranslationOptions,
  rejections: EidoRejection[],
): Draft[] {
  const unitId = identifier(field(record, '$id'));
  if (unitId === undefined) {
    const detail = `emergency resource has no usable $id: ${preview(field(record, '$id'))}`;
    rejections.push({ reason: 'missing-unit-id', detail, path });
    return [];
  }
  const statusTexts = [
    ...texts(field(record, 'primaryUnitStatusRegistryText')),
    ...texts(field(record, 'unitStatusInternal')),
  ];
  const status: UnitStatus | null = unitStatusOf(statusTexts);
  if (status === null) {
    rejections.push({ reason: 'unknown-unit-status', detail: `no known unit status in ${preview(statusTexts)}`, path });
    return [];
  }
  const active = identifier(field(record, 'activeOnIncidentId'));
  const free = status === 'AVAILABLE' || status === 'OUT_OF_SERVICE';
  const incidentId = active ?? (free ? null : header.incidentId);
  if (incidentId === null && !free) {
    const detail = `unit ${preview(unitId)} is ${status} on an incident with no id`;
    rejections.push({ reason: 'missing-incident-id', detail, path });
    return [];
  }
  const event = {
    type: 'unit.statusChanged' as const,
    occurredAt: timestamp(field(record, 'lastUpdateTimeStamp')) ?? header.updatedAt ?? options.receivedAt,
    unitId,
    callSign: identifier(field(record, 'emergencyResourceName')) ?? unitId,
    status,
    incidentId,
  };
  return [{ event, path, material: { record, incidentId } }];
}

// ---- phase 5: callers ---------------------------------------------------------------------

/** Person roles (the Person Role registry, and what drafts write) that mean the caller. */
const CALLER_ROLES = new Set(['caller', 'callingparty', 'reportingparty']);

/**
 * One `call.updated` per call whose caller or audio the document states, with only what it
 * states (an absent field leaves the hub's value as it is). Each malformed value is a rejection
 * at its path, and the rest of the call's caller data still goes.
 */
function translateCallers(
  eido: EidoDocument,
  header: Header,
  locations: LocationReadings,
  options: EidoTranslationOptions,
  rejections: EidoRejection[],
): Draft[] {
  const persons = eido.components('person');
  const drafts: Draft[] = [];
  for (const call of eido.components('call')) {
    const callId = identifier(field(call.record, '$id')) ?? identifier(field(call.record, 'callIdentifier'));
    if (callId === undefined) continue; // already rejected by readCalls
    const referenced = listOf(field(call.record, 'personReference'), `${call.path}.personReference`)
      .map((item) => eido.resolve(item.value))
      .filter((person): person is EidoComponent => person !== null && persons.includes(person));
    const naming = persons.filter((person) => texts(field(person.record, 'callIdentifier')).includes(callId));
    const caller = [...referenced, ...naming].find(isCaller) ?? null;
    const identity = {
      ...(caller ? readCallerPerson(eido, caller, locations, rejections) : {}),
      ...readCallAudio(eido, call, rejections),
    };
    if (Object.keys(identity).length === 0) continue;
    const occurredAt =
      timestamp(field(caller?.record ?? {}, 'lastUpdateTimeStamp')) ??
      timestamp(field(call.record, 'lastUpdateTimeStamp')) ??
      header.updatedAt ??
      options.receivedAt;
    const event = { type: 'call.updated' as const, occurredAt, callId, ...identity };
    drafts.push({ event, path: call.path, material: { callId, identity } });
  }
  return drafts;
}

function isCaller(person: EidoComponent): boolean {
  return texts(field(person.record, 'personIncidentRoleRegistryText')).some((role) =>
    CALLER_ROLES.has(role.toLowerCase().replace(/[^a-z]/g, '')),
  );
}

/** The caller's name (NIEM nc:PersonName: full name, else given, middle and surname) and civic address. */
function readCallerPerson(
  eido: EidoDocument,
  person: EidoComponent,
  locations: LocationReadings,
  rejections: EidoRejection[],
): { callerName?: string; callerAddress?: string } {
  const identity: { callerName?: string; callerAddress?: string } = {};
  const oneLine = (value: string, maxLength: number, reason: string, path: string): boolean => {
    if (isPrintableText(value, maxLength)) return true;
    rejections.push({ reason, detail: `expected one line of at most ${maxLength} characters, got ${preview(value)}`, path });
    return false;
  };
  const name = personNameOf(field(person.record, 'ncPersonComponent'));
  if (name !== undefined && oneLine(name, MAX_NAME_LENGTH, 'bad-caller-name', `${person.path}.ncPersonComponent.name`)) {
    identity.callerName = name;
  }
  const locationPath = `${person.path}.locationReference`;
  const address = listOf(field(person.record, 'locationReference'), locationPath)
    .map((item) => eido.resolve(item.value))
    .map((component) => (component ? locations.get(component)?.address : null))
    .find((candidate): candidate is string => typeof candidate === 'string');
  if (address !== undefined && oneLine(address, MAX_ADDRESS_LENGTH, 'bad-caller-address', locationPath)) {
    identity.callerAddress = address;
  }
  return identity;
}

/**
 * `ncPersonComponent.name` holds nc:PersonName entries (`fullName`, `givenName`, `middleName`,
 * `surName`), each a string or an nc:TextType (`{ "value": … }`), one or a list.
 */
function personNameOf(person: unknown): string | undefined {
  if (!isRecord(person)) return undefined;
  for (const { value } of listOf(field(person, 'name'), 'name')) {
    if (!isRecord(value)) continue;
    // EIDO JSON names (fullName) first, then NIEM's element names (PersonFullName).
    const part = (key: string) =>
      niemTexts(field(value, key)).join(' ') || niemTexts(field(value, `person${key[0]?.toUpperCase()}${key.slice(1)}`)).join(' ') || undefined;
    const full = part('fullName');
    const joined = [part('givenName'), part('middleName'), part('surName')]
      .filter((piece): piece is string => piece !== undefined)
      .join(' ');
    const name = full ?? (joined || undefined);
    if (name !== undefined) return name;
  }
  return undefined;
}

function niemTexts(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => texts(isRecord(item) ? (field(item, 'value') ?? field(item, '@value')) : item));
}

/** The first audio the call's `mediaReferences` link (EIDO MediaType: `uri`, `contentType` audio/*). */
function readCallAudio(eido: EidoDocument, call: EidoComponent, rejections: EidoRejection[]): { audioUrl?: string } {
  for (const { value } of listOf(field(call.record, 'mediaReferences'), `${call.path}.mediaReferences`)) {
    const media = eido.resolve(value);
    if (!media || !(text(field(media.record, 'contentType')) ?? '').toLowerCase().startsWith('audio/')) continue;
    const uri = text(field(media.record, 'uri'));
    if (uri !== undefined && isAudioUrl(uri)) return { audioUrl: uri };
    const detail = `expected an absolute http(s), rtsp(s), ws(s) or sip(s) URI, got ${preview(field(media.record, 'uri'))}`;
    rejections.push({ reason: 'bad-media-uri', detail, path: `${media.path}.uri` });
  }
  return {};
}

// ---- phase 6: envelope and validation -------------------------------------------------------

function finishEvents(
  drafts: readonly Draft[],
  header: Header,
  options: EidoTranslationOptions,
  rejections: EidoRejection[],
): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const { event, path, material } of drafts) {
    const eventId = `eido:${digest([header.incidentId, header.updatedAt, event.type, path, material])}`;
    const checked = validateDomainEvent({ ...event, eventId, source: options.source });
    if (checked.ok) {
      events.push(checked.event);
      continue;
    }
    // Characters no store can take are the vendor's input, not a translation gap: say so in the reason.
    const reason = checked.reason === 'bad-character' ? 'bad-character' : 'invalid-event';
    rejections.push({ reason, detail: `${event.type} (${checked.reason}): ${checked.detail}`, path });
  }
  return events;
}

function digest(material: unknown): string {
  return createHash('sha256').update(stableStringify(material)).digest('hex').slice(0, 32);
}

// The contract's form of ISO 8601: a date-time with an explicit offset.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function timestamp(value: unknown): string | null {
  const candidate = text(value);
  const valid = candidate !== undefined && ISO_DATE_TIME.test(candidate) && !Number.isNaN(Date.parse(candidate));
  return valid ? candidate : null;
}

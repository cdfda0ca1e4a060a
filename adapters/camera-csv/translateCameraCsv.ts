import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { CameraDiscovered, CameraOwner, CameraSource, CameraStatus, CameraStream, GeoPoint } from '../../contract';
import { validateDomainEvent } from '../../contract/validateDomainEvent';
import {
  type ColumnMapping,
  type ResolvedColumns,
  type SingleColumnField,
  REQUIRED_FIELDS,
  detectColumnMapping,
  resolveColumnMapping,
} from './detectColumnMapping';
import {
  type CellReading,
  preview,
  readCameraSource,
  readCameraStatus,
  readDecimal,
  readEmail,
  readFieldOfView,
  readHeading,
  readMetres,
  readName,
  readPhone,
  readPtz,
  readSnapshotUrl,
  readStreams,
} from './readCameraCells';
import { type CsvRecord, isCsvProblem, readCsvRecordsInSteps } from './readCsvRecords';
import { MAX_ADDRESS_LENGTH, MAX_NAME_LENGTH } from '../../contract/contactFormats';
import { identifierProblem, lineProblem } from '../textProblems';

/** Rows read from one file by default; the rest are one dead letter (`too-many-rows`). */
export const DEFAULT_MAX_CAMERA_CSV_ROWS = 50_000;

/** Values for what a file does not say (an empty cell, or no column). */
export interface CameraDefaults {
  /** Default `CITY_VMS`: these lists come from agency VMS exports. */
  readonly cameraSource?: CameraSource;
  readonly fieldOfViewDegrees?: number | null;
  readonly rangeMeters?: number | null;
  /** Default `UNKNOWN`. */
  readonly status?: CameraStatus;
  /** Default false. */
  readonly ptz?: boolean;
}

export interface CameraCsvOptions {
  /** Adapter name for every event's `source`. */
  readonly source: string;
  /** The file's name or path; its stem (`austin-traffic-cameras`) namespaces the camera ids. */
  readonly fileName: string;
  /** The import time: every event's `occurredAt` (the lists carry no usable time of their own). */
  readonly now: Date;
  /** Header name per field; detected from the header row when absent. */
  readonly mapping?: ColumnMapping;
  readonly defaults?: CameraDefaults;
  /** Rows read; the rest are one `too-many-rows` rejection. Default {@link DEFAULT_MAX_CAMERA_CSV_ROWS}. */
  readonly maxRows?: number;
}

export type CameraCsvRejectionReason =
  // The whole file: nothing is imported.
  | 'empty-file'
  | 'malformed-header'
  | 'unrecognised-header'
  | 'missing-column'
  | 'file-too-large'
  // The rows beyond the row limit, together.
  | 'too-many-rows'
  // One row.
  | 'malformed-row'
  | 'column-count'
  | 'missing-id'
  | 'bad-id'
  | 'bad-name'
  | 'bad-address'
  | 'duplicate-id'
  | 'missing-coordinates'
  | 'bad-coordinates'
  | 'coordinates-out-of-range'
  | 'null-island'
  | 'bad-heading'
  | 'bad-field-of-view'
  | 'bad-range'
  | 'bad-mount-height'
  | 'bad-ptz'
  | 'bad-camera-source'
  | 'bad-stream-url'
  | 'bad-snapshot-url'
  | 'missing-owner-id'
  | 'bad-owner-id'
  | 'bad-owner-name'
  | 'bad-contact-name'
  | 'bad-contact-phone'
  | 'bad-contact-email'
  | 'invalid-event'
  | 'internal-error';

/** A row (or, for a file-level reason, the whole file) that yielded no camera. */
export interface CameraCsvRejection {
  readonly reason: CameraCsvRejectionReason;
  readonly detail: string;
  /** 1-based line the row starts on (the header's line for a file-level reason). */
  readonly line: number;
  /** The row as it stands in the file; for a file-level reason, the whole file. */
  readonly raw: string;
}

export interface CameraCsvTranslation {
  /** One per usable row, in file order; each passed {@link validateDomainEvent}. */
  readonly events: CameraDiscovered[];
  readonly rejections: CameraCsvRejection[];
  /** The mapping used: the one given, or what was detected (possibly incomplete, when the file was refused). */
  readonly mapping: ColumnMapping;
  /** The header row as it stands in the file, or null when there is none. */
  readonly header: string | null;
}

const FILE_REASONS: ReadonlySet<CameraCsvRejectionReason> = new Set([
  'empty-file',
  'malformed-header',
  'unrecognised-header',
  'missing-column',
  'file-too-large',
  'internal-error',
]);

/** True when the rejection refuses the whole file rather than one row. */
export const isFileRejection = (rejection: CameraCsvRejection): boolean => FILE_REASONS.has(rejection.reason);

/**
 * Translates a camera list exported as CSV into `camera.discovered` events, one per row.
 *
 * - Columns are found by header name, never by position (Trafford's 2021 list puts lon before lat).
 * - Camera ids are `<file stem>:<id>`, so that two agencies' lists never collide; a second row
 *   with an id already imported from the file is rejected (`duplicate-id`).
 * - Event ids digest the file stem and what the row says about the camera, so importing the same
 *   file again yields the same ids, and a row whose camera data changed yields a new one. Columns
 *   the mapping does not read (Austin's `Modified Date`) do not change the id.
 * - A list without a heading column gives `headingDegrees: null`; the hub never counts such a
 *   fixed camera as seeing a point (`geo/cameraView.ts`), so give PTZ or a heading where known.
 * - Statuses: see {@link readCameraStatus} (Austin's REMOVED and VOID become OFFLINE, DESIRED UNKNOWN).
 * - Community cameras' owners: `owner_id` (kept as it is, not namespaced: camera owners' tokens
 *   name it), `owner_name`, `contact_name`, `contact_phone`, `contact_email`. A row with any of
 *   them needs an owner id (`missing-owner-id`); a malformed phone or email refuses the row.
 *   A row with no owner cell leaves the camera's owner as it was.
 *
 * Never throws: every row that cannot be used is a rejection with its line and raw text, and
 * the rows around it are still imported. Blank rows (no cell with text) are skipped.
 */
export function translateCameraCsv(csv: string, options: CameraCsvOptions): CameraCsvTranslation {
  return drain(translateInSteps(csv, options, Infinity));
}

/**
 * {@link translateCameraCsv}, giving the event loop back every `rowsPerSlice` rows: a list of
 * tens of thousands of rows takes seconds to translate, and the hub must answer meanwhile.
 */
export async function translateCameraCsvInSlices(csv: string, options: CameraCsvOptions, rowsPerSlice = 250): Promise<CameraCsvTranslation> {
  const steps = translateInSteps(csv, options, rowsPerSlice);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The translation as a generator that pauses (yields) after every `rowsPerSlice` rows. */
function* translateInSteps(csv: string, options: CameraCsvOptions, rowsPerSlice: number): Generator<void, CameraCsvTranslation> {
  let mapping: ColumnMapping = options.mapping ?? {};
  let header: string | null = null;
  try {
    const reading = yield* readCsvRecordsInSteps(csv);
    if (reading.header === null) {
      return refuse({ reason: 'empty-file', detail: 'the file has no header row', line: 1, raw: csv });
    }
    header = reading.header.raw;
    if (isCsvProblem(reading.header)) {
      const { detail, line } = reading.header;
      return refuse({ reason: 'malformed-header', detail: `header row: ${detail}`, line, raw: csv });
    }
    const headers = reading.header.cells.map((cell) => cell.trim());
    mapping = options.mapping ?? detectColumnMapping(headers);
    const columns = resolveColumnMapping(mapping, headers);
    const refusal = checkColumns(columns, headers, options.mapping !== undefined);
    if (refusal !== null) return refuse({ ...refusal, line: reading.header.line, raw: csv });

    const events: CameraDiscovered[] = [];
    const rejections: CameraCsvRejection[] = [];
    const imported = new Map<string, number>();
    const context = { columns, width: headers.length, stem: fileStemOf(options.fileName), options };
    const { maxRows = DEFAULT_MAX_CAMERA_CSV_ROWS } = options;
    const rest = reading.rows.slice(maxRows);
    const [firstBeyond] = rest;
    if (firstBeyond !== undefined) {
      // One rejection for all of them, so that a file of a million lines is not a million dead letters.
      const detail = `the file has ${reading.rows.length} rows; at most ${maxRows} are read, these ${rest.length} were not`;
      rejections.push({ reason: 'too-many-rows', detail, line: firstBeyond.line, raw: rest.map((row) => row.raw).join('\n') });
    }
    let sliceRows = 0;
    for (const row of reading.rows.slice(0, maxRows)) {
      sliceRows += 1;
      if (sliceRows >= rowsPerSlice) {
        sliceRows = 0;
        yield;
      }
      if (isCsvProblem(row)) {
        rejections.push({ reason: 'malformed-row', detail: row.detail, line: row.line, raw: row.raw });
        continue;
      }
      if (row.cells.every((cell) => cell.trim() === '')) continue;
      const outcome = translateRow(row, context);
      if (!outcome.ok) {
        rejections.push({ reason: outcome.reason, detail: outcome.detail, line: row.line, raw: row.raw });
        continue;
      }
      const first = imported.get(outcome.event.cameraId);
      if (first !== undefined) {
        const detail = `camera id ${preview(outcome.event.cameraId)} was already imported from line ${first}`;
        rejections.push({ reason: 'duplicate-id', detail, line: row.line, raw: row.raw });
        continue;
      }
      imported.set(outcome.event.cameraId, row.line);
      events.push(outcome.event);
    }
    return { events, rejections, mapping, header };
  } catch (error) {
    const detail = `translation failed: ${preview(error instanceof Error ? error.message : String(error))}`;
    return refuse({ reason: 'internal-error', detail, line: 1, raw: csv });
  }

  function refuse(rejection: CameraCsvRejection): CameraCsvTranslation {
    return { events: [], rejections: [rejection], mapping, header };
  }
}

/** Runs a generator to its end without pausing. */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** `/exports/Austin Cameras.v2.csv` → `Austin Cameras.v2`. */
export function fileStemOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

type Refusal = Pick<CameraCsvRejection, 'reason' | 'detail'>;

function checkColumns(columns: ResolvedColumns, headers: readonly string[], explicit: boolean): Refusal | null {
  const found = `the header has ${headers.map((name) => preview(name)).join(', ')}`;
  if (columns.missing.length > 0) {
    return { reason: 'missing-column', detail: `no column ${columns.missing.map(preview).join(', ')}; ${found}` };
  }
  const absent = REQUIRED_FIELDS.filter((field) => columns.single[field] === undefined);
  if (absent.length === 0) return null;
  return explicit
    ? { reason: 'missing-column', detail: `the mapping names no column for ${absent.join(', ')}` }
    : { reason: 'unrecognised-header', detail: `no column recognised as ${absent.join(', ')} (give a mapping); ${found}` };
}

// ---- one row --------------------------------------------------------------------------------

interface RowContext {
  readonly columns: ResolvedColumns;
  readonly width: number;
  readonly stem: string;
  readonly options: CameraCsvOptions;
}

type RowOutcome = { readonly ok: true; readonly event: CameraDiscovered } | Refused;

const MAX_ID_LENGTH = 128;

type Refused = { readonly ok: false } & Refusal;
const refused = (reason: CameraCsvRejectionReason, detail: string): Refused => ({ ok: false, reason, detail });

function translateRow({ cells }: CsvRecord, { columns, width, stem, options }: RowContext): RowOutcome {
  // A row narrower or wider than the header has lost or gained a separator: its cells no longer
  // sit under their headers, and reading them anyway could put a camera in the wrong place.
  if (cells.length !== width) return refused('column-count', `expected ${width} cells as in the header, got ${cells.length}`);
  const cell = (field: SingleColumnField): string => {
    const index = columns.single[field];
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  const { defaults = {} } = options;

  const id = cell('id');
  if (id === '') return refused('missing-id', 'the camera id cell is empty');
  // Ids end up in URLs, logs and keys: a cell of kilobytes or with control characters is a corrupted row.
  const idProblem = identifierProblem(id, MAX_ID_LENGTH);
  if (idProblem !== null) return refused('bad-id', `expected at most ${MAX_ID_LENGTH} printable characters, got ${preview(id)}: it ${idProblem}`);
  // A quoted cell may run over lines (RFC 4180 §2.6); a name or an address is one line, so its
  // line breaks and tabs read as spaces. Any other control character refuses the row.
  const name = cell('name').replace(/[\t\r\n]+/g, ' ');
  const nameProblem = lineProblem(name, MAX_NAME_LENGTH);
  if (nameProblem !== null) return refused('bad-name', `the name ${preview(name)} ${nameProblem}`);
  const address = cell('address').replace(/[\t\r\n]+/g, ' ');
  const addressProblem = lineProblem(address, MAX_ADDRESS_LENGTH);
  if (addressProblem !== null) return refused('bad-address', `the address ${preview(address)} ${addressProblem}`);
  const point = readPoint(cell('lat'), cell('lon'));
  if (!point.ok) return point;

  const optional = <T, F>(field: SingleColumnField, read: (text: string) => CellReading<T>, fallback: F) => {
    const text = cell(field);
    return text === '' ? ({ ok: true, value: fallback } as const) : read(text);
  };
  const heading = optional('heading', readHeading, null);
  if (!heading.ok) return refused('bad-heading', heading.detail);
  const fieldOfView = optional('fieldOfView', readFieldOfView, defaults.fieldOfViewDegrees ?? null);
  if (!fieldOfView.ok) return refused('bad-field-of-view', fieldOfView.detail);
  const range = optional('range', readMetres, defaults.rangeMeters ?? null);
  if (!range.ok) return refused('bad-range', range.detail);
  const mountHeight = optional('mountHeight', readMetres, null);
  if (!mountHeight.ok) return refused('bad-mount-height', mountHeight.detail);
  const ptz = optional('ptz', readPtz, defaults.ptz ?? false);
  if (!ptz.ok) return refused('bad-ptz', ptz.detail);
  const cameraSource = optional('cameraSource', readCameraSource, defaults.cameraSource ?? 'CITY_VMS');
  if (!cameraSource.ok) return refused('bad-camera-source', cameraSource.detail);
  const streams: CameraStream[] = [];
  for (const index of columns.streamUrls) {
    const read = readStreams((cells[index] ?? '').trim());
    if (!read.ok) return refused('bad-stream-url', read.detail);
    streams.push(...read.value);
  }
  const snapshotUrl = optional('snapshotUrl', readSnapshotUrl, null);
  if (!snapshotUrl.ok) return refused('bad-snapshot-url', snapshotUrl.detail);

  const owner = readOwner(cell);
  if (!owner.ok) return owner;

  const body = {
    type: 'camera.discovered' as const,
    cameraId: `${stem}:${id}`,
    name: name || address || id,
    cameraSource: cameraSource.value,
    location: { point: point.value, address: address || null },
    headingDegrees: heading.value,
    fieldOfViewDegrees: fieldOfView.value,
    rangeMeters: range.value,
    mountHeightMeters: mountHeight.value,
    ptz: ptz.value,
    status: readCameraStatus(cell('status'), cell('connectivity'), defaults.status ?? 'UNKNOWN'),
    streams,
    snapshotUrl: snapshotUrl.value,
    // Only when the row names one, so that the ids of rows without owners do not change.
    ...(owner.value && { owner: owner.value }),
  };
  const eventId = `csv:${digest([stem, body])}`;
  const checked = validateDomainEvent({ ...body, eventId, source: options.source, occurredAt: options.now.toISOString() });
  if (!checked.ok) return refused('invalid-event', `${checked.reason}: ${checked.detail}`);
  return { ok: true, event: checked.event as CameraDiscovered };
}

type OwnerReading = { readonly ok: true; readonly value: CameraOwner | null } | Refused;

const OWNER_FIELDS = ['ownerName', 'contactName', 'contactPhone', 'contactEmail'] as const;

function readOwner(cell: (field: SingleColumnField) => string): OwnerReading {
  const ownerId = cell('ownerId');
  if (ownerId === '') {
    const stated = OWNER_FIELDS.filter((field) => cell(field) !== '');
    if (stated.length === 0) return { ok: true, value: null };
    return refused('missing-owner-id', `the row has ${stated.join(', ')} but no owner id to attach them to`);
  }
  if (identifierProblem(ownerId, MAX_ID_LENGTH) !== null) {
    return refused('bad-owner-id', `expected at most ${MAX_ID_LENGTH} printable characters, got ${preview(ownerId)}`);
  }
  const optional = (field: SingleColumnField, read: (text: string) => CellReading<string>) => {
    const text = cell(field);
    return text === '' ? ({ ok: true, value: null } as const) : read(text);
  };
  const name = optional('ownerName', readName);
  if (!name.ok) return refused('bad-owner-name', name.detail);
  const contactName = optional('contactName', readName);
  if (!contactName.ok) return refused('bad-contact-name', contactName.detail);
  const contactPhone = optional('contactPhone', readPhone);
  if (!contactPhone.ok) return refused('bad-contact-phone', contactPhone.detail);
  const contactEmail = optional('contactEmail', readEmail);
  if (!contactEmail.ok) return refused('bad-contact-email', contactEmail.detail);
  return {
    ok: true,
    value: {
      ownerId,
      name: name.value,
      contactName: contactName.value,
      contactPhone: contactPhone.value,
      contactEmail: contactEmail.value,
    },
  };
}

type PointReading = { readonly ok: true; readonly value: GeoPoint } | Refused;

function readPoint(latText: string, lonText: string): PointReading {
  if (latText === '' || lonText === '') {
    return refused('missing-coordinates', `latitude ${preview(latText)}, longitude ${preview(lonText)}`);
  }
  const lat = readDecimal(latText);
  const lon = readDecimal(lonText);
  if (lat === null || lon === null) {
    return refused('bad-coordinates', `expected decimal degrees, got ${preview(latText)}, ${preview(lonText)}`);
  }
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return refused('coordinates-out-of-range', `latitude ${lat} must be in [-90, 90], longitude ${lon} in [-180, 180]`);
  }
  // 0,0 is where a blank position lands after a numeric conversion, not a camera in the Gulf of Guinea.
  if (lat === 0 && lon === 0) return refused('null-island', 'coordinates 0, 0 are a placeholder, not a position');
  return { ok: true, value: { lat, lon } };
}

function digest(material: unknown): string {
  return createHash('sha256').update(stableStringify(material)).digest('hex').slice(0, 32);
}

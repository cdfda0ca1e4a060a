import type { PositionFix, Rejection } from '../../contract';
import { type DeviceFix, type NmeaFixAssembler, parseNmeaSentence, rmcInstant } from '../nmea';
import { type TaipFixAssembler, parseTaipMessage } from '../taip';
import type { AvlRejectReason } from './avlRejectReasons';

/** What one AVL payload (a datagram, or a read of a stream) became. */
export interface AvlTranslation {
  readonly fixes: PositionFix[];
  readonly rejections: Omit<Rejection, 'source' | 'receivedAt'>[];
}

export interface AvlTranslatorOptions {
  readonly source: string;
  readonly nmea: NmeaFixAssembler;
  readonly taip: TaipFixAssembler;
  /** The unit whose car holds a device (the AVL device table). */
  readonly unitFor: (deviceId: string) => string | undefined;
  /** The receive clock. Given, fix times are bounded by it (see the two limits below); omitted, they are not. */
  readonly now?: () => Date;
  /** How far after `now()` a fix time may lie (a slow hub clock) before it is `fix-in-future`. Default 5 minutes. */
  readonly maxFutureSkewMs?: number;
  /** How far before `now()` a fix time may lie before it is `fix-too-old`. Default 90 days (the AVL retention default). */
  readonly maxFixAgeMs?: number;
  /** Lines taken from one payload; the rest becomes one `too-many-lines` rejection. Default 64. */
  readonly maxLines?: number;
}

const MS_PER_DAY = 86_400_000;

/** Defaults of {@link AvlTranslatorOptions}, shared with the adapter. */
export const AVL_TRANSLATION_DEFAULTS = {
  maxFutureSkewMs: 5 * 60_000,
  maxFixAgeMs: 90 * 86_400_000,
  maxLines: 64,
} as const;

/**
 * A modem may put its id before each NMEA sentence, `<deviceId>,$GPRMC,…` (the "include modem
 * id" option of AVL modems), and the adapter puts one before TAIP messages it keeps as dead
 * letters; TAIP carries `;ID=` itself. Without either, the transport's sender address identifies
 * the device.
 */
const MODEM_ID_PREFIX = /^([A-Za-z0-9_.:-]{1,64}),(?=[$>])/;

/** Index of the first C0 control (NUL …), DEL or C1 control, or -1: no NMEA 0183 or TAIP line holds one (both are printable ASCII). */
function indexOfControl(line: string): number {
  for (let i = 0; i < line.length; i += 1) {
    const code = line.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return i;
  }
  return -1;
}

type Rejected = AvlTranslation['rejections'][number];

/**
 * Translates one payload of NMEA 0183 sentences and/or TAIP messages into position fixes.
 * Every line that cannot be used becomes a rejection carrying the line — prefixed with the
 * device id, so that a replay reaches the same device — and never stops the lines after it.
 * At most `maxLines` lines are translated; the rest is kept whole as one rejection, so that a
 * datagram of 16,000 lines costs 65 records, not 16,000, and loses nothing.
 */
export function translateAvlPayload(payload: string, senderId: string, options: AvlTranslatorOptions): AvlTranslation {
  const { source, nmea, taip, unitFor, now } = options;
  const { maxFutureSkewMs = AVL_TRANSLATION_DEFAULTS.maxFutureSkewMs, maxFixAgeMs = AVL_TRANSLATION_DEFAULTS.maxFixAgeMs } = options;
  const { maxLines = AVL_TRANSLATION_DEFAULTS.maxLines } = options;
  const fixes: PositionFix[] = [];
  const rejections: Rejected[] = [];
  /** Each NMEA device's lines not yet part of a fix or a rejection: the epoch the assembler holds. */
  const rawByDevice = new Map<string, string[]>();
  const receivedAtMs = now?.().getTime();

  const reject = (reason: string, detail: string, raw: string) => rejections.push({ reason, detail, raw });

  /** Null when the fix time is believable against the receive clock, else why not. */
  const timeProblem = (fixAtMs: number): { reason: AvlRejectReason; detail: string } | null => {
    if (receivedAtMs === undefined) return null;
    if (fixAtMs - receivedAtMs > maxFutureSkewMs) {
      return { reason: 'fix-in-future', detail: `fix at ${isoOrRaw(fixAtMs)} is more than ${maxFutureSkewMs} ms after the receive clock (${isoOrRaw(receivedAtMs)})` };
    }
    if (receivedAtMs - fixAtMs > maxFixAgeMs) {
      return { reason: 'fix-too-old', detail: `fix at ${isoOrRaw(fixAtMs)} is more than ${maxFixAgeMs} ms before the receive clock (${isoOrRaw(receivedAtMs)})` };
    }
    return null;
  };

  const toEvent = (fix: DeviceFix, raw: string) => {
    const problem = timeProblem(Date.parse(fix.fixAt));
    if (problem) {
      reject(problem.reason, problem.detail, raw);
      return;
    }
    const unitId = unitFor(fix.deviceId);
    if (!unitId) {
      reject('unknown-device', `no unit is assigned device "${fix.deviceId}"`, raw);
      return;
    }
    fixes.push({
      type: 'position.fix',
      // The same fix from the same device is the same event, however often it is sent.
      eventId: `${fix.deviceId}@${fix.fixAt}`,
      source,
      occurredAt: fix.fixAt,
      unitId,
      deviceId: fix.deviceId,
      point: fix.point,
      headingDegrees: fix.headingDegrees,
      speedKph: fix.speedKph,
      fixAt: fix.fixAt,
    });
  };

  const translateTaip = (deviceId: string, message: string, raw: string) => {
    const parsed = parseTaipMessage(message);
    if (!parsed.ok) return void reject(parsed.reason, parsed.detail, raw);
    if ('ignored' in parsed) return;
    const assembled = taip.accept(parsed.message, deviceId);
    if (!assembled.ok) return void reject(assembled.reason, assembled.detail, raw);
    toEvent(assembled.fix, raw);
  };

  const translateNmea = (deviceId: string, sentence: string, raw: string) => {
    const parsed = parseNmeaSentence(sentence);
    if (!parsed.ok) return void reject(parsed.reason, parsed.detail, raw);
    if ('ignored' in parsed) return;
    // A spoofed date is refused before the assembler sees it: it would otherwise become the
    // date the device's next lone GGA sentences are dated by.
    if (parsed.sentence.type === 'RMC') {
      const problem = timeProblem(rmcInstant(parsed.sentence));
      if (problem) return void reject(problem.reason, problem.detail, raw);
    }
    // What this sentence completes belongs to the lines before it, plus this one when it is the
    // sentence's own epoch (RMC and GGA of one time); a sentence left waiting starts the next epoch.
    const own = parsed.sentence;
    const ownInstant = own.type === 'RMC' ? rmcInstant(own) : null;
    const isOwnEpoch = (fixAtMs: number) => (ownInstant === null ? fixAtMs % MS_PER_DAY === own.timeOfDayMs : fixAtMs === ownInstant);
    const earlier = rawByDevice.get(deviceId) ?? [];
    const results = nmea.accept(deviceId, own);
    let consumed = false;
    for (const assembled of results) {
      const ownEpoch = assembled.ok && isOwnEpoch(Date.parse(assembled.fix.fixAt));
      consumed ||= ownEpoch;
      const lines = (ownEpoch ? [...earlier, raw] : earlier).join('\r\n');
      if (assembled.ok) toEvent(assembled.fix, lines);
      else reject(assembled.reason, assembled.detail, lines);
    }
    if (consumed) rawByDevice.delete(deviceId);
    // Older epochs completed: this sentence waits alone. Nothing completed: it waits with (or repeats) what was waiting.
    else rawByDevice.set(deviceId, results.length > 0 ? [raw] : [...earlier, raw]);
  };

  const lines = createLineReader(payload);
  let taken = 0;
  for (let line = lines.next(); line !== null; line = lines.next()) {
    if (taken === maxLines) {
      keepRemainder(line, lines, senderId, maxLines, reject);
      break;
    }
    taken += 1;
    const control = indexOfControl(line);
    if (control >= 0) {
      reject('control-character', `${nameOf(line.charCodeAt(control))} at character ${control + 1}`, withDevicePrefix(line, senderId));
      continue;
    }
    const prefix = MODEM_ID_PREFIX.exec(line);
    const deviceId = prefix?.[1] ?? senderId;
    const message = prefix ? line.slice(prefix[0].length) : line;
    const raw = `${deviceId},${message}`;
    if (message.startsWith('>')) translateTaip(deviceId, message, raw);
    else translateNmea(deviceId, message, raw);
  }
  // A modem sends an epoch's sentences together: complete what this payload started.
  for (const [deviceId, waiting] of rawByDevice) {
    const raw = waiting.join('\r\n');
    for (const assembled of nmea.flush(deviceId)) {
      if (assembled.ok) toEvent(assembled.fix, raw);
      else reject(assembled.reason, assembled.detail, raw);
    }
  }
  return { fixes, rejections };
}

/** Reads a payload's non-empty lines, trimmed of spaces, one at a time. */
interface LineReader {
  next(): string | null;
}

/**
 * NMEA 0183 ends a sentence with CR LF; modems also send LF alone, CR alone, or CR CR LF, so
 * CR and LF each end a line and the empty lines between them are skipped.
 */
function createLineReader(payload: string): LineReader {
  let position = 0;
  return {
    next() {
      while (position < payload.length) {
        let end = position;
        while (end < payload.length && !isLineEnd(payload.charCodeAt(end))) end += 1;
        // Spaces only, by index (a regex here is quadratic on a line of spaces): a tab or another
        // control character is the line's content, and refused.
        let start = position;
        let stop = end;
        while (start < stop && payload.charCodeAt(start) === 0x20) start += 1;
        while (stop > start && payload.charCodeAt(stop - 1) === 0x20) stop -= 1;
        position = end + 1;
        if (stop > start) return payload.slice(start, stop);
      }
      return null;
    },
  };
}

const isLineEnd = (code: number): boolean => code === 0x0a || code === 0x0d;

/** The lines past the cap, each with its device prefix so that a replay reaches the same devices, as one rejection. */
function keepRemainder(
  first: string,
  lines: LineReader,
  senderId: string,
  maxLines: number,
  reject: (reason: AvlRejectReason, detail: string, raw: string) => void,
): void {
  const kept = [withDevicePrefix(first, senderId)];
  for (let line = lines.next(); line !== null; line = lines.next()) kept.push(withDevicePrefix(line, senderId));
  reject('too-many-lines', `${maxLines} lines translated; the ${kept.length} after them are kept here unread`, kept.join('\r\n'));
}

function withDevicePrefix(line: string, senderId: string): string {
  return MODEM_ID_PREFIX.test(line) ? line : `${senderId},${line}`;
}

function nameOf(code: number): string {
  const hex = `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  return code === 0 ? `NUL (${hex})` : `control character ${hex}`;
}

/** An instant as ISO 8601 when a Date can hold it, else its epoch milliseconds. */
function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}

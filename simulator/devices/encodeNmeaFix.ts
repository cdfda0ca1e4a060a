import { type DomainEvent, type PositionFix } from '../../contract';

/** Knots in one kilometre per hour (1 kn = 1.852 km/h exactly). */
const KNOTS_PER_KPH = 1 / 1.852;
/** Decimal places of the minutes in `ddmm.mmmmmm`: 1e-6 minute is under 2 mm of latitude. */
const MINUTE_DECIMALS = 6;
/** Decimal places of RMC speed in knots: 1e-4 kn is under 0.0002 km/h. */
const SPEED_DECIMALS = 4;

/** An AVL modem and the unit whose car holds it: what the hub's device table must be told. */
export interface DeviceAssignment {
  readonly deviceId: string;
  readonly unitId: string;
  /** The unit's call sign, for registering the roster (AVL itself never carries it). */
  readonly callSign: string;
}

/** The simulated modem in a unit's car: `modem-<unitId>`. */
export function deviceIdForUnit(unitId: string): string {
  return `modem-${unitId}`;
}

/** One device per unit that a `unit.statusChanged` among `events` names, in first-seen order. */
export function deviceAssignmentsOf(events: readonly DomainEvent[]): DeviceAssignment[] {
  const byUnit = new Map<string, DeviceAssignment>();
  for (const event of events) {
    if (event.type !== 'unit.statusChanged' || byUnit.has(event.unitId)) continue;
    byUnit.set(event.unitId, { deviceId: deviceIdForUnit(event.unitId), unitId: event.unitId, callSign: event.callSign });
  }
  return [...byUnit.values()];
}

/**
 * A position fix as a modem with the "include modem id" option sends it: an RMC and a GGA
 * sentence of the same epoch, each prefixed `<deviceId>,` and separated by CR LF — the form
 * `translateAvlPayload` reads. The time of day keeps centiseconds (finer parts are truncated).
 * GGA optional fields the simulation does not know (satellites, HDOP, altitude) are left empty.
 */
export function encodeNmeaFix(fix: PositionFix, deviceId: string): string {
  const at = new Date(fix.fixAt);
  if (Number.isNaN(at.getTime())) throw new RangeError(`encodeNmeaFix: fixAt ${JSON.stringify(fix.fixAt)} is not a date`);
  const time = timeOfDay(at);
  const position = [...angle(fix.point.lat, 2, 'N', 'S'), ...angle(fix.point.lon, 3, 'E', 'W')];
  const speed = fix.speedKph === null ? '' : (fix.speedKph * KNOTS_PER_KPH).toFixed(SPEED_DECIMALS);
  const course = fix.headingDegrees === null ? '' : String(fix.headingDegrees);
  // NMEA 0183 RMC: time, status, lat, N/S, lon, E/W, speed, course, date, mag. var., E/W, mode (2.3).
  const rmc = sentence(['GPRMC', time, 'A', ...position, speed, course, date(at), '', '', 'A']);
  // GGA: time, lat, N/S, lon, E/W, quality 1 (GPS), satellites, HDOP, altitude, M, separation, M, age, station.
  const gga = sentence(['GPGGA', time, ...position, '1', '', '', '', '', '', '', '', '']);
  return `${deviceId},${rmc}\r\n${deviceId},${gga}`;
}

/** `$` + fields + `*hh`, hh the XOR of every character between `$` and `*` (NMEA 0183 checksum). */
function sentence(fields: readonly string[]): string {
  const body = fields.join(',');
  return `$${body}*${nmeaChecksum(body)}`;
}

/** The two upper-case hex digits of the NMEA 0183 checksum of `body`. */
export function nmeaChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

/** `hhmmss.ss` (UTC). */
function timeOfDay(at: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  const centis = Math.floor(at.getUTCMilliseconds() / 10);
  return `${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}.${two(centis)}`;
}

/** `ddmmyy` (UTC). */
function date(at: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(at.getUTCDate())}${two(at.getUTCMonth() + 1)}${two(at.getUTCFullYear() % 100)}`;
}

/**
 * `ddmm.mmmmmm` / `dddmm.mmmmmm` and its hemisphere. The minutes are rounded as an integer
 * count of their last digit, so 59.9999999 carries into the degrees instead of printing `60`.
 */
function angle(value: number, degreeDigits: 2 | 3, positive: string, negative: string): [string, string] {
  const unitsPerMinute = 10 ** MINUTE_DECIMALS;
  const totalUnits = Math.round(Math.abs(value) * 60 * unitsPerMinute);
  const degrees = Math.floor(totalUnits / (60 * unitsPerMinute));
  const minuteUnits = totalUnits - degrees * 60 * unitsPerMinute;
  const minutes = String(Math.floor(minuteUnits / unitsPerMinute)).padStart(2, '0');
  const fraction = String(minuteUnits % unitsPerMinute).padStart(MINUTE_DECIMALS, '0');
  const hemisphere = value < 0 && totalUnits > 0 ? negative : positive;
  return [`${String(degrees).padStart(degreeDigits, '0')}${minutes}.${fraction}`, hemisphere];
}

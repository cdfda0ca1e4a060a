import { readFileSync } from 'fs';
import { join } from 'path';

/** `shared/` sits beside the repository (locally /work/shared, in CI beside the fresh clone). */
export const NMEA_REFERENCE_DIR = join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'nmea');

/** A reference file's lines exactly as stored (CR kept; only the LF split and the final empty line dropped). */
export function readReferenceLines(name: 'test.nmea' | 'garmin48.log'): string[] {
  const lines = readFileSync(join(NMEA_REFERENCE_DIR, name), 'latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Checksums written independently of the adapters: over the latin-1 bytes, with Buffer and
 * reduce, so a shared bug in the code under test cannot cancel out here.
 */
export function xorHex(text: string): string {
  const sum = Buffer.from(text, 'latin1').reduce((acc, byte) => acc ^ byte, 0);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

/** `$` + body + `*hh` (checksum over the body, between `$` and `*`). */
export const nmea = (body: string): string => `$${body}*${xorHex(body)}`;

/** `>` + content + `;*hh<` (checksum from `>` through `*` inclusive). */
export function taip(content: string): string {
  const upToStar = `>${content};*`;
  return `${upToStar}${xorHex(upToStar)}<`;
}

/** A WGS 84 point given in whole units of 1e-5 arc minute, so that NMEA text and parsed value agree exactly. */
export interface MinutePoint {
  /** Signed latitude in 1e-5 minutes (north positive). */
  readonly latUnits: number;
  /** Signed longitude in 1e-5 minutes (east positive). */
  readonly lonUnits: number;
}

/** Decimal degrees of a {@link MinutePoint}, computed as the parsers do (one division, one addition). */
export function degreesOf(point: MinutePoint): { lat: number; lon: number } {
  const degrees = (units: number) => {
    const abs = Math.abs(units);
    const value = Math.floor(abs / 6_000_000) + (abs % 6_000_000) / 6_000_000;
    return units < 0 ? -value : value;
  };
  return { lat: degrees(point.latUnits), lon: degrees(point.lonUnits) };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

function nmeaAngle(units: number, degreeDigits: number): string {
  const abs = Math.abs(units);
  const degrees = Math.floor(abs / 6_000_000);
  const minuteUnits = abs % 6_000_000;
  return `${pad(degrees, degreeDigits)}${pad(Math.floor(minuteUnits / 100_000), 2)}.${pad(minuteUnits % 100_000, 5)}`;
}

/** A checksummed `$GPRMC` for a fix at `at` (whole seconds) and `point`, written independently of the parser. */
export function rmcAt(at: Date, point: MinutePoint, { speedKnots = 12.5, courseDegrees = 90 } = {}): string {
  const time = `${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}.00`;
  const date = `${pad(at.getUTCDate(), 2)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCFullYear() % 100, 2)}`;
  const lat = `${nmeaAngle(point.latUnits, 2)},${point.latUnits < 0 ? 'S' : 'N'}`;
  const lon = `${nmeaAngle(point.lonUnits, 3)},${point.lonUnits < 0 ? 'W' : 'E'}`;
  return nmea(`GPRMC,${time},A,${lat},${lon},${speedKnots.toFixed(1)},${courseDegrees.toFixed(1)},${date},,,A`);
}

/** A checksummed TAIP `>RPV…;ID=…;*hh<` for a fix at `at`'s UTC time of day, with 1e-5 degree resolution. */
export function rpvAt(at: Date, lat: number, lon: number, id: string, { speedMph = 25, headingDegrees = 180 } = {}): string {
  const seconds = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  const angle = (value: number, digits: number) => `${value < 0 ? '-' : '+'}${pad(Math.round(Math.abs(value) * 1e5), digits)}`;
  return taip(`RPV${pad(seconds, 5)}${angle(lat, 7)}${angle(lon, 8)}${pad(speedMph, 3)}${pad(headingDegrees, 3)}12;ID=${id}`);
}

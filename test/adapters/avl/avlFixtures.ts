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

/** Text helpers shared by the NMEA 0183 and TAIP parsers: both are checksummed ASCII lines. */

/** Negates without producing -0. */
export function signed(value: number, negative: boolean): number {
  return negative && value !== 0 ? -value : value;
}

/** Strips CR and LF from both ends, with index scans (a regex here is quadratic on hostile input). */
export function trimLineEnds(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isLineEnd(text.charCodeAt(start))) start += 1;
  while (end > start && isLineEnd(text.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const isLineEnd = (code: number): boolean => code === 0x0d || code === 0x0a;

/** XOR of the character codes: the checksum both NMEA 0183 and TAIP use (over different spans). */
export function xorOf(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i += 1) sum ^= text.charCodeAt(i);
  return sum;
}

/** Two upper-case hex digits. */
export const hex2 = (value: number): string => value.toString(16).toUpperCase().padStart(2, '0');

/** A short quoted excerpt of untrusted text, for rejection details. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

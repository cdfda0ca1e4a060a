/**
 * What text a vendor system may put in an identifier or in a one-line field, checked where its
 * message enters. PostgreSQL text refuses NUL; an unpaired surrogate would be stored as U+FFFD,
 * so the record could never be found again by the id it was sent with; a bidirectional override
 * makes a value read differently from what it is ("Trojan Source", CVE-2021-42574); kilobytes in
 * a name are a corrupted record, not a name.
 */

// \p{Cc}: C0 and C1 controls, NUL and DEL; \p{Cs}: a surrogate not in a pair (under the u flag
// a well-formed pair matches its astral code point instead).
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;
// Format characters (zero-width, BOM, bidi controls) and noncharacters (U+FFFE, U+FFFF …).
const FORMAT_OR_NONCHARACTER = /[\p{Cf}\p{Noncharacter_Code_Point}]/u;
// Bidi embeddings, overrides and isolates (UAX #9 §2), and noncharacters.
const BIDI_CONTROL_OR_NONCHARACTER = /[\u202a-\u202e\u2066-\u2069\p{Noncharacter_Code_Point}]/u;

/** Why `text` is not usable as an identifier, or null when it is: no control, format or noncharacter code points. */
export function identifierProblem(text: string, maxLength: number): string | null {
  if (text.length > maxLength) return `longer than ${maxLength} characters`;
  if (CONTROL_OR_LONE_SURROGATE.test(text)) return 'holds a control character or an unpaired surrogate';
  if (FORMAT_OR_NONCHARACTER.test(text)) return 'holds an invisible format character or a Unicode noncharacter';
  return null;
}

/** Why `text` is not one line of readable text (a name, an address, a code), or null when it is. */
export function lineProblem(text: string, maxLength: number): string | null {
  if (text.length > maxLength) return `longer than ${maxLength} characters`;
  if (CONTROL_OR_LONE_SURROGATE.test(text)) return 'holds a control character or an unpaired surrogate';
  if (BIDI_CONTROL_OR_NONCHARACTER.test(text)) return 'holds a bidirectional override or a Unicode noncharacter';
  return null;
}

/** A rejection detail as one printable line: control characters as `\u00XX` escapes. */
export function printableDetail(text: string): string {
  return text.replace(/\p{Cc}/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

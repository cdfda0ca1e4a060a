/**
 * What text a feed may put in an identifier or a one-line field. PostgreSQL text refuses NUL,
 * a lone surrogate is stored as U+FFFD (so the call could never be found again by the id it was
 * sent with), and bidirectional overrides make a value read differently from what it is
 * (CVE-2021-42574, "Trojan Source"): each is refused where the message enters.
 */

/** Longest call or event identifier accepted, in characters. */
export const MAX_FEED_ID_LENGTH = 128;

// \p{Cc}: C0 and C1 controls, NUL and DEL; \p{Cs}: surrogates, which a well-formed string only
// holds in pairs (a pair matches the astral code point, not \p{Cs}, under the u flag).
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;
// Format characters (zero-width, BOM, bidi controls) and noncharacters (U+FFFE, U+FFFF …).
const FORMAT_OR_NONCHARACTER = /[\p{Cf}\p{Noncharacter_Code_Point}]/u;
// Bidi embeddings, overrides and isolates (Unicode bidi algorithm, UAX #9 §2).
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

/** Why `text` is not usable as an identifier, or null when it is. */
export function identifierProblem(text: string, maxLength = MAX_FEED_ID_LENGTH): string | null {
  if (text.length > maxLength) return `longer than ${maxLength} characters`;
  if (CONTROL_OR_LONE_SURROGATE.test(text)) return 'holds a control character or an unpaired surrogate';
  if (FORMAT_OR_NONCHARACTER.test(text)) return 'holds an invisible format character or a Unicode noncharacter';
  return null;
}

/** Why `text` is not one line of readable text (a name, an address, a code), or null when it is. */
export function lineProblem(text: string, maxLength: number): string | null {
  if (text.length > maxLength) return `longer than ${maxLength} characters`;
  if (CONTROL_OR_LONE_SURROGATE.test(text)) return 'holds a control character or an unpaired surrogate';
  if (BIDI_CONTROL.test(text) || /\p{Noncharacter_Code_Point}/u.test(text)) return 'holds a bidirectional override or a Unicode noncharacter';
  return null;
}

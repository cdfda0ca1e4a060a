/**
 * Formats of the contract's identity and contact fields (caller name and address, call audio,
 * camera owners' contacts): the contract validator and the adapters that read such fields check
 * them the same way, so that an adapter can reject a malformed value with its own reason.
 */

/** Longest name (caller, owner, contact) accepted, in characters. */
export const MAX_NAME_LENGTH = 200;
/** Longest one-line civic address accepted, in characters. */
export const MAX_ADDRESS_LENGTH = 500;
/** Longest URL accepted, in characters. */
export const MAX_URL_LENGTH = 2048;
/** RFC 5321 §4.5.3.1.3: a forward path is at most 256 octets, so an address at most 254. */
export const MAX_EMAIL_LENGTH = 254;

/** Schemes a call's audio is played from: a recorder's HTTP(S) or RTSP stream, a WebSocket, a SIP recording URI (RFC 7866). */
export const AUDIO_URL_SCHEMES: readonly string[] = ['http:', 'https:', 'rtsp:', 'rtsps:', 'ws:', 'wss:', 'sip:', 'sips:'];

/** Non-empty text of at most `maxLength` characters with no control characters (a name or an address is one line). */
export function isPrintableText(value: string, maxLength: number): boolean {
  return value.trim().length > 0 && value.length <= maxLength && !/\p{Cc}/u.test(value);
}

/**
 * A telephone number as programs record it: digits with an optional leading `+` and the usual
 * separators (space, `-`, `.`, parentheses), 7 to 15 digits (E.164 numbers have at most 15).
 */
export function isPhoneNumber(value: string): boolean {
  if (!/^\+?[0-9(][0-9 ().-]*[0-9]$/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

/** `local@domain.tld`: one `@`, no spaces, a dot in the domain; not a full RFC 5322 parser. */
export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_EMAIL_LENGTH && /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:".]+$/.test(value);
}

/** An absolute URL with one of {@link AUDIO_URL_SCHEMES}. */
export function isAudioUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH || /\s/.test(value)) return false;
  try {
    return AUDIO_URL_SCHEMES.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Caller text quoted for a refusal message (an HTTP answer, a log line, a dead letter's reason):
 * a refusal must say what was sent, and must not let what was sent reorder or hide the text
 * around it on the reader's screen.
 */

/** Longest stretch of a caller's text a refusal repeats, in characters. */
export const ECHO_LIMIT = 64;

/** Controls, format characters (bidi overrides, zero-width joiners, BOM), line and paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * A caller's text as a refusal may repeat it: quoted, cut to {@link ECHO_LIMIT} characters, with
 * every invisible character written as a `\u` escape, so that a message shows what was sent and
 * cannot reorder or hide the text around it on the reader's screen.
 */
export function quoteUntrusted(text: string): string {
  const characters = Array.from(text);
  const shown = characters.length > ECHO_LIMIT ? `${characters.slice(0, ECHO_LIMIT).join('')}…` : text;
  const quoted = escapeInvisible(JSON.stringify(shown));
  return characters.length > ECHO_LIMIT ? `${quoted} (${characters.length} characters)` : quoted;
}

/** `text` with each invisible character as `\uXXXX` (both halves of one beyond U+FFFF). */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (found) => Array.from({ length: found.length }, (_, index) => `\\u${found.charCodeAt(index).toString(16).padStart(4, '0')}`).join(''));
}

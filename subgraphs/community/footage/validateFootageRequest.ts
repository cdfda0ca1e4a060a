import { badUserInput } from '../../../errors/hubErrors';

/** Most cameras one footage request may ask. */
export const MAX_CAMERAS_PER_REQUEST = 20;
/** Longest message to owners or answer note, in characters. */
export const MAX_NOTE_LENGTH = 1000;
/** Longest camera id accepted. */
const MAX_ID_LENGTH = 200;

// C0 and C1 controls except TAB and LF, and the bidirectional overrides and isolates, which can
// make a message read differently from what it says (Unicode TR9; "Trojan Source").
// eslint-disable-next-line no-control-regex
const REFUSED_IN_NOTE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const REFUSED_IN_ID = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The limits of a footage request's window (settings). */
export interface WindowLimits {
  readonly maxWindowMinutes: number;
  readonly maxAgeDays: number;
}

/** A footage request's input, checked. */
export interface CheckedFootageRequest {
  readonly cameraIds: readonly string[];
  readonly from: Date;
  readonly to: Date;
  readonly message: string | null;
}

/**
 * Checks `requestFootage`'s input: 1 to 20 distinct camera ids; a window that is a real pair of
 * instants, `from` before `to`, at most `maxWindowMinutes` long, not in the future and not older
 * than `maxAgeDays`; a bounded message without control characters. Throws BAD_USER_INPUT naming
 * the argument.
 */
export function validateFootageRequest(input: unknown, now: Date, limits: WindowLimits): CheckedFootageRequest {
  if (typeof input !== 'object' || input === null) throw badUserInput('input', 'must be an object');
  const { cameraIds, from: rawFrom, to: rawTo, message } = input as Record<string, unknown>;
  if (!Array.isArray(cameraIds) || cameraIds.length < 1 || cameraIds.length > MAX_CAMERAS_PER_REQUEST) {
    throw badUserInput('input.cameraIds', `must list 1 to ${MAX_CAMERAS_PER_REQUEST} cameras`);
  }
  const seen = new Set<string>();
  for (const id of cameraIds) {
    if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH || REFUSED_IN_ID.test(id)) {
      throw badUserInput('input.cameraIds', `must hold camera ids of 1 to ${MAX_ID_LENGTH} characters without control characters`);
    }
    if (seen.has(id)) throw badUserInput('input.cameraIds', `names camera ${JSON.stringify(id)} twice`);
    seen.add(id);
  }
  const from = instantOf(rawFrom, 'input.from');
  const to = instantOf(rawTo, 'input.to');
  if (from.getTime() >= to.getTime()) throw badUserInput('input.to', 'must be after input.from');
  if (to.getTime() - from.getTime() > limits.maxWindowMinutes * 60_000) {
    throw badUserInput('input.to', `must be at most ${limits.maxWindowMinutes} minutes after input.from (COMMUNITY_FOOTAGE_MAX_WINDOW_MINUTES)`);
  }
  if (to.getTime() > now.getTime()) throw badUserInput('input.to', 'lies in the future: footage can only be asked of what was recorded');
  if (from.getTime() < now.getTime() - limits.maxAgeDays * 86_400_000) {
    throw badUserInput('input.from', `is more than ${limits.maxAgeDays} days ago (COMMUNITY_FOOTAGE_MAX_AGE_DAYS): owners' recorders do not keep that long`);
  }
  return { cameraIds: [...seen], from, to, message: checkNote(message, 'input.message') };
}

/** A message or note: null when absent or blank, else trimmed, at most {@link MAX_NOTE_LENGTH}, without control characters. */
export function checkNote(value: unknown, argument: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badUserInput(argument, 'must be text');
  const note = value.trim();
  if (note === '') return null;
  if (note.length > MAX_NOTE_LENGTH) throw badUserInput(argument, `must be at most ${MAX_NOTE_LENGTH} characters`);
  if (REFUSED_IN_NOTE.test(note)) throw badUserInput(argument, 'contains a control or direction-override character');
  return note;
}

/** Date and time with a zone (RFC 3339 §5.6), as the DateTime scalar takes it. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant from the DateTime scalar (a Date) or ISO text; NaN, infinities and junk are refused. */
function instantOf(value: unknown, argument: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (date === null || !Number.isFinite(date.getTime())) throw badUserInput(argument, 'must be an ISO 8601 instant');
  return date;
}

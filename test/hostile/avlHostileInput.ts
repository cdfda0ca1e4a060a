import fc from 'fast-check';
import { AVL_TRANSLATION_DEFAULTS } from '../../adapters/avl';
import { degreesOf, rmcAt, rpvAt } from '../adapters/avl/avlFixtures';
import { CONTROL_CHARACTERS, ODD_UNICODE } from '../support/hostileInput';
import type { DeadLetterNode, UnitPosition } from './avlSupport';

/**
 * Generated AVL input for the hostile suites (UDP and TCP): valid NMEA and TAIP fixes from
 * assigned devices mixed with bad lines, floods and duplicates, and the bookkeeping of what the
 * hub must have kept afterwards — each valid fix stored (the latest per unit), each bad line a
 * dead letter holding it.
 */

/** NMEA devices `n0…` and TAIP devices `t0…`, each in its own unit's car. */
export const FLEET_SIZE = 6;
export const FLEET: readonly { deviceId: string; unitId: string }[] = [
  ...Array.from({ length: FLEET_SIZE }, (_, i) => ({ deviceId: `n${i}`, unitId: `unit-n${i}` })),
  ...Array.from({ length: FLEET_SIZE }, (_, i) => ({ deviceId: `t${i}`, unitId: `unit-t${i}` })),
];

interface FixSpec {
  readonly protocol: 'nmea' | 'taip';
  readonly device: number;
  /** How long before the run's clock the fix was taken. */
  readonly secondsAgo: number;
  /** Offsets from the fleet centre, 1e-5 minute (NMEA) or 1e-5 degree (TAIP) units. */
  readonly north: number;
  readonly east: number;
}

type BadSpec =
  | { readonly bad: 'control'; readonly base: FixSpec; readonly inserted: string; readonly at: number }
  | { readonly bad: 'odd-unicode'; readonly base: FixSpec; readonly inserted: string; readonly at: number }
  | { readonly bad: 'huge'; readonly base: FixSpec; readonly length: number; readonly filler: string }
  | { readonly bad: 'truncated'; readonly base: FixSpec; readonly at: number }
  | { readonly bad: 'checksum'; readonly base: FixSpec }
  | { readonly bad: 'unknown-device'; readonly base: FixSpec }
  | { readonly bad: 'future'; readonly base: FixSpec; readonly secondsAhead: number }
  | { readonly bad: 'old'; readonly base: FixSpec; readonly daysAgo: number };

type ItemSpec = { readonly valid: FixSpec } | BadSpec;

/** One datagram (or one write on a stream): lines, a flood of junk lines, or a resend of an earlier valid line. */
export type PayloadSpec =
  | { readonly type: 'lines'; readonly items: readonly ItemSpec[] }
  | { readonly type: 'flood'; readonly count: number; readonly junkSeed: number }
  | { readonly type: 'duplicate'; readonly pick: number };

const fixSpec: fc.Arbitrary<FixSpec> = fc.record({
  protocol: fc.constantFrom<'nmea' | 'taip'>('nmea', 'taip'),
  device: fc.integer({ min: 0, max: FLEET_SIZE - 1 }),
  secondsAgo: fc.integer({ min: 0, max: 1800 }),
  north: fc.integer({ min: -300_000, max: 300_000 }),
  east: fc.integer({ min: -300_000, max: 300_000 }),
});
const nmeaFixSpec = fixSpec.map((spec) => ({ ...spec, protocol: 'nmea' as const }));
/** CR and LF end lines; every other control character is content, and refused. */
const controlInLine = fc.constantFrom(...CONTROL_CHARACTERS.filter((character) => character !== '\r' && character !== '\n'));
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
/** Latest instant an RMC's two-digit year can name (NMEA years pivot to 1980–2079). */
const LAST_NMEA_INSTANT = Date.UTC(2079, 11, 31, 23, 59, 59);

const badSpec = (nowMs: number): fc.Arbitrary<BadSpec> =>
  fc.oneof(
    fc.record({ bad: fc.constant('control' as const), base: fixSpec, inserted: controlInLine, at: fraction }),
    fc.record({ bad: fc.constant('odd-unicode' as const), base: fixSpec, inserted: fc.constantFrom(...ODD_UNICODE), at: fraction }),
    fc.record({ bad: fc.constant('huge' as const), base: fixSpec, length: fc.integer({ min: 200, max: 30_000 }), filler: fc.constantFrom('A', '9', 'é', ',') }),
    fc.record({ bad: fc.constant('truncated' as const), base: fixSpec, at: fraction }),
    fc.record({ bad: fc.constant('checksum' as const), base: fixSpec }),
    fc.record({ bad: fc.constant('unknown-device' as const), base: fixSpec }),
    // Beyond any skew the run could use up, up to 2079 (e.g. one $GPRMC dated 2079).
    fc.record({ bad: fc.constant('future' as const), base: nmeaFixSpec, secondsAhead: fc.integer({ min: 1800, max: Math.floor((LAST_NMEA_INSTANT - nowMs) / 1000) }) }),
    // Beyond retention (90 days), back to 1980.
    fc.record({ bad: fc.constant('old' as const), base: nmeaFixSpec, daysAgo: fc.integer({ min: 92, max: Math.floor((nowMs - Date.UTC(1980, 0, 6)) / 86_400_000) }) }),
  );

const itemSpec = (nowMs: number): fc.Arbitrary<ItemSpec> => fc.oneof(fc.record({ valid: fixSpec }), badSpec(nowMs));

/**
 * A run: a few payloads of mixed lines, now and then a flood of junk lines or a resend.
 * `maxFlood` bounds a flood's lines (a TCP read may split a flood anywhere, so the TCP suite
 * keeps floods under the line cap and tests the cap on its own).
 */
export const payloadsOf = (nowMs: number, { maxFlood = 3000 } = {}): fc.Arbitrary<PayloadSpec[]> =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ type: fc.constant('lines' as const), items: fc.array(itemSpec(nowMs), { minLength: 1, maxLength: 10 }) }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('flood' as const), count: fc.integer({ min: 10, max: maxFlood }), junkSeed: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('duplicate' as const), pick: fc.nat() }) },
    ),
    { minLength: 1, maxLength: 6 },
  );

/** Lines that no device sends: each one a rejection (no CR, LF or modem-id prefix among them). */
const JUNK = ['x', '$', '>', '$GPRMC', '\u0000', 'garbage!', '>RPV<', '$GPGGA,,,*00', '\u001b[2J', 'é', '*', '<>'];

export interface ValidFix {
  readonly line: string;
  readonly unitId: string;
  readonly fixAt: string;
  readonly lat: number;
  readonly lon: number;
}

/** What was sent, and what must therefore be kept. */
export interface AvlLedger {
  /** Records the adapter must have handled (fixes delivered + rejections), so far. */
  handled: number;
  readonly valid: ValidFix[];
  /** The raw text each dead letter must hold (sender prefix removed), with how many times. */
  readonly expectedRaw: Map<string, number>;
  /** Dead letters whose reason is certain, by reason. */
  readonly expectedReasons: Map<string, number>;
  /** Each device's fix instants so far: a device never repeats one (a repeat is a duplicate, sent apart). */
  readonly usedInstants: Set<string>;
  /** Unknown-device ids handed out so far. */
  ghosts: number;
}

export function createLedger(): AvlLedger {
  return { handled: 0, valid: [], expectedRaw: new Map(), expectedReasons: new Map(), usedInstants: new Set(), ghosts: 0 };
}

const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** As the adapter reads it: sent as UTF-8, decoded as latin-1 (one character per byte). */
export const asReceived = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** The device id a spec names, and the fix instant, moved back a second until this device has not used it. */
function placeFix(spec: FixSpec, nowMs: number, ledger: AvlLedger, deviceId: string): Date {
  let at = Math.floor(nowMs / 1000) * 1000 - spec.secondsAgo * 1000;
  while (ledger.usedInstants.has(`${deviceId}@${at}`)) at -= 1000;
  ledger.usedInstants.add(`${deviceId}@${at}`);
  return new Date(at);
}

const CENTRE_NMEA = { latUnits: 33 * 6_000_000 + 2_491_200, lonUnits: -(111 * 6_000_000 + 4_989_000) };
const CENTRE_TAIP = { latE5: 3_341_520, lonE5: -11_183_150 };

/** The line of a fix spec at an instant, from a device. */
function lineOf(spec: FixSpec, deviceId: string, at: Date): { line: string; lat: number; lon: number } {
  if (spec.protocol === 'nmea') {
    const point = { latUnits: CENTRE_NMEA.latUnits + spec.north, lonUnits: CENTRE_NMEA.lonUnits + spec.east };
    return { line: `${deviceId},${rmcAt(at, point)}`, ...degreesOf(point) };
  }
  // The same spread as NMEA's (offsets in 1e-5 minute; TAIP counts 1e-5 degree).
  const latE5 = CENTRE_TAIP.latE5 + Math.trunc(spec.north / 60);
  const lonE5 = CENTRE_TAIP.lonE5 + Math.trunc(spec.east / 60);
  return { line: rpvAt(at, latE5 / 1e5, lonE5 / 1e5, deviceId), lat: latE5 / 1e5, lon: lonE5 / 1e5 };
}

const deviceOf = (spec: FixSpec) => `${spec.protocol === 'nmea' ? 'n' : 't'}${spec.device}`;
const insertAt = (line: string, at: number, inserted: string) => {
  const index = Math.floor(at * (line.length + 1));
  return `${line.slice(0, index)}${inserted}${line.slice(index)}`;
};

/** The bad line of a spec; its dead letter's reason when that is certain. */
function badLine(spec: BadSpec, nowMs: number, ledger: AvlLedger): { line: string; reason: string | null } {
  const deviceId = deviceOf(spec.base);
  const atNow = new Date(Math.floor(nowMs / 1000) * 1000 - spec.base.secondsAgo * 1000);
  const { line } = lineOf(spec.base, deviceId, atNow);
  switch (spec.bad) {
    case 'control':
      return { line: insertAt(line, spec.at, spec.inserted), reason: 'control-character' };
    case 'odd-unicode':
      return { line: insertAt(line, spec.at, spec.inserted), reason: null };
    case 'huge':
      return { line: `${line}${spec.filler.repeat(spec.length)}`, reason: null };
    case 'truncated':
      // At least one character stays, and at least one goes: an empty line would be no line at all.
      return { line: line.slice(0, 1 + Math.floor(spec.at * (line.length - 1))), reason: null };
    case 'checksum': {
      const match = /\*([0-9A-F]{2})(<?)$/.exec(line)!;
      const wrong = (Number.parseInt(match[1]!, 16) ^ 0x5a).toString(16).toUpperCase().padStart(2, '0');
      return { line: `${line.slice(0, match.index)}*${wrong}${match[2]}`, reason: 'bad-checksum' };
    }
    case 'unknown-device': {
      ledger.ghosts += 1;
      return { line: lineOf(spec.base, `ghost${ledger.ghosts}`, atNow).line, reason: 'unknown-device' };
    }
    case 'future':
      return { line: lineOf(spec.base, deviceId, new Date(Math.floor(nowMs / 1000) * 1000 + spec.secondsAhead * 1000)).line, reason: 'fix-in-future' };
    case 'old':
      return { line: lineOf(spec.base, deviceId, new Date(Math.floor(nowMs / 1000) * 1000 - spec.daysAgo * 86_400_000)).line, reason: 'fix-too-old' };
  }
}

/** One payload to send, and the adapter's handled count once it has been taken in. */
export interface BuiltPayload {
  readonly text: string;
  readonly handledAfter: number;
}

/**
 * Turns the payload specs of a run into the text to send, recording in the ledger what each
 * must become. Lines of one payload are joined with CR LF.
 */
export function buildPayloads(
  specs: readonly PayloadSpec[],
  nowMs: number,
  ledger: AvlLedger,
  { tcpMaxLineBytes }: { tcpMaxLineBytes?: number } = {},
): BuiltPayload[] {
  const maxLines = AVL_TRANSLATION_DEFAULTS.maxLines;
  const payloads: BuiltPayload[] = [];
  for (const spec of specs) {
    if (spec.type === 'duplicate') {
      const earlier = ledger.valid[spec.pick % Math.max(1, ledger.valid.length)];
      if (!earlier) continue;
      // A resend: the adapter delivers it again, the store keeps the fix it has.
      ledger.handled += 1;
      payloads.push({ text: earlier.line, handledAfter: ledger.handled });
      continue;
    }
    if (spec.type === 'flood') {
      const junk = Array.from({ length: spec.count }, (_, i) => JUNK[(spec.junkSeed + i * 7) % JUNK.length]!);
      const translated = junk.slice(0, maxLines);
      for (const line of translated) bump(ledger.expectedRaw, asReceived(line));
      ledger.handled += translated.length;
      if (junk.length > maxLines) {
        bump(ledger.expectedRaw, junk.slice(maxLines).map(asReceived).join('\n'));
        bump(ledger.expectedReasons, 'too-many-lines');
        ledger.handled += 1;
      }
      payloads.push({ text: junk.join('\n'), handledAfter: ledger.handled });
      continue;
    }
    const lines: string[] = [];
    for (const item of spec.items) {
      if ('valid' in item) {
        const deviceId = deviceOf(item.valid);
        const at = placeFix(item.valid, nowMs, ledger, deviceId);
        const { line, lat, lon } = lineOf(item.valid, deviceId, at);
        lines.push(line);
        ledger.valid.push({ line, unitId: `unit-${deviceId}`, fixAt: at.toISOString(), lat, lon });
      } else {
        const { line, reason } = badLine(item, nowMs, ledger);
        lines.push(line);
        const received = asReceived(line);
        // A TCP stream's over-long line keeps its start only (the rest is skipped to the newline).
        if (tcpMaxLineBytes !== undefined && received.length > tcpMaxLineBytes) {
          bump(ledger.expectedRaw, received.slice(0, tcpMaxLineBytes));
          bump(ledger.expectedReasons, 'line-too-long');
        } else {
          bump(ledger.expectedRaw, received);
          if (reason) bump(ledger.expectedReasons, reason);
        }
      }
      ledger.handled += 1;
    }
    payloads.push({ text: lines.join('\r\n'), handledAfter: ledger.handled });
  }
  return payloads;
}

/** Each unit's latest valid fix: what the hub must show. */
export function expectedPositions(ledger: AvlLedger): Map<string, ValidFix> {
  const latest = new Map<string, ValidFix>();
  for (const fix of ledger.valid) {
    const current = latest.get(fix.unitId);
    if (!current || fix.fixAt > current.fixAt) latest.set(fix.unitId, fix);
  }
  return latest;
}

/** A dead letter's raw text without the transport's sender prefix (`udp:…,` / `tcp:…,`), line by line. */
export function rawWithoutSender(raw: string): string {
  return raw
    .split('\r\n')
    .map((line) => line.replace(/^(?:udp|tcp):[0-9a-f.:]+:\d+,/i, ''))
    .join('\n');
}

/** Checks positions and dead letters against the ledger; returns a list of problems, empty when all holds. */
export function compareWithLedger(ledger: AvlLedger, positions: Map<string, UnitPosition>, letters: readonly DeadLetterNode[]): string[] {
  const problems: string[] = [];
  for (const [unitId, fix] of expectedPositions(ledger)) {
    const shown = positions.get(unitId);
    if (!shown || shown.fixAt !== fix.fixAt || Math.abs(shown.lat - fix.lat) > 1e-9 || Math.abs(shown.lon - fix.lon) > 1e-9) {
      problems.push(`${unitId}: expected ${JSON.stringify(fix)}, shown ${JSON.stringify(shown)}`);
    }
  }
  const actualRaw = new Map<string, number>();
  const actualReasons = new Map<string, number>();
  for (const letter of letters) {
    if (!/^[a-z][a-z0-9-]*$/.test(letter.reason) || letter.detail.length === 0) problems.push(`dead letter ${letter.id} has no proper reason`);
    bump(actualRaw, rawWithoutSender(letter.raw));
    bump(actualReasons, letter.reason);
  }
  for (const [raw, count] of ledger.expectedRaw) {
    if ((actualRaw.get(raw) ?? 0) !== count) problems.push(`raw ${JSON.stringify(raw.slice(0, 80))}: ${count} expected, ${actualRaw.get(raw) ?? 0} kept`);
  }
  for (const [raw, count] of actualRaw) {
    if (!ledger.expectedRaw.has(raw)) problems.push(`unexpected dead letter(s) ×${count}: ${JSON.stringify(raw.slice(0, 80))}`);
  }
  for (const [reason, count] of ledger.expectedReasons) {
    if ((actualReasons.get(reason) ?? 0) < count) problems.push(`reason ${reason}: at least ${count} expected, ${actualReasons.get(reason) ?? 0} kept`);
  }
  return problems;
}

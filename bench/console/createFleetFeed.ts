import type { EventSink, GeoPoint, PositionFix } from '../../contract';
import { destinationPoint, initialBearingDegrees, normalizeDegrees } from '../../geo/geodesy';
import type { Random } from '../../simulator/createRandom';

/** A unit the feed moves, from where the hub last had it. */
export interface FleetUnit {
  readonly unitId: string;
  readonly point: GeoPoint;
  readonly headingDegrees: number;
}

/** Options of {@link createFleetFeed}. */
export interface FleetFeedOptions {
  readonly sink: EventSink;
  readonly units: readonly FleetUnit[];
  /** [west, south, east, north]: units turn back before they leave it (the console's watched area). */
  readonly bounds: readonly [number, number, number, number];
  readonly fixesPerUnitPerSecond: number;
  readonly random: Random;
  /** Makes event ids unique to this run. */
  readonly runTag: string;
  /** Wall clock, ms since epoch; fixes are stamped with it. */
  readonly now?: () => number;
  /** Timer period; each tick sends the fixes owed by then. Default 10 ms. */
  readonly tickMs?: number;
  /** Emits in flight beyond which what is owed is skipped and counted (the hub is behind). Default 5000. */
  readonly maxInFlight?: number;
}

/** What the feed has done since it was created; diff two readings for a window. */
export interface FleetFeedCounts {
  readonly sent: number;
  readonly accepted: number;
  readonly failed: number;
  readonly skippedBehind: number;
  /** Most emits in flight at once, and the largest timer delay beyond its period, since the last `resetPeaks`. */
  readonly peakInFlight: number;
  readonly maxTickLagMs: number;
  readonly failureSamples: readonly string[];
}

/** The benchmark's fleet: 10 Hz AVL for every unit, on while started. */
export interface FleetFeed {
  start(): void;
  /** Stops sending and waits (at most 15 s) for emits in flight. */
  stop(): Promise<void>;
  counts(): FleetFeedCounts;
  resetPeaks(): void;
}

const KPH_RANGE: readonly [number, number] = [20, 60];
/** How far, in degrees, a unit may wander off its heading in a second. */
const TURN_DEGREES_PER_SECOND = 12;
/** Units turn back this far (about 500 m) inside the watched area, so that no fix leaves it. */
const MARGIN_DEGREES = 0.005;

/**
 * The fleet as a 10 Hz AVL feed, through the hub's sink (where every adapter's events go). The
 * simulated city steps once a simulated second and sends at most one fix per unit per step
 * (simulator/stepUnits.ts), so SIM_POSITION_INTERVAL_MS cannot reach 10 fixes/s; this feed
 * does: each unit drives on at its own speed, wandering a little, turning back at the edge.
 * Fixes go out round robin, so a unit's fixes are evenly spaced; the schedule is open loop
 * (a real fleet does not wait for the hub) up to `maxInFlight` pending emits.
 */
export function createFleetFeed(options: FleetFeedOptions): FleetFeed {
  const { sink, bounds, fixesPerUnitPerSecond, random, runTag, now = Date.now, tickMs = 10, maxInFlight = 5000 } = options;
  if (options.units.length === 0) throw new Error('bench: the city has no units to move');
  const [west, south, east, north] = bounds;
  const centre: GeoPoint = { lat: (south + north) / 2, lon: (west + east) / 2 };
  const tracks = options.units.map((unit) => ({
    unitId: unit.unitId,
    point: unit.point,
    heading: unit.headingDegrees,
    kph: random.between(...KPH_RANGE),
    lastFixAtMs: 0,
  }));
  const pending = new Set<Promise<void>>();
  const failureSamples: string[] = [];
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  let skippedBehind = 0;
  let peakInFlight = 0;
  let maxTickLagMs = 0;
  let next = 0;
  let timer: NodeJS.Timeout | null = null;

  const inside = (point: GeoPoint) =>
    point.lon > west + MARGIN_DEGREES && point.lon < east - MARGIN_DEGREES && point.lat > south + MARGIN_DEGREES && point.lat < north - MARGIN_DEGREES;

  const fixOf = (track: (typeof tracks)[number], atMs: number): PositionFix => {
    const seconds = track.lastFixAtMs === 0 ? 0 : (atMs - track.lastFixAtMs) / 1000;
    track.heading = normalizeDegrees(track.heading + random.between(-1, 1) * TURN_DEGREES_PER_SECOND * Math.min(seconds, 1));
    let point = destinationPoint(track.point, track.heading, (track.kph / 3.6) * seconds);
    if (!inside(point)) {
      // Back towards the middle, give or take, from where it was.
      track.heading = normalizeDegrees(initialBearingDegrees(track.point, centre) + random.between(-30, 30));
      point = inside(track.point) ? destinationPoint(track.point, track.heading, (track.kph / 3.6) * seconds) : centre;
    }
    track.point = point;
    // A fix no newer than the unit's last is ignored by AVL: keep each unit's times increasing.
    track.lastFixAtMs = Math.max(atMs, track.lastFixAtMs + 1);
    const fixAt = new Date(track.lastFixAtMs).toISOString();
    sent += 1;
    return {
      type: 'position.fix',
      eventId: `${runTag}-fix-${sent}`,
      source: 'bench-fleet',
      occurredAt: fixAt,
      unitId: track.unitId,
      point: { lat: Math.round(point.lat * 1e6) / 1e6, lon: Math.round(point.lon * 1e6) / 1e6 },
      headingDegrees: Math.round(track.heading),
      speedKph: Math.round(track.kph),
      fixAt,
    };
  };

  const publish = (atMs: number) => {
    const track = tracks[next % tracks.length]!;
    next += 1;
    if (pending.size >= maxInFlight) {
      skippedBehind += 1;
      return;
    }
    const emitted: Promise<void> = sink.emit(fixOf(track, atMs)).then(
      () => void (accepted += 1),
      (error: unknown) => {
        failed += 1;
        if (failureSamples.length < 3) failureSamples.push(error instanceof Error ? error.message : String(error));
      },
    );
    pending.add(emitted);
    peakInFlight = Math.max(peakInFlight, pending.size);
    void emitted.finally(() => pending.delete(emitted));
  };

  return {
    start() {
      if (timer || fixesPerUnitPerSecond === 0) return;
      const startedAt = now();
      const rate = fixesPerUnitPerSecond * tracks.length;
      let owed = 0;
      let lastTickAt = startedAt;
      timer = setInterval(() => {
        const at = now();
        maxTickLagMs = Math.max(maxTickLagMs, at - lastTickAt - tickMs);
        lastTickAt = at;
        const due = Math.floor(((at - startedAt) / 1000) * rate) - owed;
        owed += due;
        for (let i = 0; i < due; i += 1) publish(at);
      }, tickMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => (timeout = setTimeout(resolve, 15_000)))]);
      clearTimeout(timeout);
    },
    counts: () => ({ sent, accepted, failed, skippedBehind, peakInFlight, maxTickLagMs, failureSamples: [...failureSamples] }),
    resetPeaks() {
      peakInFlight = pending.size;
      maxTickLagMs = 0;
    },
  };
}

import type { CallReceived, GeoPoint, PositionFix } from '../../contract';
import type { Random } from '../../simulator/createRandom';
import { destinationPoint } from '../../geo/geodesy';
import type { CityCamera, CityUnit } from './startSubscriptionHub';

/** Options of {@link createBenchEvents}. */
export interface BenchEventsOptions {
  readonly units: readonly CityUnit[];
  readonly cameras: readonly CityCamera[];
  readonly random: Random;
  /** Makes event and call ids unique to this run. */
  readonly runTag: string;
}

/** Makes the events the benchmark publishes, each stamped with its publish time. */
export interface BenchEvents {
  /** The next unit's next fix, round robin over the units; `fixAt` is `atMs` (later than the unit's last fix). */
  nextFix(atMs: number): PositionFix;
  /** A new 911 call received at `atMs`, placed in front of a camera so that `inViewOnly` finds it. */
  nextCall(atMs: number): CallReceived;
}

const SOURCE = 'bench';

/**
 * Fixes move each unit a few metres in a random direction from where it was; calls sit a
 * few tens of metres along a camera's heading. Randomness is injected, so a seed repeats a run.
 */
export function createBenchEvents(options: BenchEventsOptions): BenchEvents {
  const { units, random, runTag } = options;
  if (units.length === 0) throw new Error('bench: the city has no units to move');
  const tracks = units.map((unit) => ({ unitId: unit.unitId, point: unit.point, lastFixAtMs: 0 }));
  const aimed = options.cameras.filter((camera) => camera.headingDegrees !== null);
  const cameras = aimed.length > 0 ? aimed : options.cameras;
  let fixes = 0;
  let calls = 0;

  return {
    nextFix(atMs) {
      const track = tracks[fixes % tracks.length] as (typeof tracks)[number];
      fixes += 1;
      const headingDegrees = Math.floor(random.between(0, 360));
      track.point = destinationPoint(track.point, headingDegrees, random.between(2, 15));
      // A fix no newer than the unit's last is ignored by AVL: keep each unit's times increasing.
      track.lastFixAtMs = Math.max(atMs, track.lastFixAtMs + 1);
      const fixAt = new Date(track.lastFixAtMs).toISOString();
      return {
        type: 'position.fix',
        eventId: `${runTag}-fix-${fixes}`,
        source: SOURCE,
        occurredAt: fixAt,
        unitId: track.unitId,
        point: roundPoint(track.point),
        headingDegrees,
        speedKph: Math.round(random.between(0, 80)),
        fixAt,
      };
    },
    nextCall(atMs) {
      calls += 1;
      const receivedAt = new Date(atMs).toISOString();
      return {
        type: 'call.received',
        eventId: `${runTag}-call-${calls}`,
        source: SOURCE,
        occurredAt: receivedAt,
        callId: `${runTag}-call-${calls}`,
        state: 'RINGING',
        location: { point: roundPoint(inFrontOf(random.pick(cameras), random)), uncertaintyMeters: 10 },
        classOfService: 'WPH2',
        callbackNumber: '4805550100',
      };
    },
  };
}

/** A point within the camera's range along its heading (or anywhere close when it has none). */
function inFrontOf(camera: CityCamera, random: Random): GeoPoint {
  const range = camera.rangeMeters ?? 60;
  const bearing = camera.headingDegrees ?? random.between(0, 360);
  return destinationPoint(camera.point, bearing, random.between(0.2, 0.5) * range);
}

/** Six decimals, about 0.1 m: what AVL and PIDF-LO feeds carry. */
function roundPoint(point: GeoPoint): GeoPoint {
  return { lat: Math.round(point.lat * 1e6) / 1e6, lon: Math.round(point.lon * 1e6) / 1e6 };
}

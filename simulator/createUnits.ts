import { type Random } from './createRandom';
import { type GridArea, type StreetGrid } from './createStreetGrid';
import { type SimUnit } from './simulationWorld';

/** A patrol district: a quadrant of the city, numbered as the first digit of call signs. */
interface District {
  readonly number: number;
  readonly area: GridArea;
}

const BEATS = ['A', 'B', 'C', 'D'] as const;

/**
 * Creates `count` available patrol units spread over four districts, parked on a street in
 * their district. Ids are `unit-01` …; call signs district + beat + number, e.g. `2B13`.
 * Position fixes are staggered over one interval, as real modems are.
 */
export function createUnits(
  grid: StreetGrid,
  random: Random,
  { count, startMs, positionIntervalMs }: { count: number; startMs: number; positionIntervalMs: number },
): SimUnit[] {
  const districts = districtsOf(grid.area);
  return Array.from({ length: count }, (_, index): SimUnit => {
    const district = districts[index % districts.length] as District;
    const rank = Math.floor(index / districts.length);
    const beat = BEATS[rank % BEATS.length] as string;
    const squad = Math.floor(rank / BEATS.length) + 1;
    const position = grid.randomStreetPoint(random, district.area);
    const onNorthSouthStreet = grid.northSouthStreets.some((street) => street.offsetMeters === position.x);
    return {
      unitId: `unit-${String(index + 1).padStart(2, '0')}`,
      callSign: `${district.number}${beat}${district.number}${squad}`,
      district: district.area,
      status: 'AVAILABLE',
      incidentId: null,
      position,
      route: [],
      cruiseKph: 0,
      speedKph: 0,
      headingDegrees: random.pick(onNorthSouthStreet ? [0, 180] : [90, 270]),
      nextFixAtMs: startMs + Math.round((positionIntervalMs * (index + 1)) / count),
      waitUntilMs: startMs + random.int(0, 60) * 1000,
    };
  });
}

function districtsOf({ minX, maxX, minY, maxY }: GridArea): District[] {
  return [
    { number: 1, area: { minX, maxX: 0, minY: 0, maxY } },
    { number: 2, area: { minX: 0, maxX, minY: 0, maxY } },
    { number: 3, area: { minX, maxX: 0, minY, maxY: 0 } },
    { number: 4, area: { minX: 0, maxX, minY, maxY: 0 } },
  ];
}

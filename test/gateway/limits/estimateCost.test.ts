import { estimateCost } from '../../../gateway/limits/estimateCost';
import { FLAGSHIP_QUERY } from '../../../schema/flagshipQuery';
import { operationOf, readApiSchema } from './limitsFixtures';

const costOf = (source: string, variables: Record<string, unknown> = {}, listSizes?: Record<string, number>) => {
  const { operation, fragments } = operationOf(source);
  return estimateCost(operation, fragments, { schema: readApiSchema(), variables, defaultListSize: 10, ...(listSizes ? { listSizes } : {}) });
};

describe('estimateCost against the hub schema', () => {
  it('charges 1 a field and nothing for __typename', () => {
    expect(costOf('{ incident(id: "1") { id number __typename } }')).toBe(3);
    expect(costOf('{ __typename }')).toBe(0);
  });

  it('multiplies what a list selects by its limit: the flagship query costs 206', () => {
    // incident 1 + id/number/typeText/priority 4 + location 5
    // + nearbyUnits 1 + 5 × (distanceMeters 1 + unit 17, of which nearbyCameras 1 + 2 × 4)
    // + nearbyCameras 1 + 4 × (2 + camera 1 + id/name 2 + streams 1 + 10 × 2)
    expect(costOf(FLAGSHIP_QUERY)).toBe(206);
  });

  it('multiplies nested lists: nearbyCameras(limit: 100) under nearbyUnits(limit: 50)', () => {
    const source = `{ incident(id: "1") { nearbyUnits(limit: 50) { unit { nearbyCameras(limit: 100) { camera { id } } } } } }`;
    // incident 1 + nearbyUnits 1 + 50 × (unit 1 + nearbyCameras 1 + 100 × (camera 1 + id 1))
    expect(costOf(source)).toBe(1 + 1 + 50 * (1 + 1 + 100 * 2));
  });

  it('reads sizes from variables, from the variable definition default, and from the schema default', () => {
    const byVariable = `query ($n: Int) { unitsNear(point: {lat: 33.4, lon: -111.8}, limit: $n) { unit { id } } }`;
    expect(costOf(byVariable, { n: 40 })).toBe(1 + 40 * 2);
    const byDefault = `query ($n: Int = 30) { unitsNear(point: {lat: 33.4, lon: -111.8}, limit: $n) { unit { id } } }`;
    expect(costOf(byDefault)).toBe(1 + 30 * 2);
    // incidents(first: Int = 20): the connection passes its page size on to `edges`.
    expect(costOf('{ incidents { edges { node { id } } } }')).toBe(1 + 1 + 20 * 2);
    expect(costOf('{ incidents(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }')).toBe(1 + 1 + 100 * 2 + 2);
  });

  it('assumes the resolver default (listSizes) or the default list size when a limit is omitted', () => {
    const source = '{ incident(id: "1") { nearbyUnits { unit { id } } units { id } } }';
    expect(costOf(source)).toBe(1 + (1 + 10 * 2) + (1 + 10));
    expect(costOf(source, {}, { nearbyUnits: 5 })).toBe(1 + (1 + 5 * 2) + (1 + 10));
  });

  it('adds up aliased copies, fragment spreads and inline fragments', () => {
    const one = costOf('{ incident(id: "1") { nearbyCameras(limit: 100) { camera { id name } } } }');
    const aliases = Array.from({ length: 20 }, (_, index) => `c${index}: nearbyCameras(limit: 100) { camera { id name } }`).join(' ');
    expect(costOf(`{ incident(id: "1") { ${aliases} } }`)).toBe(1 + 20 * (one - 1));
    const spreads = `
      { incident(id: "1") { ...Cams ...Cams ... on Incident { ...Cams } } }
      fragment Cams on Incident { nearbyCameras(limit: 100) { camera { id name } } }`;
    expect(costOf(spreads)).toBe(1 + 3 * (one - 1));
  });

  it('prices an introspection field at 1 (the gateway answers it from its own schema)', () => {
    expect(costOf('{ __schema { types { name fields { name } } } }')).toBe(1);
  });
});

import { getIntrospectionQuery } from 'graphql';
import { measureDepth } from '../../../gateway/limits/measureDepth';
import { FLAGSHIP_QUERY } from '../../../schema/flagshipQuery';
import { incidentCallsChain, operationOf } from './limitsFixtures';

const depthOf = (source: string) => {
  const { operation, fragments } = operationOf(source);
  return measureDepth(operation, fragments);
};

describe('measureDepth', () => {
  it('counts nested fields: the flagship query is 6 deep', () => {
    // incident → nearbyUnits → unit → nearbyCameras → camera → id
    expect(depthOf(FLAGSHIP_QUERY)).toBe(6);
    expect(depthOf('{ __typename }')).toBe(1);
    expect(depthOf(incidentCallsChain(13))).toBe(13);
  });

  it('counts through fragment spreads and inline fragments, which add no level of their own', () => {
    const source = `
      query { incident(id: "1") { ...WithCalls } }
      fragment WithCalls on Incident { calls { ... on Call { incident { ...Deeper } } } }
      fragment Deeper on Incident { units { callSign } }`;
    // incident → calls → incident → units → callSign
    expect(depthOf(source)).toBe(5);
  });

  it('stops at a fragment cycle instead of looping', () => {
    const source = `
      query { incident(id: "1") { ...A } }
      fragment A on Incident { calls { incident { ...B } } }
      fragment B on Incident { units { id } ...A }`;
    expect(depthOf(source)).toBe(5);
  });

  it('measures each fragment once, so a fragment that doubles at every level costs linear time', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, index) =>
      index === levels - 1
        ? `fragment F${index} on Incident { id }`
        : `fragment F${index} on Incident { ...F${index + 1} ...F${index + 1} calls { incident { ...F${index + 1} } } }`,
    );
    const started = Date.now();
    expect(depthOf(`query { incident(id: "1") { ...F0 } } ${fragments.join('\n')}`)).toBe(1 + 2 * (levels - 1) + 1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts an introspection field as one level (graphql-js bounds its nesting)', () => {
    expect(depthOf(getIntrospectionQuery())).toBe(1);
  });
});

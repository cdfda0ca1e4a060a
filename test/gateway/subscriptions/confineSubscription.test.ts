import { GraphQLError, parse, print } from 'graphql';
import { createSubscriptionConfinement } from '../../../gateway/subscriptions/confineSubscription';
import { type SubscriptionTraits, readSubscriptionTraits } from '../../../gateway/subscriptions/readSubscriptionTraits';
import { SUPERGRAPH_SDL, callerWith, readApiSchema } from './subscriptionFixtures';

const GEOFENCE = { circle: { center: { lat: 33.415, lon: -111.831 }, radiusMeters: 2000 } };
const officer = callerWith(['officer'], { geofence: GEOFENCE });

function confinementWith(traits: SubscriptionTraits = readSubscriptionTraits(SUPERGRAPH_SDL)) {
  return createSubscriptionConfinement(readApiSchema(), traits);
}

const confined = (source: string, caller = officer, traits?: SubscriptionTraits, variables: Record<string, unknown> = {}) =>
  print(confinementWith(traits)(parse(source), undefined, variables, caller));

describe('createSubscriptionConfinement', () => {
  it("confines a geofenced field to the caller's geofence through its area argument", () => {
    expect(confined('subscription { callReceived { id } }')).toBe(
      print(parse('subscription { callReceived(area: {circle: {center: {lat: 33.415, lon: -111.831}, radiusMeters: 2000}}) { id } }')),
    );
  });

  it('puts the geofence in for an area variable given no value or null, and for a null area', () => {
    const fenced = print(parse('subscription ($area: AreaInput) { incidentChanged(area: {circle: {center: {lat: 33.415, lon: -111.831}, radiusMeters: 2000}}) { id } }'));
    const withVariable = 'subscription ($area: AreaInput) { incidentChanged(area: $area) { id } }';
    expect(confined(withVariable)).toBe(fenced);
    expect(confined(withVariable, officer, undefined, { area: null })).toBe(fenced);
    expect(confined('subscription ($area: AreaInput) { incidentChanged(area: null) { id } }')).toBe(fenced);
  });

  it('keeps an area inside the geofence, and refuses one outside it', () => {
    const inside = 'subscription ($area: AreaInput) { incidentChanged(area: $area) { id } }';
    const area = { circle: { center: { lat: 33.415, lon: -111.831 }, radiusMeters: 500 } };
    expect(confined(inside, officer, undefined, { area })).toBe(print(parse(inside)));
    let refusal: unknown;
    try {
      confined('subscription { callUpdated(area: { circle: { center: { lat: 33.5, lon: -111.9 }, radiusMeters: 500 } }) { id } }');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GraphQLError);
    expect((refusal as GraphQLError).toJSON()).toEqual({
      message: 'Not authorized to watch this area: callUpdated is confined to your geofence',
      path: ['callUpdated'],
      extensions: { code: 'FORBIDDEN', coordinate: 'Subscription.callUpdated', http: { status: 403 } },
    });
  });

  it('leaves fields not declared geofenced, and callers without a geofence, as they are', () => {
    const positions = 'subscription { unitPositions { id } }';
    expect(confined(positions)).toBe(print(parse(positions)));
    const calls = 'subscription { callReceived { id } }';
    expect(confined(calls, callerWith(['operator']))).toBe(print(parse(calls)));
  });

  it('goes by the declared trait, whichever field carries it', () => {
    const traits: SubscriptionTraits = new Map([['unitPositions', { coalesceBy: null, geofenceArgument: 'area', requiredScope: null }]]);
    expect(confined('subscription { unitPositions { id } }', officer, traits)).toMatch(/unitPositions\(\s*area: \{circle:/);
    const calls = 'subscription { callReceived { id } }';
    expect(confined(calls, officer, traits)).toBe(print(parse(calls)));
  });
});

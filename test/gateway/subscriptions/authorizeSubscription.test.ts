import { GraphQLError, parse } from 'graphql';
import { createAccessControl } from '../../../gateway/authorization/createAccessControl';
import { createSubscriptionAuthorization } from '../../../gateway/subscriptions/authorizeSubscription';
import { type SubscriptionTraits, readSubscriptionTraits } from '../../../gateway/subscriptions/readSubscriptionTraits';
import { SUPERGRAPH_SDL, callerWith, readApiSchema } from './subscriptionFixtures';

function authorizationWith(traits: SubscriptionTraits = readSubscriptionTraits(SUPERGRAPH_SDL)) {
  const access = createAccessControl({ supergraphSdl: SUPERGRAPH_SDL, apiSchema: readApiSchema() });
  return createSubscriptionAuthorization({ access, schema: readApiSchema(), traits });
}

function refusalOf(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('createSubscriptionAuthorization', () => {
  const cameraStatus = parse('subscription { cameraStatusChanged { id status } }');

  it('lets a caller with the scope a field demands of subscribers subscribe, with their access decisions', () => {
    const checked = authorizationWith()(cameraStatus, undefined, callerWith(['operator']));
    expect(checked.shareKey).toEqual(expect.any(String));
  });

  it('refuses a caller whom @requiresScopes lets read the field but who lacks the scope its subscription demands', () => {
    const refusal = refusalOf(() => authorizationWith()(cameraStatus, undefined, callerWith(['camera-owner'])));
    expect(refusal.toJSON()).toEqual({
      message: 'Not authorized to subscribe to cameraStatusChanged: it reports every camera; camera owners query their own cameras',
      path: ['cameraStatusChanged'],
      extensions: { code: 'FORBIDDEN', coordinate: 'Subscription.cameraStatusChanged', http: { status: 403 } },
    });
  });

  it('refuses a caller whom access control refuses before any trait is looked at', () => {
    const refusal = refusalOf(() => authorizationWith()(cameraStatus, undefined, callerWith(['auditor'])));
    expect(refusal.extensions.code).toBe('FORBIDDEN');
    expect(refusal.message).not.toMatch(/camera owners/);
  });

  it('goes by the declared trait, whichever field carries it', () => {
    const traits: SubscriptionTraits = new Map([['unitPositions', { coalesceBy: null, geofenceArgument: null, requiredScope: { scope: 'devices:admin', reason: 'test reason' } }]]);
    const positions = parse('subscription { unitPositions { id } }');
    expect(refusalOf(() => authorizationWith(traits)(positions, undefined, callerWith(['operator']))).message).toBe(
      'Not authorized to subscribe to unitPositions: test reason',
    );
    expect(() => authorizationWith(traits)(positions, undefined, callerWith(['supervisor']))).not.toThrow();
    // Without the trait, the camera stream is open to whoever @requiresScopes lets in.
    expect(() => authorizationWith(traits)(cameraStatus, undefined, callerWith(['camera-owner']))).not.toThrow();
  });
});

import type { BenchPath, SubscriptionKind } from './clientProtocol';

/**
 * What each console subscribes to. Through the gateway: positions enriched with the unit's
 * call sign and status from CAD, and each new call with its cameras (cameras subgraph) and
 * available units (AVL, through `@requires`). Direct: only the fields the owning subgraph
 * resolves itself, so the baseline carries the same events without fan-out or enrichment.
 */
export const BENCH_OPERATIONS: Readonly<Record<BenchPath, Readonly<Record<SubscriptionKind, string>>>> = {
  gateway: {
    position: 'subscription { unitPositions { id callSign status position { point { lat lon } headingDegrees speedKph fixAt } } }',
    call: `subscription { callReceived { id receivedAt location { point { lat lon } uncertaintyMeters }
      nearbyCameras(limit: 4, inViewOnly: true) { camera { id name streams { url } } distanceMeters }
      nearbyUnits(limit: 3, status: [AVAILABLE]) { unit { callSign } distanceMeters } } }`,
  },
  direct: {
    position: 'subscription { unitPositions { id position { point { lat lon } headingDegrees speedKph fixAt } } }',
    call: 'subscription { callReceived { id receivedAt location { point { lat lon } uncertaintyMeters } } }',
  },
};

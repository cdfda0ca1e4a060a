import DataLoader from 'dataloader';
import type { UnitStatus } from '../../contract';
import type { LatLon } from '../../geo/geodesy';
import { badUserInput } from '../../errors/hubErrors';
import { createChangeFeed } from '../createChangeFeed';
import { createSubgraphSchema } from '../createSubgraphSchema';
import { subscribeInArea } from '../subscribeInArea';
import { type NearbyArguments, requireValidPoint, resolveNearbyArguments } from '../nearbyArguments';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type AvlChange, type PositionRecord, createAvlStore } from './createAvlStore';
import { type DeviceAssignment, type DeviceDirectory, createDeviceDirectory } from './createDeviceDirectory';

export { avlMigrations } from './avlMigrations';
export type { DeviceDirectory, DeviceAssignment } from './createDeviceDirectory';

interface AvlContext {
  position: DataLoader<string, PositionRecord | null>;
}

/** A unit as this subgraph resolves it: its id and, when known, its latest position. */
interface UnitView {
  readonly id: string;
  readonly position: PositionRecord | null;
}

type NearbyUnitsArgs = NearbyArguments & { status?: UnitStatus[] | null };

/** A federation representation whose `location` was supplied through `@requires`. */
interface LocatedRepresentation {
  readonly id: string;
  readonly location?: { readonly point: LatLon } | null;
}

/** The AVL subgraph: unit positions and the units near incidents, calls and points. */
export interface AvlSubgraph extends Subgraph {
  /** Loads stored positions and device assignments; call before serving. */
  load(): Promise<void>;
  /** Device → unit assignments, for AVL adapters to resolve fixes at the edge. */
  readonly devices: DeviceDirectory;
}

export function createAvlSubgraph({ db, now, nearby }: SubgraphDependencies): AvlSubgraph {
  const store = createAvlStore(db, (error) => {
    // Surfaces on the next read too (positionsByUnitIds flushes first); nothing else to do here.
    void error;
  });
  const devices = createDeviceDirectory(db);
  const changes = createChangeFeed<AvlChange>();
  const defaults = { radiusMeters: nearby.unitsRadiusMeters, limit: nearby.unitsLimit };

  const nearbyUnits = (point: LatLon, args: NearbyUnitsArgs) =>
    store
      .nearestUnits({ point, ...resolveNearbyArguments(args, defaults), status: args.status ?? null })
      .map(({ item, distanceMeters }) => ({
        unit: { id: item.unitId, position: item.position } satisfies UnitView,
        distanceMeters,
      }));

  const nearbyFromRepresentation = (parent: LocatedRepresentation, args: NearbyUnitsArgs) =>
    parent.location ? nearbyUnits(parent.location.point, args) : [];

  const resolvers = {
    Query: {
      devices: () => devices.list(),
      unitsNear: (_: unknown, args: NearbyUnitsArgs & { point: LatLon }) =>
        nearbyUnits(requireValidPoint(args.point), args),
    },
    Mutation: {
      assignDevice: (_: unknown, args: { deviceId: string; unitId: string }) => {
        if (!args.deviceId.trim() || !args.unitId.trim()) throw badUserInput('deviceId', 'and unitId must not be empty');
        return devices.assign(args.deviceId, args.unitId, now());
      },
      unassignDevice: (_: unknown, { deviceId }: { deviceId: string }) => devices.unassign(deviceId),
    },
    DeviceAssignment: {
      unit: (assignment: DeviceAssignment) => ({ id: assignment.unitId }),
    },
    Subscription: {
      unitPositions: {
        subscribe: (_: unknown, args: { area?: unknown; unitIds?: string[] | null }) => {
          const unitIds = args.unitIds ? new Set(args.unitIds) : null;
          return subscribeInArea({
            feed: changes,
            area: args.area,
            pick: (change): UnitView | undefined =>
              !unitIds || unitIds.has(change.unitId) ? { id: change.unitId, position: change.position } : undefined,
            keyOf: (unit) => unit.id,
            pointOf: (unit) => unit.position?.point ?? null,
          });
        },
        resolve: (unit: UnitView) => unit,
      },
    },
    Unit: {
      __resolveReference: async (ref: { id: string }, ctx: AvlContext): Promise<UnitView> => ({
        id: ref.id,
        position: await ctx.position.load(ref.id),
      }),
      // Units built here from the index carry their position; others are loaded in a batch.
      position: (unit: Partial<UnitView> & { id: string }, _: unknown, ctx: AvlContext) =>
        unit.position !== undefined ? unit.position : ctx.position.load(unit.id),
    },
    Position: {
      stale: (position: PositionRecord) =>
        now().getTime() - position.fixAt.getTime() > nearby.staleAfterSeconds * 1000,
    },
    Incident: {
      __resolveReference: (ref: LocatedRepresentation) => ref,
      nearbyUnits: nearbyFromRepresentation,
    },
    Call: {
      __resolveReference: (ref: LocatedRepresentation) => ref,
      nearbyUnits: nearbyFromRepresentation,
    },
  };

  return {
    name: 'avl',
    schema: createSubgraphSchema<AvlContext>('avl', resolvers),
    createContext: (): AvlContext => ({ position: new DataLoader((ids) => store.positionsByUnitIds(ids)) }),
    handleEvent: async (event) => {
      const change = await store.apply(event);
      if (change) changes.publish(change);
    },
    activeSubscriptions: () => changes.subscriberCount,
    load: async () => {
      await store.load();
      await devices.load();
    },
    devices,
    close: () => store.flush(),
    // Positions live in the table and in the kd-tree behind nearbyUnits/unitsNear: the store purges both.
    retention: store.retention,
  };
}

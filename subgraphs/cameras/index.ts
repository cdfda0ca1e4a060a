import DataLoader from 'dataloader';
import type { CameraSource, CameraStatus } from '../../contract';
import type { LatLon } from '../../geo/geodesy';
import { createChangeFeed } from '../createChangeFeed';
import { createSubgraphSchema } from '../createSubgraphSchema';
import { type RowScope, isOwnerInScope, rowScopeOf } from '../rowScope';
import { subscribeInArea } from '../subscribeInArea';
import { type NearbyArguments, requireValidPoint, resolveNearbyArguments } from '../nearbyArguments';
import { HubError, badUserInput } from '../../errors/hubErrors';
import type { CameraControl, Subgraph, SubgraphDependencies } from '../subgraph';
import { type CameraChange, type CameraRecord, type NearbyCameraOrder, createCamerasStore } from './createCamerasStore';

export { camerasMigrations } from './camerasMigrations';

interface CamerasContext {
  camera: DataLoader<string, CameraRecord | null>;
}

type NearbyCamerasArgs = NearbyArguments & { inViewOnly?: boolean | null; orderBy?: NearbyCameraOrder | null };

/** Representations of other subgraphs' entities, with the location fields `@requires` asked for. */
interface LocatedRepresentation {
  readonly id: string;
  readonly location?: { readonly point: LatLon } | null;
  readonly position?: { readonly point: LatLon } | null;
}

/** The cameras subgraph: city VMS and community cameras, and the cameras near things. */
export interface CamerasSubgraph extends Subgraph {
  /** Loads stored cameras into the spatial index; call before serving. */
  load(): Promise<void>;
}

/**
 * A community camera owner (rowScope: no `cameras:read`) sees only their own cameras, wherever
 * this subgraph hands cameras out: `camera`, `cameras`, `camerasNear`, `nearbyCameras`,
 * `pointCamera` and `cameraStatusChanged`.
 */
export function createCamerasSubgraph(
  { db, nearby }: SubgraphDependencies,
  services: { cameraControl?: CameraControl } = {},
): CamerasSubgraph {
  const store = createCamerasStore(db, nearby.cameraDefaultRangeMeters);
  const changes = createChangeFeed<CameraChange>();
  const defaults = { radiusMeters: nearby.camerasRadiusMeters, limit: nearby.camerasLimit };
  const isVisible = (scope: RowScope, camera: CameraRecord | null): camera is CameraRecord =>
    camera !== null && isOwnerInScope(scope, camera.owner?.id ?? null);
  const loadVisibleCamera = async (ctx: CamerasContext, id: string) => {
    const camera = await ctx.camera.load(id);
    return isVisible(rowScopeOf(ctx), camera) ? camera : null;
  };

  const nearbyCameras = (point: LatLon, args: NearbyCamerasArgs, ctx: CamerasContext) => {
    const scope = rowScopeOf(ctx);
    return store.nearestCameras({
      point,
      ...resolveNearbyArguments(args, defaults),
      inViewOnly: args.inViewOnly ?? false,
      orderBy: args.orderBy ?? 'DISTANCE',
      ...(scope.cameraOwner !== undefined && { visible: (camera: CameraRecord) => isVisible(scope, camera) }),
    });
  };

  const nearbyFrom = (pointOf: (parent: LocatedRepresentation) => LatLon | undefined) =>
    (parent: LocatedRepresentation, args: NearbyCamerasArgs, ctx: CamerasContext) => {
      const point = pointOf(parent);
      return point ? nearbyCameras(point, args, ctx) : [];
    };

  const resolvers = {
    Query: {
      camera: (_: unknown, { id }: { id: string }, ctx: CamerasContext) => loadVisibleCamera(ctx, id),
      cameras: (
        _: unknown,
        args: { first: number; after?: string | null; filter?: { source?: CameraSource[]; status?: CameraStatus[] } | null },
        ctx: CamerasContext,
      ) => store.listCameras(args.filter ?? {}, args.first, args.after, rowScopeOf(ctx).cameraOwner),
      camerasNear: (_: unknown, args: NearbyCamerasArgs & { point: LatLon }, ctx: CamerasContext) =>
        nearbyCameras(requireValidPoint(args.point), args, ctx),
    },
    Mutation: {
      pointCamera: async (_: unknown, args: { cameraId: string; target: LatLon }, ctx: CamerasContext) => {
        const target = requireValidPoint(args.target, 'target');
        const camera = await loadVisibleCamera(ctx, args.cameraId);
        if (!camera) throw badUserInput('cameraId', `names no camera: ${JSON.stringify(args.cameraId)}`);
        if (!camera.ptz) throw badUserInput('cameraId', `names camera ${camera.id}, which cannot pan or tilt`);
        const control = services.cameraControl;
        if (!control?.controls(camera.id)) {
          throw new HubError('CAMERA_UNAVAILABLE', `No adapter in this hub controls camera ${camera.id}`, { cameraId: camera.id });
        }
        try {
          return { camera, ...(await control.aim(camera.id, target)) };
        } catch (error) {
          throw new HubError('CAMERA_UNAVAILABLE', `Camera ${camera.id} did not take the command`, {
            cameraId: camera.id,
            reason: error instanceof Error ? error.message : String(error),
          });
        }
      },
    },
    Subscription: {
      cameraStatusChanged: {
        subscribe: (_: unknown, { area }: { area?: unknown }, ctx: CamerasContext) => {
          const scope = rowScopeOf(ctx);
          return subscribeInArea({
            feed: changes,
            area,
            pick: (change) => (isVisible(scope, change.camera) ? change.camera : undefined),
            keyOf: (camera) => camera.id,
            pointOf: (camera) => camera.location.point,
          });
        },
        resolve: (camera: CameraRecord) => camera,
      },
    },
    Camera: {
      __resolveReference: (ref: { id: string }, ctx: CamerasContext) => loadVisibleCamera(ctx, ref.id),
    },
    Incident: {
      __resolveReference: (ref: LocatedRepresentation) => ref,
      nearbyCameras: nearbyFrom((incident) => incident.location?.point),
    },
    Call: {
      __resolveReference: (ref: LocatedRepresentation) => ref,
      nearbyCameras: nearbyFrom((call) => call.location?.point),
    },
    Unit: {
      __resolveReference: (ref: LocatedRepresentation) => ref,
      nearbyCameras: nearbyFrom((unit) => unit.position?.point),
    },
  };

  return {
    name: 'cameras',
    schema: createSubgraphSchema<CamerasContext>('cameras', resolvers),
    createContext: (): CamerasContext => ({ camera: new DataLoader((ids) => store.camerasByIds(ids)) }),
    handleEvent: async (event) => {
      const change = await store.apply(event);
      if (change) changes.publish(change);
    },
    activeSubscriptions: () => changes.subscriberCount,
    load: () => store.load(),
  };
}

import { SCOPES } from '../auth/roles';
import { type Area, areaContains } from '../geo/area';
import type { LatLon } from '../geo/geodesy';
import type { ForwardedCaller } from '../wire/forwardedCaller';

/**
 * The rows one caller may see, beyond what their scopes allow field by field: row-level rules
 * only a subgraph can apply, since only it knows where a call is or whose a camera is.
 *
 * - `area`: a field officer's geofence. Calls and incidents outside it (or with no location) are
 *   invisible: lookups give null, lists and subscriptions leave them out.
 * - `cameraOwner`: a caller without `cameras:read` (the camera directory), such as a community
 *   camera owner, whose `cameras:own` is limited to their rows, sees only the cameras whose
 *   owner id is the one their token names; with no owner id, none. A caller with
 *   `cameras:read` sees every camera, whatever else their token says.
 *
 * A request that carries no caller (the gateway's shared subscriptions and its entity fetches
 * for subscription events) is not narrowed: the gateway answers for those.
 */
export interface RowScope {
  readonly area: Area | null;
  /** undefined: every camera; null: none; else the owner id whose cameras only are visible. */
  readonly cameraOwner: string | null | undefined;
}

/** No narrowing: what a caller without a geofence and with the camera directory sees. */
export const UNRESTRICTED: RowScope = { area: null, cameraOwner: undefined };

/**
 * The caller the gateway forwarded with this request (`context.caller`, see
 * createSubgraphServer), or null when there is none. Tolerates contexts built without one.
 */
export function callerOf(context: unknown): ForwardedCaller | null {
  if (typeof context !== 'object' || context === null) return null;
  const { caller } = context as { caller?: ForwardedCaller | null };
  return caller ?? null;
}

/** The {@link RowScope} of the caller in `context`. */
export function rowScopeOf(context: unknown): RowScope {
  const caller = callerOf(context);
  if (caller === null) return UNRESTRICTED;
  const cameraOwner = caller.scopes.includes(SCOPES.camerasRead) ? undefined : caller.cameraOwner;
  return { area: caller.geofence, cameraOwner };
}

/** Whether a call or incident at `point` (null: location unknown) is visible in `scope`. */
export function isPointInScope(scope: RowScope, point: LatLon | null | undefined): boolean {
  if (scope.area === null) return true;
  return point != null && areaContains(scope.area, point);
}

/** Whether a camera owned by `ownerId` (null: no owner, a city camera) is visible in `scope`. */
export function isOwnerInScope(scope: RowScope, ownerId: string | null): boolean {
  if (scope.cameraOwner === undefined) return true;
  return scope.cameraOwner !== null && ownerId === scope.cameraOwner;
}

import type { Area } from '../geo/area';

/** Who is calling, from a verified token. */
export interface Identity {
  /** The token's `sub`. */
  readonly subject: string;
  /** The OAuth client the token was issued to (`azp` or `client_id`), when given. */
  readonly clientId: string | null;
  readonly roles: readonly string[];
  readonly scopes: ReadonlySet<string>;
  /** Field officers: the area they may see calls and incidents in (`geofence` claim). */
  readonly geofence: Area | null;
  /** The `geofence` claim as given (an AreaInput), for confining subscriptions to it. */
  readonly geofenceInput?: unknown;
  /** Community camera owners: their owner id (`camera_owner` claim). */
  readonly cameraOwner: string | null;
  /** City partners and other agencies: who receives the data (`department` claim). */
  readonly department: string | null;
  /** The token's `jti`, or a hash of the token. */
  readonly tokenId: string;
  /** When the token expires (ms since epoch). */
  readonly expiresAt: number;
}

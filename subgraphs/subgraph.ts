import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { DomainEvent } from '../contract';
import type { SubgraphName } from '../schema/subgraphCatalog';
import type { RetentionParticipant } from '../retention/retentionParticipant';
import type { Database } from '../storage/createDatabase';

/** A subgraph, ready to serve: its schema, its per-request context and its event intake. */
export interface Subgraph {
  readonly name: SubgraphName;
  readonly schema: GraphQLSchema;
  /** Fresh per-request state (DataLoaders). */
  createContext(): object;
  /** Applies a domain event the subgraph owns or projects; ignores the rest. Idempotent. */
  handleEvent(event: DomainEvent): Promise<void>;
  /** How many GraphQL subscriptions this subgraph is serving right now. */
  activeSubscriptions(): number;
  /** Finishes pending writes; called before the database closes. */
  close?(): Promise<void>;
  /**
   * Its part in retention: the data classes it owns, declared beside their tables, which it
   * purges itself (rows, dependent rows, in-memory copies such as kd-trees and caches), and the
   * classes of other subgraphs it keeps copies of, which it drops when they are purged. Absent:
   * it owns no class and copies none (cameras and the audit subgraph; the audit trail's class
   * is declared by the audit log itself, which the retention job writes to).
   */
  readonly retention?: RetentionParticipant;
  /**
   * HTTP routes the subgraph serves beside `/graphql` to callers other than the gateway, each
   * under `/<subgraph name>/` (community: signed links, the alarm webhook, clip upload and
   * download). They carry no gateway signature and no user token: each route checks what it is
   * given itself (a signed link, a webhook secret). The gateway relays them on the hub's port.
   */
  readonly publicRoutes?: (app: FastifyInstance) => void | Promise<void>;
}

/** Defaults for the `nearby*` fields, from the hub's settings. */
export interface NearbyDefaults {
  readonly unitsRadiusMeters: number;
  readonly unitsLimit: number;
  readonly camerasRadiusMeters: number;
  readonly camerasLimit: number;
  /** Range assumed for a camera whose own range is unknown. */
  readonly cameraDefaultRangeMeters: number;
  /** A position fix older than this is reported as stale. */
  readonly staleAfterSeconds: number;
}

/** What every subgraph factory is given. */
export interface SubgraphDependencies {
  readonly db: Database;
  /** The clock; injected so that tests and the simulator control time. */
  readonly now: () => Date;
  readonly nearby: NearbyDefaults;
}

/** Moves PTZ cameras; the hub provides it from the camera adapters it runs (ONVIF). */
export interface CameraControl {
  /** Whether an adapter here can command this camera. */
  controls(cameraId: string): boolean;
  aim(cameraId: string, target: { lat: number; lon: number }): Promise<{ panDegrees: number; tiltDegrees: number; distanceMeters: number }>;
}

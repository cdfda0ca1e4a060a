import type { PGlite } from '@electric-sql/pglite';
import { type ExecutionResult, graphql, parse, subscribe } from 'graphql';
import type { DomainEvent } from '../../contract';
import { scopesOf } from '../../auth/roles';
import type { Area } from '../../geo/area';
import { type Database, createDatabase, createEmbeddedPostgres } from '../../storage/createDatabase';
import { cadMigrations, createCadSubgraph } from '../../subgraphs/cad';
import { callsMigrations, createCallsSubgraph } from '../../subgraphs/calls';
import { type CamerasSubgraph, camerasMigrations, createCamerasSubgraph } from '../../subgraphs/cameras';
import type { ForwardedCaller } from '../../wire/forwardedCaller';
import type { Subgraph } from '../../subgraphs/subgraph';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';

export interface Body {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** The calls, CAD and cameras subgraphs over fresh schemas, run without HTTP, as their server would run them. */
export interface OpenSubgraphs {
  readonly calls: Subgraph;
  readonly cad: Subgraph;
  readonly cameras: CamerasSubgraph;
  readonly db: Readonly<Record<'calls' | 'cad' | 'cameras', Database>>;
  /** Applies events in order, as the hub's sink would: every subgraph sees every event. */
  emit(...events: readonly DomainEvent[]): Promise<void>;
  /**
   * Runs an operation against one subgraph with `caller` as `context.caller` (what
   * createSubgraphServer puts there from the gateway's signed header); null: no caller.
   */
  run(subgraph: Subgraph, query: string, variables?: Record<string, unknown>, caller?: ForwardedCaller | null): Promise<Body>;
  /** Subscribes as `caller` and returns an iterator over the events' JSON. */
  subscribe(subgraph: Subgraph, query: string, caller: ForwardedCaller | null): Promise<AsyncIterator<Body>>;
  close(): Promise<void>;
}

export const NEARBY_DEFAULTS = {
  unitsRadiusMeters: 5000,
  unitsLimit: 10,
  camerasRadiusMeters: 500,
  camerasLimit: 10,
  cameraDefaultRangeMeters: 100,
  staleAfterSeconds: 120,
};

export async function openSubgraphs(target: StorageTarget): Promise<OpenSubgraphs> {
  const embedded: PGlite | undefined = target.databaseUrl ? undefined : await createEmbeddedPostgres();
  const prefix = uniqueSchemaPrefix();
  const open = (name: string, migrations: Parameters<typeof createDatabase>[0]['migrations']) =>
    createDatabase({ url: target.databaseUrl, embedded, schema: `${prefix}${name}`, migrations, poolMax: 2 });
  const db = { calls: await open('calls', callsMigrations), cad: await open('cad', cadMigrations), cameras: await open('cameras', camerasMigrations) };
  const now = () => new Date('2026-11-23T18:00:00.000Z');
  const calls = createCallsSubgraph({ db: db.calls });
  const cad = createCadSubgraph({ db: db.cad });
  const cameras = createCamerasSubgraph({ db: db.cameras, now, nearby: NEARBY_DEFAULTS });
  await cameras.load();
  const contextOf = (subgraph: Subgraph, caller: ForwardedCaller | null) => ({ ...subgraph.createContext(), caller });
  const toJson = (result: ExecutionResult) => JSON.parse(JSON.stringify(result)) as Body;
  return {
    calls,
    cad,
    cameras,
    db,
    async emit(...events) {
      for (const event of events) for (const subgraph of [calls, cad, cameras]) await subgraph.handleEvent(event);
    },
    async run(subgraph, query, variables = {}, caller = null) {
      return toJson(await graphql({ schema: subgraph.schema, source: query, variableValues: variables, contextValue: contextOf(subgraph, caller) }));
    },
    async subscribe(subgraph, query, caller) {
      const result = await subscribe({ schema: subgraph.schema, document: parse(query), contextValue: contextOf(subgraph, caller) });
      if (!(Symbol.asyncIterator in result)) throw new Error(`subscribe failed: ${JSON.stringify(result)}`);
      const iterator = result[Symbol.asyncIterator]();
      return {
        next: async () => {
          const step = await iterator.next();
          return step.done ? step : { done: false, value: toJson(step.value) };
        },
        return: async () => {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
    async close() {
      for (const subgraph of [calls, cad, cameras]) await subgraph.close?.();
      for (const database of Object.values(db)) await database.close();
      await embedded?.close();
      await dropSchemas(target.databaseUrl, prefix);
    },
  };
}

/** A caller as the gateway forwards it, with the scopes of its roles. */
export function callerWith(roles: readonly string[], attributes: { geofence?: Area; cameraOwner?: string } = {}): ForwardedCaller {
  return {
    subject: `user-${roles.join('-')}`,
    clientId: null,
    roles,
    scopes: [...scopesOf(roles)],
    geofence: attributes.geofence ?? null,
    cameraOwner: attributes.cameraOwner ?? null,
    department: null,
    purpose: 'CASE-2026-0042',
  };
}

import pino from 'pino';
import type { Adapter } from '../../adapters/contract';
import { type AdapterLookups, type Hub, createHub } from '../../hub/createHub';
import { readHubConfig } from '../../hub/hubConfig';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from './storageTargets';

export interface TestHub extends Hub {
  /** Posts a GraphQL operation to the gateway and returns the parsed JSON body. */
  query<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<GraphQLBody<T>>;
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Starts a whole hub on free ports against `target`, without the simulator. */
export async function startTestHub(
  target: StorageTarget,
  options: { now?: () => Date; adapters?: Adapter[] | ((lookups: AdapterLookups) => Adapter[]); env?: Record<string, string> } = {},
): Promise<TestHub> {
  const schemaPrefix = uniqueSchemaPrefix();
  const config = readHubConfig({
    PORT: '0',
    CALLS_PORT: '0',
    CAD_PORT: '0',
    AVL_PORT: '0',
    CAMERAS_PORT: '0',
    INGEST_PORT: '0',
    AUDIT_PORT: '0',
    SIM_ENABLED: 'false',
    DATABASE_SCHEMA_PREFIX: schemaPrefix,
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...options.env,
  });
  const hub = await createHub({
    config,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.adapters ? { adapters: options.adapters } : {}),
  });
  return {
    ...hub,
    async query<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(hub.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLBody<T>;
    },
    async close() {
      await hub.close();
      await dropSchemas(target.databaseUrl, schemaPrefix);
    },
  };
}

import { type OperationLimits, createOperationLimits, readPersistedOperations } from '../gateway/limits';
import type { HubConfig } from '../config/hubConfig';

/** The gateway's limits against abuse, from the LIMIT_*, INTROSPECTION_*, PERSISTED_* and RATE_* settings. */
export async function createConfiguredLimits(config: HubConfig): Promise<OperationLimits> {
  return createOperationLimits({
    maxDocumentBytes: config.limitDocumentBytes,
    maxDepth: config.limitMaxDepth,
    maxCost: config.limitMaxCost,
    defaultListSize: config.limitDefaultListSize,
    // Resolvers default these sizes from settings, not from the schema.
    listSizes: {
      nearbyUnits: config.nearbyUnitsLimit,
      unitsNear: config.nearbyUnitsLimit,
      nearbyCameras: config.nearbyCamerasLimit,
      camerasNear: config.nearbyCamerasLimit,
    },
    fieldCosts: config.limitFieldCosts,
    maxPricedFieldRepeats: config.limitPricedFieldRepeats,
    maxVariablesDepth: config.limitVariablesDepth,
    maxVariableValues: config.limitVariablesValues,
    introspectionEnabled: config.introspectionEnabled,
    persistedOperations: config.persistedOperationsFile ? await readPersistedOperations(config.persistedOperationsFile) : null,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitBurst: config.rateLimitBurst,
  });
}

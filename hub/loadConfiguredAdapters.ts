import type { Adapter } from '../contract';
import type { AdapterFactoryContext, HubAdapterRegistry } from '../adapters/adapterFactoryContext';
import { createBuiltInAdapterRegistry } from '../adapters/builtInAdapters';
import type { HubConfig } from '../config/hubConfig';

/** Builds the configured adapters, in ADAPTERS order, leaving out those whose settings leave them off. */
export type BuildConfiguredAdapters = (context: Omit<AdapterFactoryContext, 'config'>) => Adapter[];

/**
 * Loads the modules of the adapters ADAPTERS names from `registry` (default: the built-in
 * adapters), so that an unknown name fails the start before anything listens, and returns what
 * builds them once the hub has its lookups.
 */
export async function loadConfiguredAdapters(
  config: HubConfig,
  registry: HubAdapterRegistry = createBuiltInAdapterRegistry(),
): Promise<BuildConfiguredAdapters> {
  const factories = await Promise.all(config.adapters.map((name) => registry.load(name)));
  return (context) =>
    factories.map((create) => create({ config, ...context })).filter((adapter): adapter is Adapter => adapter !== null);
}

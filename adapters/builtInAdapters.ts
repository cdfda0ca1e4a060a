/**
 * The adapters this repository ships, by the names ADAPTERS picks them with. Each entry imports
 * its module only when the hub runs that adapter.
 */
import type { AdapterFactoryContext, HubAdapterRegistry } from './adapterFactoryContext';
import { type AdapterFactoryLoader, createAdapterRegistry } from './adapterRegistry';

/** Name → loader of its factory, in the order the hub starts them (and `adapters` lists them). */
export const BUILT_IN_ADAPTERS: Readonly<Record<string, AdapterFactoryLoader<AdapterFactoryContext>>> = {
  avl: async () => (await import('./avl/createConfiguredAvlAdapter.js')).createConfiguredAvlAdapter,
  'eido-http': async () => (await import('./eido-http/createConfiguredEidoHttpAdapter.js')).createConfiguredEidoHttpAdapter,
  live911: async () => (await import('./live911-ws/createConfiguredCallFeedAdapter.js')).createConfiguredCallFeedAdapter,
  onvif: async () => (await import('./onvif-device/createConfiguredOnvifAdapter.js')).createConfiguredOnvifAdapter,
  'camera-csv': async () => (await import('./camera-csv-file/createConfiguredCameraCsvAdapter.js')).createConfiguredCameraCsvAdapter,
};

/** A registry holding the built-in adapters, to which more can be registered (a registry per hub: nothing global). */
export function createBuiltInAdapterRegistry(): HubAdapterRegistry {
  const registry = createAdapterRegistry<AdapterFactoryContext>();
  for (const [name, load] of Object.entries(BUILT_IN_ADAPTERS)) registry.register(name, load);
  return registry;
}

/**
 * Adapters by name. A name maps to a loader that imports the adapter's module only when that
 * adapter is asked for (as knex loads a dialect by its client name), so that a hub loads the code
 * of the adapters it runs and no other.
 */
import type { Adapter } from '../contract';

/** Builds an adapter from what its context holds; null when the settings leave it nothing to do. */
export type AdapterFactory<Context> = (context: Context) => Adapter | null;

/** Imports an adapter's module and hands back its factory; called once, at first use. */
export type AdapterFactoryLoader<Context> = () => Promise<AdapterFactory<Context>>;

/** A name no adapter is registered under; the message lists the known ones. */
export class UnknownAdapterError extends Error {
  override readonly name = 'UnknownAdapterError';
  constructor(
    readonly adapter: string,
    readonly known: readonly string[],
  ) {
    super(`no adapter is registered as ${JSON.stringify(adapter)}; known adapters: ${known.length > 0 ? known.join(', ') : '(none)'}`);
  }
}

export interface AdapterRegistry<Context> {
  /** Adds a name; its module is not loaded until {@link load} or {@link create} asks for it. Throws if the name is taken. */
  register(name: string, load: AdapterFactoryLoader<Context>): void;
  /** The registered names, in the order they were registered. */
  names(): readonly string[];
  /** The factory of `name`, its module loaded on first use. Rejects with {@link UnknownAdapterError}. */
  load(name: string): Promise<AdapterFactory<Context>>;
  /** Loads `name`'s factory and builds the adapter (null: its settings leave it off). */
  create(name: string, context: Context): Promise<Adapter | null>;
}

/** An empty registry; see `createBuiltInAdapterRegistry` for one holding the hub's own adapters. */
export function createAdapterRegistry<Context>(): AdapterRegistry<Context> {
  const loaders = new Map<string, AdapterFactoryLoader<Context>>();
  // The promise, not the factory, so that concurrent first uses import the module once.
  const loaded = new Map<string, Promise<AdapterFactory<Context>>>();
  const load = (name: string): Promise<AdapterFactory<Context>> => {
    const loader = loaders.get(name);
    if (!loader) return Promise.reject(new UnknownAdapterError(name, [...loaders.keys()]));
    let factory = loaded.get(name);
    if (!factory) {
      factory = loader();
      // A failed import may succeed later (a file fixed, a dependency installed): do not keep it.
      factory.catch(() => loaded.delete(name));
      loaded.set(name, factory);
    }
    return factory;
  };
  return {
    register(name, loader) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`adapter name ${JSON.stringify(name)}: lower-case letters, digits and dashes`);
      if (loaders.has(name)) throw new Error(`an adapter is already registered as ${JSON.stringify(name)}`);
      loaders.set(name, loader);
    },
    names: () => [...loaders.keys()],
    load,
    create: async (name, context) => (await load(name))(context),
  };
}

import type { Logger } from 'pino';
import type { Adapter } from '../contract';
import type { HubAdapterRegistry } from '../adapters/adapterFactoryContext';
import { loadConfiguredAdapters } from './loadConfiguredAdapters';
import { type Hub, createHub } from './createHub';
import { type SimulatedCity, createSimulatedCity } from './createSimulatedCity';
import type { HubConfig } from '../config/hubConfig';

/** The hub as `npm start` runs it. */
export interface ConfiguredHub {
  readonly hub: Hub;
  /** The simulated city, when SIM_ENABLED. */
  readonly city: SimulatedCity | null;
  /** Every adapter started: the configured ones, then the city's own. */
  readonly adapters: readonly Adapter[];
  /** Stops the city, then the hub (flushing pending writes, closing the database); idempotent. */
  close(): Promise<void>;
}

export interface ConfiguredHubOptions {
  readonly config: HubConfig;
  readonly logger: Logger;
  /** The adapters' clock; default the system clock. */
  readonly now?: () => Date;
  /** Where ADAPTERS' names are looked up; default the built-in adapters. */
  readonly registry?: HubAdapterRegistry;
}

/**
 * Assembles the hub from its configuration, as named phases: load the adapters ADAPTERS names
 * (an unknown name fails here) → open the simulated city's vendor endpoints (so that adapters can
 * be pointed at them) → start the hub with the configured adapters and the city's → let the city
 * register its fleet and start sending.
 */
export async function createConfiguredHub({ config, logger, now = () => new Date(), registry }: ConfiguredHubOptions): Promise<ConfiguredHub> {
  const buildAdapters = await loadConfiguredAdapters(config, registry);
  const city = config.simulator ? await createSimulatedCity(config, logger) : null;
  let adapters: Adapter[] = [];
  let hub: Hub;
  try {
    hub = await createHub({
      config,
      logger,
      now,
      adapters: (lookups) => {
        // The city is the vendors the configured adapters are pointed at.
        const configured = buildAdapters({ lookups, now, logger, supplied: city ?? {} });
        return (adapters = [...configured, ...(city?.adapters(configured) ?? [])]);
      },
    });
  } catch (error) {
    await city?.stop();
    throw error;
  }
  // Once, however often asked (SIGINT, SIGTERM and a failing gateway may all ask): a second
  // close must wait for the first to finish, not race it to the database.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await city?.stop();
      await hub.close();
    })());
  try {
    await city?.start(hub);
  } catch (error) {
    await close();
    throw error;
  }
  return { hub, city, adapters, close };
}

import type { Adapter } from '../../../contract';
import { MODULE_LOADS } from './moduleLoads';

// Evaluated once, when the registry first imports this module.
MODULE_LOADS.push('lazyEchoAdapter');

/** A factory as a registered adapter module exports it: an adapter named by its context, or null. */
export function createLazyEchoAdapter(context: { readonly name: string | null }): Adapter | null {
  if (context.name === null) return null;
  const name = context.name;
  return {
    name,
    start: async () => undefined,
    stop: async () => undefined,
    status: () => ({ name, connected: false, lastMessageAt: null, accepted: 0, rejected: 0 }),
  };
}

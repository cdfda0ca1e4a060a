import DataLoader from 'dataloader';
import type { CallState } from '../../contract';
import { createChangeFeed } from '../createChangeFeed';
import { createSubgraphSchema } from '../createSubgraphSchema';
import { isPointInScope, rowScopeOf } from '../rowScope';
import { subscribeInArea } from '../subscribeInArea';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type CallChange, type CallRecord, createCallsStore } from './createCallsStore';

export { callsMigrations } from './callsMigrations';

interface CallsContext {
  call: DataLoader<string, CallRecord | null>;
}

/**
 * The calls subgraph: 911 calls from the PSAP's call-handling feed. A field officer's geofence
 * (rowScope) hides the calls outside it from `call`, `calls` and the subscriptions.
 */
export function createCallsSubgraph({ db }: Pick<SubgraphDependencies, 'db'>): Subgraph {
  const store = createCallsStore(db);
  const changes = createChangeFeed<CallChange>();
  const isVisible = (ctx: unknown, call: CallRecord | null) =>
    call !== null && isPointInScope(rowScopeOf(ctx), call.location?.point);
  const subscribeToCalls = (kind: CallChange['kind'], area: unknown, ctx: unknown) =>
    subscribeInArea({
      feed: changes,
      area,
      // A call outside the geofence is never delivered, not even once as it leaves: that
      // event would tell where it went.
      pick: (change) => (change.kind === kind && isVisible(ctx, change.call) ? change.call : undefined),
      keyOf: (call) => call.id,
      pointOf: (call) => call.location?.point ?? null,
    });
  const resolvers = {
    Query: {
      call: async (_: unknown, { id }: { id: string }, ctx: CallsContext) => {
        const call = await ctx.call.load(id);
        return isVisible(ctx, call) ? call : null;
      },
      calls: (
        _: unknown,
        args: { first: number; after?: string | null; filter?: { state?: CallState[]; receivedSince?: Date } | null },
        ctx: CallsContext,
      ) => store.listCalls(args.filter ?? {}, args.first, args.after, rowScopeOf(ctx).area),
    },
    Subscription: {
      callReceived: {
        subscribe: (_: unknown, { area }: { area?: unknown }, ctx: CallsContext) => subscribeToCalls('callReceived', area, ctx),
        resolve: (call: CallRecord) => call,
      },
      callUpdated: {
        subscribe: (_: unknown, { area }: { area?: unknown }, ctx: CallsContext) => subscribeToCalls('callUpdated', area, ctx),
        resolve: (call: CallRecord) => call,
      },
    },
    Call: {
      // Not narrowed: the gateway asks for a call by reference only where another subgraph
      // already showed it to this caller (an incident's calls), and `Incident.calls` lists
      // are non-null, so a null here would cost the caller the whole incident.
      __resolveReference: (ref: { id: string }, ctx: CallsContext) => ctx.call.load(ref.id),
    },
  };
  return {
    name: 'calls',
    schema: createSubgraphSchema<CallsContext>('calls', resolvers),
    createContext: (): CallsContext => ({ call: new DataLoader((ids) => store.callsByIds(ids)) }),
    handleEvent: async (event) => {
      const change = await store.apply(event);
      if (change) changes.publish(change);
    },
    activeSubscriptions: () => changes.subscriberCount,
    // Calls live in the table only (no call is kept in memory between requests).
    retention: store.retention,
  };
}

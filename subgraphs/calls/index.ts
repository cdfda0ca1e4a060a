import DataLoader from 'dataloader';
import type { CallState } from '../../adapters/contract';
import { createChangeFeed } from '../createChangeFeed';
import { createSubgraphSchema } from '../createSubgraphSchema';
import { subscribeInArea } from '../subscribeInArea';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type CallChange, type CallRecord, createCallsStore } from './createCallsStore';

export { callsMigrations } from './callsMigrations';

interface CallsContext {
  call: DataLoader<string, CallRecord | null>;
}

/** The calls subgraph: 911 calls from the PSAP's call-handling feed. */
export function createCallsSubgraph({ db }: Pick<SubgraphDependencies, 'db'>): Subgraph {
  const store = createCallsStore(db);
  const changes = createChangeFeed<CallChange>();
  const subscribeToCalls = (kind: CallChange['kind'], area: unknown) =>
    subscribeInArea({
      feed: changes,
      area,
      pick: (change) => (change.kind === kind ? change.call : undefined),
      keyOf: (call) => call.id,
      pointOf: (call) => call.location?.point ?? null,
    });
  const resolvers = {
    Query: {
      call: (_: unknown, { id }: { id: string }, ctx: CallsContext) => ctx.call.load(id),
      calls: (
        _: unknown,
        args: { first: number; after?: string | null; filter?: { state?: CallState[]; receivedSince?: Date } | null },
      ) => store.listCalls(args.filter ?? {}, args.first, args.after),
    },
    Subscription: {
      callReceived: {
        subscribe: (_: unknown, { area }: { area?: unknown }) => subscribeToCalls('callReceived', area),
        resolve: (call: CallRecord) => call,
      },
      callUpdated: {
        subscribe: (_: unknown, { area }: { area?: unknown }) => subscribeToCalls('callUpdated', area),
        resolve: (call: CallRecord) => call,
      },
    },
    Call: {
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
  };
}

import DataLoader from 'dataloader';
import type { CallState } from '../../adapters/contract';
import { createSubgraphSchema } from '../createSubgraphSchema';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type CallRecord, createCallsStore } from './createCallsStore';

export { callsMigrations } from './callsMigrations';

interface CallsContext {
  call: DataLoader<string, CallRecord | null>;
}

/** The calls subgraph: 911 calls from the PSAP's call-handling feed. */
export function createCallsSubgraph({ db }: Pick<SubgraphDependencies, 'db'>): Subgraph {
  const store = createCallsStore(db);
  const resolvers = {
    Query: {
      call: (_: unknown, { id }: { id: string }, ctx: CallsContext) => ctx.call.load(id),
      calls: (
        _: unknown,
        args: { first: number; after?: string | null; filter?: { state?: CallState[]; receivedSince?: Date } | null },
      ) => store.listCalls(args.filter ?? {}, args.first, args.after),
    },
    Call: {
      __resolveReference: (ref: { id: string }, ctx: CallsContext) => ctx.call.load(ref.id),
    },
  };
  return {
    name: 'calls',
    schema: createSubgraphSchema<CallsContext>('calls', resolvers),
    createContext: (): CallsContext => ({ call: new DataLoader((ids) => store.callsByIds(ids)) }),
    handleEvent: (event) => store.apply(event),
  };
}

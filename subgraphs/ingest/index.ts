import { type Adapter, type DomainEvent, isReplayable } from '../../contract';
import { badUserInput } from '../../errors/hubErrors';
import type { IngestSink } from '../../ingest/createEventSink';
import { createSubgraphSchema } from '../createSubgraphSchema';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type DeadLetterFilter, type DeadLetterStore, SUPPRESSED_SUMMARY_REASON } from '../../ingest/createDeadLetterStore';

export interface IngestSubgraphOptions extends Pick<SubgraphDependencies, 'now'> {
  readonly deadLetters: DeadLetterStore;
  readonly sink: IngestSink;
  /** The adapters running in this process (read when asked, as they start after the subgraphs). */
  readonly adapters: () => readonly Adapter[];
}

/** The ingest subgraph: adapter status and the dead letters of rejected input, with replay. */
export function createIngestSubgraph(options: IngestSubgraphOptions): Subgraph {
  const { deadLetters, sink, adapters, now } = options;
  const resolvers = {
    Query: {
      adapters: () => {
        const bySource = sink.stats().bySource;
        return adapters().map((adapter) => {
          const status = adapter.status();
          const counts = bySource[adapter.name];
          return {
            name: adapter.name,
            connected: status.connected,
            lastMessageAt: status.lastMessageAt,
            accepted: counts?.accepted ?? 0,
            rejected: counts?.rejected ?? 0,
            deadLettersSuppressed: counts?.deadLettersSuppressed ?? 0,
            rejectedByReason: Object.entries(counts?.rejectedByReason ?? {}).map(([reason, count]) => ({ reason, count })),
          };
        });
      },
      deadLetters: (_: unknown, args: { filter?: DeadLetterFilter | null; first: number; after?: string | null }) =>
        deadLetters.list(args.filter ?? {}, args.first, args.after),
    },
    Mutation: {
      replayDeadLetter: async (_: unknown, { id }: { id: string }) => {
        const letter = await deadLetters.byId(id);
        if (!letter) throw badUserInput('id', `names no dead letter: ${JSON.stringify(id)}`);
        if (letter.reason === SUPPRESSED_SUMMARY_REASON) {
          throw badUserInput('id', 'names a summary of rejections beyond the dead-letter cap: it holds counts and samples, not a payload to replay');
        }
        let outcome: 'REPLAYED' | 'NO_ADAPTER' = 'REPLAYED';
        if (letter.stage === 'CONTRACT') {
          // The adapter translated it; the contract refused the event. Check the event again.
          await sink.emit(parseJson(letter.raw) as DomainEvent);
        } else if (letter.stage === 'STORE') {
          // A valid event the store refused. Subscribers that applied it before would drop the
          // same event id as a duplicate, so the replay is a new delivery of the same content.
          const event = parseJson(letter.raw) as DomainEvent;
          await sink.emit({ ...event, eventId: `${String(event?.eventId)}~replay-${letter.id}-${letter.replayCount + 1}` });
        } else {
          const adapter = adapters().find((candidate) => candidate.name === letter.source);
          if (adapter && isReplayable(adapter)) await adapter.replay(letter.raw, { sender: letter.sender });
          else outcome = 'NO_ADAPTER';
        }
        const deadLetter = outcome === 'REPLAYED' ? await deadLetters.markReplayed(id, now()) : letter;
        return { deadLetter, outcome };
      },
    },
  };
  return {
    name: 'ingest',
    schema: createSubgraphSchema('ingest', resolvers),
    createContext: () => ({}),
    handleEvent: async () => undefined,
    activeSubscriptions: () => 0,
    retention: deadLetters.retention,
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

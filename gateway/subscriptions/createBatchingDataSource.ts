import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

interface Pending {
  readonly options: GraphQLDataSourceProcessOptions;
  readonly representations: unknown[];
  resolve(response: Response): void;
  reject(error: unknown): void;
}

/**
 * Wraps a subgraph data source so that `_entities` fetches with the same operation, started in
 * the same turn of the event loop, go out as one request: when several subscription events
 * arrive together, each runs its own query plan, and their entity fetches are merged here.
 * The answer is split back by position; errors are routed by their `_entities` index.
 */
export function createBatchingDataSource(inner: GraphQLDataSource): GraphQLDataSource & { batchesSent(): number } {
  const waiting = new Map<string, Pending[]>();
  let batches = 0;

  const flush = async (group: Pending[]) => {
    const [first] = group;
    if (!first) return;
    if (group.length === 1) {
      inner.process(first.options).then(first.resolve, first.reject);
      return;
    }
    batches += 1;
    const representations = group.flatMap((pending) => pending.representations);
    try {
      const merged = await inner.process({
        ...first.options,
        request: {
          ...first.options.request,
          variables: { ...first.options.request.variables, representations },
        },
      });
      const entities = (merged.data?._entities as unknown[] | undefined) ?? null;
      let offset = 0;
      for (const pending of group) {
        const count = pending.representations.length;
        const [start, end] = [offset, offset + count];
        offset = end;
        const errors = merged.errors?.flatMap((error) => {
          const [root, index, ...rest] = error.path ?? [];
          if (root !== '_entities' || typeof index !== 'number') return [error];
          return index >= start && index < end ? [{ ...error, path: ['_entities', index - start, ...rest] }] : [];
        });
        pending.resolve({
          ...merged,
          data: entities ? { ...merged.data, _entities: entities.slice(start, end) } : (merged.data ?? null),
          ...(errors && errors.length > 0 ? { errors } : { errors: undefined }),
        });
      }
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  };

  return {
    batchesSent: () => batches,
    process(options) {
      const { query, variables } = options.request;
      const representations = variables?.representations;
      if (!query || !Array.isArray(representations)) return inner.process(options);
      const { representations: _omit, ...others } = variables ?? {};
      const key = `${query}\n${JSON.stringify(others)}`;
      return new Promise<Response>((resolve, reject) => {
        let group = waiting.get(key);
        if (!group) {
          group = [];
          waiting.set(key, group);
          // Entity fetches of concurrently executing plans are issued within a few microtasks
          // of each other; setImmediate waits until they all have been.
          setImmediate(() => {
            const ready = waiting.get(key) ?? [];
            waiting.delete(key);
            void flush(ready);
          });
        }
        group.push({ options, representations, resolve, reject });
      });
    },
  };
}

import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createBatchingDataSource } from '../../../gateway/subscriptions/createBatchingDataSource';

/** A subgraph stand-in that answers `_entities` by echoing each representation's id. */
function createEchoSource() {
  const requests: { query: string; count: number }[] = [];
  const source: GraphQLDataSource = {
    async process(options) {
      const representations = (options.request.variables?.representations ?? []) as { id: string }[];
      requests.push({ query: options.request.query ?? '', count: representations.length });
      return {
        data: { _entities: representations.map((rep) => (rep.id === 'bad' ? null : { id: rep.id })) },
        errors: representations.flatMap((rep, index) =>
          rep.id === 'bad' ? [{ message: 'no such entity', path: ['_entities', index, 'name'] }] : [],
        ),
      } as Awaited<ReturnType<GraphQLDataSource['process']>>;
    },
  };
  return { source, requests };
}

const entities = (ids: string[], query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Unit{id}}}') =>
  ({ request: { query, variables: { representations: ids.map((id) => ({ __typename: 'Unit', id })) } } }) as unknown as GraphQLDataSourceProcessOptions;

describe('createBatchingDataSource', () => {
  it('merges entity fetches started together into one request and splits the answer back', async () => {
    const { source, requests } = createEchoSource();
    const batching = createBatchingDataSource(source);
    const [a, b, c] = await Promise.all([
      batching.process(entities(['u1', 'u2'])),
      batching.process(entities(['u3'])),
      batching.process(entities(['u4', 'bad', 'u5'])),
    ]);
    expect(requests).toEqual([{ query: expect.stringContaining('_entities'), count: 6 }]);
    expect(a?.data?._entities).toEqual([{ id: 'u1' }, { id: 'u2' }]);
    expect(b?.data?._entities).toEqual([{ id: 'u3' }]);
    expect(c?.data?._entities).toEqual([{ id: 'u4' }, null, { id: 'u5' }]);
    expect(a?.errors).toBeUndefined();
    expect(c?.errors).toEqual([{ message: 'no such entity', path: ['_entities', 1, 'name'] }]);
    expect(batching.batchesSent()).toBe(1);
  });

  it('keeps different operations apart and passes other requests straight through', async () => {
    const { source, requests } = createEchoSource();
    const batching = createBatchingDataSource(source);
    await Promise.all([
      batching.process(entities(['u1'])),
      batching.process(entities(['u2'], 'query($representations:[_Any!]!){_entities(representations:$representations){...on Unit{callSign}}}')),
      batching.process({ request: { query: '{ units { edges { cursor } } }', variables: {} } } as unknown as GraphQLDataSourceProcessOptions),
    ]);
    expect(requests.map((request) => request.count).sort()).toEqual([0, 1, 1]);
    expect(requests).toHaveLength(3);
  });

  it('sends at most one request per operation at a time: what starts meanwhile leaves together when it returns', async () => {
    const { source, requests } = createEchoSource();
    // The first request is held until released; later ones answer at once.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated: GraphQLDataSource = {
      process: async (options) => {
        if (requests.length === 0) {
          const answer = source.process(options);
          await held;
          return answer;
        }
        return source.process(options);
      },
    };
    const batching = createBatchingDataSource(gated);
    const first = batching.process(entities(['u1']));
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests.map((request) => request.count)).toEqual([1]);
    // Three events' fetches while the first is out: they wait for it, then leave as one.
    const later = [batching.process(entities(['u2'])), batching.process(entities(['u3', 'u4']))];
    await new Promise((resolve) => setImmediate(resolve));
    const another = batching.process(entities(['u5']));
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests.map((request) => request.count)).toEqual([1]);
    release();
    const answers = await Promise.all([first, ...later, another]);
    expect(requests.map((request) => request.count)).toEqual([1, 4]);
    expect(answers.map((answer) => answer?.data?._entities)).toEqual([[{ id: 'u1' }], [{ id: 'u2' }], [{ id: 'u3' }, { id: 'u4' }], [{ id: 'u5' }]]);
    // Idle again: the next fetch leaves on the next turn, not after anything.
    await batching.process(entities(['u6']));
    expect(requests.map((request) => request.count)).toEqual([1, 4, 1]);
  });
});

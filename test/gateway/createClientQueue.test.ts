import type { ExecutionResult } from 'graphql';
import { createClientQueue } from '../../gateway/subscriptions/createClientQueue';

const event = (id: string, n: number): ExecutionResult => ({ data: { unitPositions: { id, n } } });

async function drain(iterator: AsyncIterableIterator<ExecutionResult>, count: number): Promise<ExecutionResult[]> {
  const out: ExecutionResult[] = [];
  for (let i = 0; i < count; i += 1) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

describe('createClientQueue', () => {
  it('keeps order, and coalesces undelivered events with the same key in place (latest wins)', async () => {
    const queue = createClientQueue({ limit: 10, onOverflow: () => undefined });
    queue.push(event('u1', 1), 'u1');
    queue.push(event('u2', 1), 'u2');
    queue.push({ data: { callReceived: { id: 'c1' } } });
    queue.push(event('u1', 2), 'u1');
    queue.push(event('u1', 3), 'u1');
    expect(queue.size).toBe(3);
    expect(await drain(queue.iterator, 3)).toEqual([event('u1', 3), event('u2', 1), { data: { callReceived: { id: 'c1' } } }]);
    // Once delivered, the next fix for the unit queues anew.
    queue.push(event('u1', 4), 'u1');
    expect(await drain(queue.iterator, 1)).toEqual([event('u1', 4)]);
  });

  it('never drops an uncoalescible event: past the limit it reports the overflow once and ends', async () => {
    const overflows: number[] = [];
    const queue = createClientQueue({ limit: 3, onOverflow: (limit) => overflows.push(limit) });
    for (let i = 0; i < 3; i += 1) queue.push({ data: { n: i } });
    for (let i = 0; i < 100; i += 1) queue.push(event('u1', i), 'u1'); // would be a 4th slot
    expect(overflows).toEqual([3]);
    queue.push({ data: { n: 99 } });
    expect(overflows).toEqual([3]);
    expect(await queue.iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('a waiting reader wakes on push, and end() finishes after what is queued', async () => {
    const queue = createClientQueue({ limit: 5, onOverflow: () => undefined });
    const pending = queue.iterator.next();
    queue.push({ data: { n: 1 } });
    expect(await pending).toEqual({ value: { data: { n: 1 } }, done: false });
    queue.push({ data: { n: 2 } });
    queue.end();
    expect(await drain(queue.iterator, 5)).toEqual([{ data: { n: 2 } }]);
  });
});

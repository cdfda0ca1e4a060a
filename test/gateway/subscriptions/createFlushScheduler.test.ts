import { createFlushScheduler } from '../../../gateway/subscriptions/createFlushScheduler';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createFlushScheduler', () => {
  it('flushes each waiting target once per pass, however often it asked', async () => {
    const scheduler = createFlushScheduler(0);
    const flushed: string[] = [];
    const a = { flush: () => flushed.push('a') };
    const b = { flush: () => flushed.push('b') };
    scheduler.request(a);
    scheduler.request(b);
    scheduler.request(a);
    expect(flushed).toEqual([]); // never synchronously
    await turn();
    expect(flushed).toEqual(['a', 'b']);
    scheduler.close();
  });

  it('after a quiet spell passes on the next turn; right after a pass it waits for the interval', async () => {
    const scheduler = createFlushScheduler(60_000);
    const flushed: number[] = [];
    const target = { flush: () => flushed.push(flushed.length) };
    scheduler.request(target);
    await turn();
    expect(flushed).toEqual([0]);
    scheduler.request(target);
    await turn();
    await turn();
    expect(flushed).toEqual([0]); // the next pass is a minute away
    scheduler.close(); // and is cancelled
  });
});

describe('createFlushScheduler slices', () => {
  it('flushes a long pass a slice per turn, letting I/O and timers run in between, and every target once', async () => {
    const scheduler = createFlushScheduler(0, 2);
    const flushed: string[] = [];
    const targets = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ flush: () => flushed.push(name) }));
    for (const target of targets) scheduler.request(target);
    await turn();
    expect(flushed).toEqual(['a', 'b']);
    // Asking again before its slice: flushed once, in this pass.
    scheduler.request(targets[4]!);
    // Asking again after its slice: flushed in the next pass.
    scheduler.request(targets[0]!);
    await turn();
    expect(flushed).toEqual(['a', 'b', 'c', 'd']);
    await turn();
    expect(flushed).toEqual(['a', 'b', 'c', 'd', 'e']);
    await turn();
    expect(flushed).toEqual(['a', 'b', 'c', 'd', 'e', 'a']);
    await turn();
    await turn();
    expect(flushed).toHaveLength(6);
    scheduler.close();
  });
});

describe('createFlushScheduler urgent requests', () => {
  it('flushes an urgent request on the next turn, inside the interval, and takes the target out of the waiting pass', async () => {
    const scheduler = createFlushScheduler(60_000);
    const flushed: string[] = [];
    const position = { flush: () => flushed.push('position') };
    const call = { flush: () => flushed.push('call') };
    scheduler.request(position);
    await turn();
    expect(flushed).toEqual(['position']); // after a quiet spell: at once
    scheduler.request(position); // the next interval's pass is a minute away
    scheduler.request(call, true);
    await turn();
    expect(flushed).toEqual(['position', 'call']);
    // A connection with both: the urgent pass writes everything it holds.
    scheduler.request(call);
    scheduler.request(call, true);
    await turn();
    expect(flushed).toEqual(['position', 'call', 'call']);
    await turn();
    expect(flushed).toEqual(['position', 'call', 'call']); // `position` still waits for the interval
    scheduler.close();
  });
});

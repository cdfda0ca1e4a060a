import { createConnectionOutbox } from '../../../gateway/subscriptions/createConnectionOutbox';
import type { FlushScheduler, Flushable } from '../../../gateway/subscriptions/createFlushScheduler';

/** A scheduler that flushes only when the test says so. */
function manualScheduler(): FlushScheduler & { run(): void; requested: number; urgent: number } {
  const waiting = new Set<Flushable>();
  return {
    requested: 0,
    urgent: 0,
    request(target, urgent = false) {
      this.requested += 1;
      if (urgent) this.urgent += 1;
      waiting.add(target);
    },
    run() {
      const due = [...waiting];
      waiting.clear();
      for (const target of due) target.flush();
    },
    close() {
      waiting.clear();
    },
  };
}

function setup(limit = 10) {
  const scheduler = manualScheduler();
  const writes: string[][] = [];
  const overflows: number[] = [];
  let congested = false;
  const outbox = createConnectionOutbox<string, string>({
    limit,
    scheduler,
    isCongested: () => congested,
    write: (messages) => writes.push(messages.map((message) => message.body)),
    onOverflow: (reached) => overflows.push(reached),
  });
  return {
    outbox,
    scheduler,
    writes,
    overflows,
    congest(value: boolean) {
      congested = value;
    },
  };
}

describe('createConnectionOutbox', () => {
  it('writes everything due in one batch, in order, coalescing keyed messages of one subscription in place', () => {
    const { outbox, scheduler, writes } = setup();
    const [s1, s2, s3] = [outbox.channel('s1'), outbox.channel('s2'), outbox.channel('s3')];
    s1.push('u1@1', 'u1');
    s1.push('u2@1', 'u2');
    s2.push('call-1');
    s1.push('u1@2', 'u1');
    s3.push('u1@other', 'u1'); // same unit, other subscription: not coalesced
    s1.push('u1@3', 'u1');
    expect(outbox.size).toBe(4);
    expect(scheduler.requested).toBeGreaterThan(0);
    scheduler.run();
    expect(writes).toEqual([['u1@3', 'u2@1', 'call-1', 'u1@other']]);
    expect(outbox.size).toBe(0);
    // Once written, the next fix for the unit queues anew.
    s1.push('u1@4', 'u1');
    scheduler.run();
    expect(writes[1]).toEqual(['u1@4']);
  });

  it('holds messages while the socket is congested, keeps coalescing, and writes them when asked again', () => {
    const { outbox, scheduler, writes, congest } = setup();
    const [s1, s2] = [outbox.channel('s1'), outbox.channel('s2')];
    congest(true);
    s1.push('u1@1', 'u1');
    s2.push('call-1');
    scheduler.run();
    expect(writes).toEqual([]);
    s1.push('u1@2', 'u1');
    congest(false);
    outbox.flush(); // what the socket's drain event triggers
    expect(writes).toEqual([['u1@2', 'call-1']]);
  });

  it('never drops an uncoalescible message: past the limit it reports the overflow once and closes', () => {
    const { outbox, scheduler, writes, overflows } = setup(3);
    const [s1, s2] = [outbox.channel('s1'), outbox.channel('s2')];
    for (let i = 0; i < 3; i += 1) s2.push(`call-${i}`);
    for (let i = 0; i < 100; i += 1) s1.push(`u1@${i}`, 'u1'); // would be a 4th message
    expect(overflows).toEqual([3]);
    s2.push('call-99');
    expect(overflows).toEqual([3]);
    scheduler.run();
    expect(writes).toEqual([]);
  });

  it('announces the end of a subscription only after what it queued before was written', () => {
    const { outbox, scheduler, writes } = setup();
    const order: string[] = [];
    const [s1, s2] = [outbox.channel('s1'), outbox.channel('s2')];
    s1.push('a');
    s1.after(() => order.push(`end after ${writes.flat().join(',')}`));
    s2.push('b');
    scheduler.run();
    expect(order).toEqual(['end after a']);
    expect(writes).toEqual([['a'], ['b']]);
  });

  it('forgets the unwritten messages of a stopped subscription and keeps the others', () => {
    const { outbox, scheduler, writes } = setup();
    const [s1, s2] = [outbox.channel('s1'), outbox.channel('s2')];
    s1.push('u1@1', 'u1');
    s2.push('call-1');
    s1.push('x');
    s1.drop();
    expect(outbox.size).toBe(1);
    const again = outbox.channel('s1'); // a fresh subscription, perhaps with the same client id
    again.push('u1@2', 'u1');
    scheduler.run();
    expect(writes).toEqual([['call-1', 'u1@2']]);
  });

  it('asks for an urgent pass for messages that do not coalesce, once per pass, and for the interval\'s pass for positions', () => {
    const { outbox, scheduler, writes } = setup();
    const positions = outbox.channel('p');
    const calls = outbox.channel('c');
    positions.push('fix-1', 'unit:1');
    positions.push('fix-2', 'unit:2');
    expect({ requested: scheduler.requested, urgent: scheduler.urgent }).toEqual({ requested: 1, urgent: 0 });
    calls.push('call-1');
    calls.push('call-2');
    expect({ requested: scheduler.requested, urgent: scheduler.urgent }).toEqual({ requested: 2, urgent: 1 });
    scheduler.run();
    expect(writes).toEqual([['fix-1', 'fix-2', 'call-1', 'call-2']]);
    calls.push('call-3');
    expect(scheduler.urgent).toBe(2);
  });
});

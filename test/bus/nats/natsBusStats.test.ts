import { createNatsBusCounters } from '../../../bus/nats/natsBusStats';

describe('createNatsBusCounters', () => {
  it('counts publishes and delivery outcomes apart, and hands out copies', () => {
    const counters = createNatsBusCounters();
    const before = counters.stats();
    counters.published(false);
    counters.published(false);
    counters.published(true);
    for (const outcome of ['handled', 'handler-failed', 'undecodable', 'redelivered', 'handled'] as const) {
      counters.delivered(outcome);
    }
    expect(counters.stats()).toEqual({
      published: 2,
      duplicatePublishes: 1,
      // A handler that threw was still handed the event.
      delivered: 3,
      handlerFailures: 1,
      decodeFailures: 1,
      redeliveriesSkipped: 1,
    });
    expect(before).toMatchObject({ published: 0, delivered: 0 });
  });
});

import type { DomainEvent } from '../../contract';
import { createDuplicateFilter } from '../../bus/createDuplicateFilter';

const event = (source: string, eventId: string) => ({ source, eventId }) as DomainEvent;

describe('createDuplicateFilter', () => {
  it('passes an event once per source and event id', () => {
    const isNew = createDuplicateFilter(10);
    expect(isNew(event('a', '1'))).toBe(true);
    expect(isNew(event('a', '1'))).toBe(false);
    expect(isNew(event('b', '1'))).toBe(true);
  });

  it('remembers exactly the last `capacity` events, forgetting the oldest first, over many wraps', () => {
    const capacity = 5;
    const isNew = createDuplicateFilter(capacity);
    for (let i = 0; i < 23; i += 1) expect(isNew(event('s', String(i)))).toBe(true);
    // 18..22 are remembered; 17 and older are forgotten.
    for (let i = 18; i < 23; i += 1) expect(isNew(event('s', String(i)))).toBe(false);
    expect(isNew(event('s', '17'))).toBe(true);
    // Re-admitting 17 pushed out the oldest remembered key, 18.
    expect(isNew(event('s', '18'))).toBe(true);
    expect(isNew(event('s', '22'))).toBe(false);
  });
});

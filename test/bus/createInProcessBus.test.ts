import type { UnitStatusChanged } from '../../contract';
import { createInProcessBus } from '../../bus/createInProcessBus';

const unitEvent = (eventId: string): UnitStatusChanged => ({
  type: 'unit.statusChanged',
  eventId,
  source: 'test',
  occurredAt: '2025-03-01T12:00:00Z',
  unitId: 'unit-a',
  callSign: '1A12',
  status: 'AVAILABLE',
  incidentId: null,
});

describe('in-process bus', () => {
  it('gives every subscriber every event in publish order', async () => {
    const bus = createInProcessBus();
    const first: string[] = [];
    const second: string[] = [];
    bus.subscribe(async (event) => void first.push(event.eventId));
    bus.subscribe(async (event) => void second.push(event.eventId));
    for (const id of ['a', 'b', 'c']) await bus.publish(unitEvent(id));
    expect(first).toEqual(['a', 'b', 'c']);
    expect(second).toEqual(['a', 'b', 'c']);
  });

  it('reports a failing subscriber from publish while the others still apply the event', async () => {
    const bus = createInProcessBus();
    const applied: string[] = [];
    bus.subscribe(async () => {
      throw new Error('subscriber broke');
    });
    bus.subscribe(async (event) => void applied.push(event.eventId));
    await expect(bus.publish(unitEvent('x'))).rejects.toThrow(/1 subscriber\(s\) failed to apply unit\.statusChanged x/);
    expect(applied).toEqual(['x']);
  });

  it('stops delivering once unsubscribed', async () => {
    const bus = createInProcessBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe(async (event) => void seen.push(event.eventId));
    await bus.publish(unitEvent('before'));
    unsubscribe();
    await bus.publish(unitEvent('after'));
    expect(seen).toEqual(['before']);
  });
});

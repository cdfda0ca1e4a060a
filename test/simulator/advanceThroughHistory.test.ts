import type { DomainEvent, PositionFix } from '../../contract';
import { advanceThroughHistory, createCitySimulation, thinPositionFixes } from '../../simulator';

const NOW = new Date('2026-11-23T19:00:00.000Z');
const HOUR = 3600_000;

/** A city started an hour before NOW, advanced through that hour. */
function lastHour(seed: number): { history: DomainEvent[]; raw: DomainEvent[] } {
  const simulation = createCitySimulation({ seed, startAt: new Date(NOW.getTime() - HOUR) });
  const twin = createCitySimulation({ seed, startAt: new Date(NOW.getTime() - HOUR) });
  return { history: advanceThroughHistory(simulation, NOW), raw: twin.advance(NOW) };
}

const fixesOf = (events: readonly DomainEvent[]) => events.filter((event): event is PositionFix => event.type === 'position.fix');

/** The last status each incident reached, from its created and updated events. */
function finalIncidentStatuses(events: readonly DomainEvent[]): Map<string, string> {
  const statuses = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'incident.created') statuses.set(event.incidentId, event.status);
    if (event.type === 'incident.updated' && event.status) statuses.set(event.incidentId, event.status);
  }
  return statuses;
}

describe('advanceThroughHistory: the city\'s last hour', () => {
  it('is the same for the same seed and start, and differs for another seed', () => {
    const a = lastHour(5);
    const b = lastHour(5);
    expect(JSON.stringify(b.history)).toBe(JSON.stringify(a.history));
    expect(JSON.stringify(lastHour(6).history)).not.toBe(JSON.stringify(a.history));
  });

  it('dates every event at its own time across the hour, in order, none after now', () => {
    const { history } = lastHour(1);
    const times = history.map((event) => Date.parse(event.occurredAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.min(...times)).toBeLessThan(NOW.getTime() - 50 * 60_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    const reported = history.flatMap((event) => (event.type === 'incident.created' ? [Date.parse(event.reportedAt)] : []));
    // Incidents were reported throughout the hour, not all at the end.
    expect(reported.filter((at) => at < NOW.getTime() - 30 * 60_000).length).toBeGreaterThan(5);
    expect(reported.filter((at) => at >= NOW.getTime() - 30 * 60_000).length).toBeGreaterThan(5);
  });

  it('takes incidents through every state, and leaves some closed and some still open', () => {
    const { history } = lastHour(1);
    const seen = new Set(history.flatMap((event) => (event.type === 'incident.created' || (event.type === 'incident.updated' && event.status) ? [event.status] : [])));
    expect([...seen].sort()).toEqual(['CLOSED', 'DISPATCHED', 'ENROUTE', 'ON_SCENE', 'PENDING']);
    const final = [...finalIncidentStatuses(history).values()];
    expect(final).toContain('CLOSED');
    expect(final).toContain('ON_SCENE');
    expect(new Set(final).size).toBeGreaterThanOrEqual(3);
  });

  it('keeps every non-position event and a trail of each unit\'s positions, at most one a minute, ending at its last fix', () => {
    const { history, raw } = lastHour(1);
    expect(history.filter((event) => event.type !== 'position.fix')).toEqual(raw.filter((event) => event.type !== 'position.fix'));
    const rawFixes = fixesOf(raw);
    const kept = fixesOf(history);
    expect(kept.length).toBeLessThan(rawFixes.length / 10);
    const units = new Set(rawFixes.map((fix) => fix.unitId));
    expect(units.size).toBe(40);
    for (const unitId of units) {
      const trail = kept.filter((fix) => fix.unitId === unitId);
      const all = rawFixes.filter((fix) => fix.unitId === unitId);
      expect(trail.at(-1)).toEqual(all.at(-1));
      expect(trail.length).toBeGreaterThanOrEqual(55);
      const gaps = trail.slice(1, -1).map((fix, index) => Date.parse(fix.fixAt) - Date.parse(trail[index]!.fixAt));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('thins only position fixes, per unit', () => {
    const fix = (unitId: string, seconds: number): PositionFix => ({
      type: 'position.fix',
      eventId: `${unitId}-${seconds}`,
      source: 'test',
      occurredAt: new Date(NOW.getTime() + seconds * 1000).toISOString(),
      unitId,
      point: { lat: 33.4, lon: -111.8 },
      headingDegrees: null,
      speedKph: null,
      fixAt: new Date(NOW.getTime() + seconds * 1000).toISOString(),
    });
    const events = [fix('a', 0), fix('b', 0), fix('a', 2), fix('a', 10), fix('b', 12), fix('a', 12)];
    expect(thinPositionFixes(events, 10_000).map((event) => event.eventId)).toEqual(['a-0', 'b-0', 'a-10', 'b-12', 'a-12']);
  });
});

describe('callNoLaterThan', () => {
  it('brings the next call forward to the time given, and never pushes it back', () => {
    const start = new Date(NOW.getTime() - HOUR);
    // One call an hour on average: left alone, the first is most likely not within a minute.
    const slow = () => createCitySimulation({ seed: 3, startAt: start, callsPerMinute: 1 / 60, unitCount: 0, cameraCount: 0 });
    const firstCallAt = (simulation: ReturnType<typeof slow>, until: Date) =>
      simulation.advance(until).find((event) => event.type === 'call.received')?.occurredAt;
    const untouched = slow();
    const drawn = firstCallAt(untouched, new Date(start.getTime() + 10 * HOUR));
    expect(drawn).toBeDefined();
    expect(Date.parse(drawn!)).toBeGreaterThan(start.getTime() + 20_000);

    const hurried = slow();
    hurried.callNoLaterThan(new Date(start.getTime() + 20_000));
    const hurriedAt = firstCallAt(hurried, new Date(start.getTime() + 30_000));
    expect(hurriedAt).toBe(new Date(start.getTime() + 20_000).toISOString());

    const later = slow();
    later.callNoLaterThan(new Date(start.getTime() + 20 * HOUR));
    expect(firstCallAt(later, new Date(start.getTime() + 10 * HOUR))).toBe(drawn);
  });
});

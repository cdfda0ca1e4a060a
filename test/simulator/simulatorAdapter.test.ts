import { type DomainEvent, type EventSink, type Rejection } from '../../contract';
import { createCitySimulation, createSimulatorAdapter, type CitySimulation } from '../../simulator';

const START = new Date('2026-11-23T15:00:00.000Z');
const small = (): CitySimulation =>
  createCitySimulation({ seed: 5, startAt: START, unitCount: 6, cameraCount: 20, callsPerMinute: 6 });

/** A scheduler the test drives by hand: no real timers. */
function createFakeScheduler() {
  const jobs: { everyMs: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    jobs,
    schedule(everyMs: number, fn: () => void): () => void {
      const job = { everyMs, fn, cancelled: false };
      jobs.push(job);
      return () => {
        job.cancelled = true;
      };
    },
    /** Fires every live job once, as if its interval elapsed. */
    fire(): void {
      for (const job of jobs) if (!job.cancelled) job.fn();
    },
  };
}

/** A clock the test moves by hand. */
function createFakeClock(start: Date) {
  let nowMs = start.getTime();
  return {
    now: () => new Date(nowMs),
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

/** A sink that records events; `fail` decides which emits reject (or throw). */
function createRecordingSink(fail: (event: DomainEvent, index: number) => 'reject' | 'throw' | null = () => null) {
  const events: DomainEvent[] = [];
  const rejections: Rejection[] = [];
  let calls = 0;
  const sink: EventSink = {
    emit(event) {
      const outcome = fail(event, calls);
      calls += 1;
      if (outcome === 'throw') throw new Error('sink threw');
      if (outcome === 'reject') return Promise.reject(new Error('sink refused'));
      events.push(event);
      return Promise.resolve();
    },
    async reject(rejection) {
      rejections.push(rejection);
    },
  };
  return { sink, events, rejections };
}

/** A promise the test resolves when it chooses. */
function createGate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Lets every pending promise callback run; no real time passes. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 50; i += 1) await Promise.resolve();
}

describe('createSimulatorAdapter', () => {
  it('emits the initial events on start, then what each tick advanced, in order', async () => {
    const clock = createFakeClock(START);
    const scheduler = createFakeScheduler();
    const { sink, events } = createRecordingSink();
    const adapter = createSimulatorAdapter({
      simulation: small(),
      now: clock.now,
      schedule: scheduler.schedule,
      tickMs: 500,
    });
    const reference = small();

    await adapter.start(sink);
    expect(events).toEqual(reference.initialEvents());
    expect(scheduler.jobs).toHaveLength(1);
    expect(scheduler.jobs[0]?.everyMs).toBe(500);
    expect(adapter.status()).toMatchObject({ name: 'simulator', connected: true, accepted: events.length });
    expect(adapter.status().lastMessageAt).toBe(START.toISOString());

    const expected = [...reference.initialEvents()];
    for (let tick = 1; tick <= 120; tick += 1) {
      clock.advance(500);
      scheduler.fire();
      await adapter.idle();
      expected.push(...reference.advance(clock.now()));
    }
    expect(events.length).toBeGreaterThan(reference.initialEvents().length);
    expect(events).toEqual(expected);
    expect(events.some((event) => event.type === 'call.received')).toBe(true);
    expect(adapter.status()).toMatchObject({ accepted: events.length, emitFailures: 0, skippedTicks: 0 });
    expect(adapter.status().lastMessageAt).toBe(clock.now().toISOString());
    await adapter.stop();
  });

  it('survives a sink that rejects or throws, counting each failure', async () => {
    const clock = createFakeClock(START);
    const scheduler = createFakeScheduler();
    const { sink, events } = createRecordingSink((_, index) =>
      index % 7 === 3 ? 'reject' : index % 7 === 5 ? 'throw' : null,
    );
    const failures: (DomainEvent | null)[] = [];
    const adapter = createSimulatorAdapter({
      simulation: small(),
      now: clock.now,
      schedule: scheduler.schedule,
      onError: (_, event) => failures.push(event),
    });

    await adapter.start(sink);
    for (let tick = 0; tick < 30; tick += 1) {
      clock.advance(1000);
      scheduler.fire();
      await adapter.idle();
    }
    const { accepted, emitFailures, connected } = adapter.status();
    expect(connected).toBe(true);
    expect(emitFailures).toBeGreaterThan(10);
    expect(failures).toHaveLength(emitFailures);
    expect(failures.every((event) => event !== null)).toBe(true);
    expect(accepted).toBe(events.length);
    await adapter.stop();
  });

  it('skips a tick while the previous one is still emitting', async () => {
    const clock = createFakeClock(START);
    const scheduler = createFakeScheduler();
    const gate = createGate();
    let holding = false;
    const events: DomainEvent[] = [];
    const adapter = createSimulatorAdapter({
      simulation: small(),
      now: clock.now,
      schedule: scheduler.schedule,
      tickMs: 1000,
    });
    await adapter.start({
      async emit(event) {
        if (holding) await gate.opened;
        events.push(event);
      },
      async reject() {},
    });
    const initialCount = events.length;

    holding = true;
    clock.advance(60_000);
    scheduler.fire();
    await flushMicrotasks();
    clock.advance(1000);
    scheduler.fire();
    expect(adapter.status().skippedTicks).toBe(1);
    expect(events).toHaveLength(initialCount);

    gate.open();
    await adapter.idle();
    expect(events.length).toBeGreaterThan(initialCount);
    await adapter.stop();
  });

  it('stop() cancels the schedule, waits for the emit in progress, and later ticks do nothing', async () => {
    const clock = createFakeClock(START);
    const scheduler = createFakeScheduler();
    const gate = createGate();
    let holding = false;
    const events: DomainEvent[] = [];
    const simulation = small();
    const adapter = createSimulatorAdapter({ simulation, now: clock.now, schedule: scheduler.schedule });
    await adapter.start({
      async emit(event) {
        if (holding) await gate.opened;
        events.push(event);
      },
      async reject() {},
    });

    holding = true;
    clock.advance(30_000);
    scheduler.fire();
    await flushMicrotasks();
    let stopped = false;
    const stopping = adapter.stop().then(() => {
      stopped = true;
    });
    await flushMicrotasks();
    expect(scheduler.jobs[0]?.cancelled).toBe(true);
    expect(stopped).toBe(false);

    gate.open();
    await stopping;
    expect(stopped).toBe(true);
    expect(adapter.status().connected).toBe(false);

    const countAtStop = events.length;
    const clockAtStop = simulation.now();
    clock.advance(60_000);
    scheduler.jobs[0]?.fn();
    await adapter.idle();
    expect(events).toHaveLength(countAtStop);
    expect(simulation.now()).toEqual(clockAtStop);
  });

  it('refuses a second start while running', async () => {
    const scheduler = createFakeScheduler();
    const adapter = createSimulatorAdapter({ simulation: small(), now: () => START, schedule: scheduler.schedule });
    const { sink } = createRecordingSink();
    await adapter.start(sink);
    await expect(adapter.start(sink)).rejects.toThrow('already started');
    await adapter.stop();
  });
});

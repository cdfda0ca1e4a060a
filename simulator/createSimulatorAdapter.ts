import { type Adapter, type AdapterStatus, type DomainEvent, type EventSink } from '../contract';
import { type CitySimulation } from './createCitySimulation';

/** Options of {@link createSimulatorAdapter}. */
export interface SimulatorAdapterOptions {
  readonly simulation: CitySimulation;
  /** The clock the simulation follows; tests pass a fake one. */
  readonly now: () => Date;
  /** Calls `fn` every `everyMs` until the returned function is called (e.g. over `setInterval`). */
  readonly schedule: (everyMs: number, fn: () => void) => () => void;
  /** How often the simulation catches up with `now()`; default 1000 ms. */
  readonly tickMs?: number;
  /** Adapter name; default `simulator`. */
  readonly name?: string;
  /**
   * Told about each failure; the adapter carries on either way. `event` is the event the sink
   * refused, or null when advancing the simulation itself failed.
   */
  readonly onError?: (error: unknown, event: DomainEvent | null) => void;
}

/** {@link AdapterStatus} plus what only the simulator counts. */
export interface SimulatorAdapterStatus extends AdapterStatus {
  /** Events the sink refused (its `emit` rejected). */
  readonly emitFailures: number;
  /** Ticks skipped because the previous tick was still emitting. */
  readonly skippedTicks: number;
  /** Ticks on which advancing the simulation threw. */
  readonly failedTicks: number;
}

export interface SimulatorAdapter extends Adapter {
  status(): SimulatorAdapterStatus;
  /** Resolves once no delivery is in progress. */
  idle(): Promise<void>;
}

/**
 * An {@link Adapter} that feeds a {@link CitySimulation} to a sink: the initial events on
 * `start`, then on every tick whatever the simulation produced up to `now()`, one event at a
 * time so that order is kept.
 */
export function createSimulatorAdapter(options: SimulatorAdapterOptions): SimulatorAdapter {
  const { simulation, now, schedule, tickMs = 1000, name = 'simulator', onError } = options;
  if (!(tickMs > 0)) throw new RangeError(`createSimulatorAdapter: tickMs must be > 0, got ${tickMs}`);

  let sink: EventSink | null = null;
  let cancel: (() => void) | null = null;
  let inFlight: Promise<void> | null = null;
  let running = false;
  let accepted = 0;
  let emitFailures = 0;
  let skippedTicks = 0;
  let failedTicks = 0;
  let lastMessageAt: string | null = null;

  async function deliver(events: readonly DomainEvent[]): Promise<void> {
    // A batch is delivered whole, even across stop(): the simulation has already moved past it.
    for (const event of events) {
      if (!sink) return;
      try {
        await sink.emit(event);
        accepted += 1;
        lastMessageAt = now().toISOString();
      } catch (error) {
        emitFailures += 1;
        onError?.(error, event);
      }
    }
  }

  /** Runs one delivery at a time; a tick that finds one still running is skipped. */
  function runExclusive(produce: () => readonly DomainEvent[]): Promise<void> | null {
    if (inFlight) {
      skippedTicks += 1;
      return null;
    }
    const run = Promise.resolve()
      .then(() => deliver(produce()))
      .finally(() => {
        inFlight = null;
      });
    inFlight = run;
    return run;
  }

  function tick(): void {
    if (!running) return;
    void runExclusive(() => simulation.advance(now()))?.catch((error: unknown) => {
      // Only the simulation itself can throw here: sink failures are caught per event.
      failedTicks += 1;
      onError?.(error, null);
    });
  }

  return {
    name,
    async start(target) {
      if (running) throw new Error(`${name}: already started`);
      sink = target;
      running = true;
      try {
        await runExclusive(() => simulation.initialEvents());
      } catch (error) {
        running = false;
        sink = null;
        throw error;
      }
      if (running) cancel = schedule(tickMs, tick);
    },
    async stop() {
      running = false;
      cancel?.();
      cancel = null;
      await inFlight?.catch(() => undefined);
      sink = null;
    },
    status: () => ({
      name,
      connected: running,
      lastMessageAt,
      accepted,
      rejected: 0,
      emitFailures,
      skippedTicks,
      failedTicks,
    }),
    idle: async () => {
      await inFlight?.catch(() => undefined);
    },
  };
}

import { defineAdapterConformanceSuite } from '../../adapters/conformance';
import { createCitySimulation, createSimulatorAdapter } from '../../simulator';

const START = new Date('2026-11-23T15:00:00.000Z');
const at = (seconds: number) => new Date(START.getTime() + seconds * 1000).toISOString();

/**
 * The in-process simulator has no vendor connection: its source is the simulated city, and a
 * payload is the time the harness moves the city's clock to. Each unit reports a fix every 2 s,
 * so every step below brings events. Moving the clock to a time the city has already reached
 * brings nothing, the simulator's kind of resend (`reportsChanges`); the city cannot produce
 * input to refuse (`rejects: false`), nor lose a connection.
 */
defineAdapterConformanceSuite(
  'simulator (in process, clock driven by the harness)',
  async () => {
    let nowMs = START.getTime();
    const jobs: { fn: () => void; cancelled: boolean }[] = [];
    const adapter = createSimulatorAdapter({
      simulation: createCitySimulation({ seed: 11, startAt: START, unitCount: 4, cameraCount: 12, callsPerMinute: 6 }),
      now: () => new Date(nowMs),
      schedule: (_everyMs, fn) => {
        const job = { fn, cancelled: false };
        jobs.push(job);
        return () => {
          job.cancelled = true;
        };
      },
    });
    return {
      adapter,
      // The clock moves to the payload's time and the simulator's timer fires, as its interval would;
      // resolves once the simulator has delivered what that tick produced.
      send: async (raw) => {
        nowMs = Date.parse(raw);
        for (const job of jobs) if (!job.cancelled) job.fn();
        await adapter.idle();
      },
      valid: [2, 4, 6, 8, 10].map(at),
    };
  },
  { rejects: false, reportsChanges: true },
);

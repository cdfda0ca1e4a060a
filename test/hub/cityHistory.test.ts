import pino from 'pino';
import { readHubConfig } from '../../config/hubConfig';
import type { Adapter } from '../../contract';
import type { SimulatorAdapter } from '../../simulator';
import {
  type CityHistory,
  FIRST_LIVE_CALL_WITHIN_MS,
  HISTORY_CALL_BUDGET,
  type SimulatedCity,
  createSimulatedCity,
  historyOf,
} from '../../hub/createSimulatedCity';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

const READY_AT = new Date('2026-11-23T19:00:00.000Z');
const HISTORY_MINUTES = 60;

interface IncidentNode {
  id: string;
  status: string;
  reportedAt: string;
}
interface CallNode {
  id: string;
  receivedAt: string;
}

/**
 * The simulated city as `npm start` builds it (hub/createSimulatedCity, `SIM_MODE=direct`), with
 * the wall clock and timers in the test's hands: its last hour is in the hub once `start`
 * resolves, at the hour's own times, and a new call comes within 30 s of simulated time.
 */
describe.each(STORAGE_TARGETS)('the simulated city comes up with its last hour ($name)', (target) => {
  let hub: TestHub;
  let city: SimulatedCity;
  let clock = READY_AT;
  let tick: (() => void) | undefined;
  let adapters: readonly Adapter[] = [];
  let history: CityHistory;
  const config = readHubConfig({
    SIM_MODE: 'direct',
    SIM_SEED: '9',
    SIM_UNITS: '20',
    SIM_CAMERAS: '50',
    SIM_HISTORY_MINUTES: String(HISTORY_MINUTES),
    PGLITE_DATA_DIR: 'memory',
    AUTH_DEV_KEY_FILE: 'memory',
  });

  beforeAll(async () => {
    city = await createSimulatedCity(config, pino({ level: 'silent' }), {
      now: () => clock,
      // The simulation's tick (SIM_TICK_MS, 1 s); the community program's owners keep their own, slower timers.
      schedule: (everyMs, fn) => {
        if (everyMs !== config.simTickMs) return () => undefined;
        tick = fn;
        return () => {
          tick = undefined;
        };
      },
    });
    adapters = city.adapters([]);
    hub = await startTestHub(target, { now: () => clock, adapters: [...adapters] });
    history = await city.start(hub);
  });
  afterAll(async () => {
    await city?.stop();
    await hub?.close();
  });

  const incidents = async () => {
    const body = await hub.query<{ incidents: { edges: { node: IncidentNode }[] } }>(
      '{ incidents(first: 100) { edges { node { id status reportedAt } } } }',
    );
    expect(body.errors).toBeUndefined();
    return body.data!.incidents.edges.map(({ node }) => node);
  };
  const calls = async () => {
    const body = await hub.query<{ calls: { edges: { node: CallNode }[] } }>('{ calls(first: 100) { edges { node { id receivedAt } } } }');
    expect(body.errors).toBeUndefined();
    return body.data!.calls.edges.map(({ node }) => node);
  };

  it('answers the first query with the hour\'s incidents, in several states, reported across the hour', async () => {
    const nodes = await incidents();
    expect(nodes.length).toBeGreaterThan(10);
    expect(new Set(nodes.map((node) => node.status)).size).toBeGreaterThanOrEqual(3);
    expect(nodes.map((node) => node.status)).toContain('CLOSED');
    const reported = nodes.map((node) => Date.parse(node.reportedAt));
    const hourAgo = READY_AT.getTime() - HISTORY_MINUTES * 60_000;
    for (const at of reported) {
      expect(at).toBeGreaterThanOrEqual(hourAgo);
      expect(at).toBeLessThanOrEqual(READY_AT.getTime());
    }
    // Newest first: even the first page reaches well back into the hour.
    expect(Math.min(...reported)).toBeLessThan(READY_AT.getTime() - 30 * 60_000);
  });

  it('has units on duty with positions fixed at their historical times', async () => {
    const body = await hub.query<{ units: { edges: { node: { status: string; position: { fixAt: string } | null } }[] } }>(
      '{ units(first: 100) { edges { node { status position { fixAt } } } } }',
    );
    expect(body.errors).toBeUndefined();
    const units = body.data!.units.edges.map(({ node }) => node);
    expect(units).toHaveLength(20);
    expect(new Set(units.map((unit) => unit.status)).size).toBeGreaterThan(1);
    for (const unit of units) {
      expect(unit.position).not.toBeNull();
      const fixAt = Date.parse(unit.position!.fixAt);
      // The last fix of the history: the minute before the city went live, not the hour before.
      expect(fixAt).toBeLessThanOrEqual(READY_AT.getTime());
      expect(fixAt).toBeGreaterThan(READY_AT.getTime() - 60_000);
    }
  });

  it('rings a new call within 30 s of simulated time after it is ready', async () => {
    const before = new Set((await calls()).map((call) => call.id));
    expect(before.size).toBeGreaterThan(10);
    const simulator = adapters.find((adapter): adapter is SimulatorAdapter => adapter.name === 'simulator' && 'idle' in adapter);
    expect(simulator).toBeDefined();
    for (let second = 1; second <= 30; second += 1) {
      clock = new Date(READY_AT.getTime() + second * 1000);
      tick?.();
      await simulator!.idle();
    }
    const fresh = (await calls()).filter((call) => !before.has(call.id));
    expect(fresh.length).toBeGreaterThan(0);
    const first = Math.min(...fresh.map((call) => Date.parse(call.receivedAt)));
    expect(first).toBeGreaterThan(READY_AT.getTime() - 1000);
    expect(first).toBeLessThanOrEqual(READY_AT.getTime() + FIRST_LIVE_CALL_WITHIN_MS);
  });

  /** A city restarted on this hub's data at `at` (the hub kept everything: a restart on the default data directory). */
  const restartCityAt = async (at: Date) => {
    await city.stop();
    clock = at;
    city = await createSimulatedCity(config, pino({ level: 'silent' }), { now: () => clock, schedule: () => () => undefined });
    return city.start(hub);
  };
  /** Every incident number the CAD store holds (more than a page of the API). */
  const incidentNumbers = async () => (await hub.subgraphs.cad.db.table('incidents').pluck('number')) as string[];

  it('on kept data five minutes later, lives only the time since the hub\'s latest call, incident or fix', async () => {
    expect(history.from).toEqual(new Date(READY_AT.getTime() - HISTORY_MINUTES * 60_000));
    const latestCall = Math.max(...(await calls()).map((call) => Date.parse(call.receivedAt)));
    const restartAt = new Date(READY_AT.getTime() + 5 * 60_000);
    const again = await restartCityAt(restartAt);
    // It begins where the kept data ends (a fix of the last live second, or the latest call), not an hour back.
    expect(again.from.getTime()).toBeGreaterThanOrEqual(latestCall);
    expect(again.from.getTime()).toBeLessThanOrEqual(READY_AT.getTime() + 30_000);
    expect(again.events).toBeGreaterThan(0);
    expect(again.events).toBeLessThan(history.events / 5);
    const numbers = await incidentNumbers();
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('on kept data three hours old, lives its whole last hour again', async () => {
    const restartAt = new Date(READY_AT.getTime() + 3 * 3600_000);
    const again = await restartCityAt(restartAt);
    expect(again.from).toEqual(new Date(restartAt.getTime() - HISTORY_MINUTES * 60_000));
    expect(again.events).toBeGreaterThan(history.events / 2);
    const numbers = await incidentNumbers();
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe('historyOf: how far back a city goes', () => {
  it('goes back SIM_HISTORY_MINUTES in a city of ordinary size, one fix a minute per unit', () => {
    expect(historyOf({ simHistoryMinutes: 60, simCallsPerMinute: 4, simUnits: 40 })).toEqual({ minutes: 60, positionEveryMs: 60_000 });
    expect(historyOf({ simHistoryMinutes: 0, simCallsPerMinute: 4, simUnits: 40 }).minutes).toBe(0);
  });

  it('goes back less in a busy city, and thins the trails of a large fleet', () => {
    expect(historyOf({ simHistoryMinutes: 60, simCallsPerMinute: 20, simUnits: 40 }).minutes).toBe(HISTORY_CALL_BUDGET / 20);
    expect(historyOf({ simHistoryMinutes: 60, simCallsPerMinute: 600, simUnits: 10 }).minutes).toBe(0);
    const large = historyOf({ simHistoryMinutes: 60, simCallsPerMinute: 4, simUnits: 500 });
    expect(large.minutes).toBe(60);
    expect((60 * 60_000 * 500) / large.positionEveryMs).toBeLessThanOrEqual(5_000);
  });
});

import { createCitySimulation, createSimulatorAdapter, type SimulatorAdapter } from '../../simulator';
import { FLAGSHIP_QUERY } from '../../schema/flagshipQuery';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

const START = new Date('2026-11-23T18:00:00.000Z');
const SIMULATED_MINUTES = 12;

interface FlagshipAnswer {
  incident: { nearbyUnits: unknown[] | null; nearbyCameras: unknown[] | null } | null;
}

/** The simulated city with `SIM_MODE=direct`, the clock in the test's hands: contract events straight to the hub. (Protocol mode is tested in test/simulator/devices and by test/hub/npmStart.) */
describe.each(STORAGE_TARGETS)('the simulated city through the hub ($name)', (target) => {
  let hub: TestHub;
  let adapter: SimulatorAdapter;
  let clock = START;
  let tick: (() => void) | undefined;

  beforeAll(async () => {
    const simulation = createCitySimulation({ seed: 42, startAt: START, unitCount: 30, cameraCount: 250 });
    adapter = createSimulatorAdapter({
      simulation,
      now: () => clock,
      schedule: (_everyMs, fn) => {
        tick = fn;
        return () => {
          tick = undefined;
        };
      },
    });
    hub = await startTestHub(target, { now: () => clock, adapters: [adapter] });
    await adapter.idle();
    for (let minute = 1; minute <= SIMULATED_MINUTES; minute += 1) {
      clock = new Date(START.getTime() + minute * 60_000);
      tick?.();
      await adapter.idle();
    }
  });
  afterAll(() => hub?.close());

  it('delivers every simulated event without a rejection or a failed write', () => {
    const status = adapter.status();
    expect(status.accepted).toBeGreaterThan(30 * 250); // thirty units, a fix every 2 s, for 12 minutes
    expect(status.emitFailures).toBe(0);
    expect(hub.sink.stats()).toMatchObject({ accepted: status.accepted, rejected: 0, rejectedByReason: {} });
  });

  it('serves the whole city: every unit and camera, and the calls and incidents so far', async () => {
    const body = await hub.query<{
      units: { edges: unknown[] };
      cameras: { edges: unknown[]; pageInfo: { hasNextPage: boolean } };
      calls: { edges: unknown[] };
      incidents: { edges: { node: { id: string } }[] };
    }>(`{ units(first: 100) { edges { cursor } }
          cameras(first: 100) { edges { cursor } pageInfo { hasNextPage } }
          calls(first: 100) { edges { cursor } }
          incidents(first: 100) { edges { node { id } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data?.units.edges).toHaveLength(30);
    expect(body.data?.cameras.edges).toHaveLength(100);
    expect(body.data?.cameras.pageInfo.hasNextPage).toBe(true);
    expect(body.data?.calls.edges.length).toBeGreaterThan(10);
    expect(body.data?.incidents.edges.length).toBeGreaterThan(5);
  });

  it('answers the flagship query for simulated incidents with units and cameras near them', async () => {
    const list = await hub.query<{ incidents: { edges: { node: { id: string } }[] } }>(
      '{ incidents(first: 100) { edges { node { id } } } }',
    );
    const answers: FlagshipAnswer[] = [];
    for (const { node } of list.data?.incidents.edges ?? []) {
      const body = await hub.query<FlagshipAnswer>(FLAGSHIP_QUERY, { id: node.id });
      expect(body.errors).toBeUndefined();
      answers.push(body.data!);
    }
    const withUnits = answers.filter((answer) => (answer.incident?.nearbyUnits?.length ?? 0) > 0);
    const withCameras = answers.filter((answer) => (answer.incident?.nearbyCameras?.length ?? 0) > 0);
    expect(withUnits.length).toBe(answers.length);
    expect(withCameras.length).toBeGreaterThan(0);
  });
});

describe('events that break the contract', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(STORAGE_TARGETS[0]!);
  });
  afterAll(() => hub?.close());

  it('are rejected with a reason at the sink while the good events around them are applied', async () => {
    const good = (callId: string) => ({
      type: 'call.received' as const,
      eventId: `good-${callId}`,
      source: 'test',
      occurredAt: START.toISOString(),
      callId,
      state: 'RINGING' as const,
      location: { point: { lat: 33.41, lon: -111.83 } },
      classOfService: 'VOIP',
      callbackNumber: null,
    });
    await hub.sink.emit(good('c-1'));
    await hub.sink.emit({ ...good('c-bad'), location: { point: { lat: 133.41, lon: -111.83 } } });
    await hub.sink.emit({ ...good('c-bad-2'), state: 'SHOUTING' } as unknown as ReturnType<typeof good>);
    await hub.sink.emit(good('c-2'));
    expect(hub.sink.stats()).toMatchObject({ accepted: 2, rejected: 2, rejectedByReason: { 'out-of-range': 1, 'bad-enum': 1 } });
    const body = await hub.query<{ calls: { edges: { node: { id: string } }[] } }>('{ calls { edges { node { id } } } }');
    expect(body.data?.calls.edges.map((edge) => edge.node.id).sort()).toEqual(['c-1', 'c-2']);
  });
});

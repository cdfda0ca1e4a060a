import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AvlAdapter, createAvlAdapter } from '../../../adapters/avl';
import { type CameraCsvAdapter, createCameraCsvAdapter } from '../../../adapters/camera-csv-file';
import { createRecordingSink } from '../../../adapters/conformance';
import { type DomainEvent, type PositionFix } from '../../../contract';
import { createApcoIncidentCodeTable } from '../../../adapters/eido';
import { type EidoHttpAdapter, createEidoHttpAdapter } from '../../../adapters/eido-http';
import { type CallFeedAdapter, createCallFeedAdapter } from '../../../adapters/live911-ws';
import {
  type ProtocolFailure,
  type ProtocolSimulator,
  type SimulationFailure,
  createProtocolSimulator,
} from '../../../simulator/devices';
import {
  START,
  cameraAsCsvCarries,
  cameraDifferences,
  cameraRowOf,
  createTestCity,
  expectSameHistories,
  fixDifferences,
  incidentHistories,
  ofType,
  playCity,
  unitEventsOnIncidents,
  unitHistories,
} from './protocolEquivalence';

const SEED = 7;
const SECONDS = 10 * 60;
const codeTable = createApcoIncidentCodeTable();
const wallClock = () => new Date();

/** A scheduler the test fires by hand, and a clock it moves by hand: no real timers drive the city. */
function createFakeTime(start: Date) {
  let nowMs = start.getTime();
  const jobs: { fn: () => void; cancelled: boolean }[] = [];
  return {
    now: () => new Date(nowMs),
    schedule(_everyMs: number, fn: () => void): () => void {
      const job = { fn, cancelled: false };
      jobs.push(job);
      return () => {
        job.cancelled = true;
      };
    },
    /** Moves the clock one tick on and fires every live job. */
    tick(ms: number) {
      nowMs += ms;
      for (const job of jobs) if (!job.cancelled) job.fn();
    },
  };
}

describe('createProtocolSimulator against the real adapters', () => {
  const directory = mkdtempSync(join(tmpdir(), 'protocol-sim-'));
  const cameraCsvPath = join(directory, 'sim-cameras.csv');
  const failures: (ProtocolFailure | SimulationFailure)[] = [];
  const sinks = { avl: createRecordingSink(), eido: createRecordingSink(), calls: createRecordingSink(), cameras: createRecordingSink() };
  let simulator: ProtocolSimulator;
  let avl: AvlAdapter;
  let eido: EidoHttpAdapter;
  let live911: CallFeedAdapter;
  let cameras: CameraCsvAdapter;
  const expected: DomainEvent[] = playCity(SEED, SECONDS);

  beforeAll(async () => {
    const time = createFakeTime(START);
    simulator = createProtocolSimulator({
      simulation: createTestCity(SEED),
      now: time.now,
      schedule: time.schedule,
      // Known only once the adapters listen on their free ports: resolved by start().
      avlUdp: () => ({ host: '127.0.0.1', port: avl.addresses().udpPort ?? 0 }),
      eidoUrl: () => eido.url(),
      callFeed: { port: 0 },
      cameraCsvPath,
      onError: (failure) => failures.push(failure),
    });
    await simulator.listen();
    const units = new Map(simulator.deviceAssignments().map(({ deviceId, unitId }) => [deviceId, unitId]));
    avl = createAvlAdapter({ udpPort: 0, unitFor: (deviceId) => units.get(deviceId), now: wallClock });
    eido = createEidoHttpAdapter({ authentication: null, codeTable, now: wallClock });
    live911 = createCallFeedAdapter({ url: simulator.callFeedUrl(), now: wallClock });
    cameras = createCameraCsvAdapter({ files: [cameraCsvPath], now: wallClock, pollIntervalMs: 10 });
    await avl.start(sinks.avl);
    await eido.start(sinks.eido);
    await cameras.start(sinks.cameras);
    await simulator.start();

    let imported = 0;
    for (let second = 1; second <= SECONDS; second += 1) {
      // The call feed client connects late: what was said before waits for it.
      if (second === 90) await live911.start(sinks.calls);
      time.tick(1000);
      await simulator.idle();
      // Pace the city to the importer, which keeps only the latest file when changes come faster than it polls.
      const writes = simulator.status().cameraCsv?.writes ?? 0;
      if (writes > imported) {
        imported = writes;
        await sinks.cameras.until((sink) => sink.events.length === imported * 300);
      }
    }
    const count = (type: DomainEvent['type']) => ofType(expected, type).length;
    await sinks.avl.until((sink) => sink.events.length + sink.rejections.length >= count('position.fix'));
    await sinks.calls.until((sink) => sink.events.length >= count('call.received') + count('call.updated'));
  }, 120_000);

  afterAll(async () => {
    await simulator?.stop();
    await Promise.all([avl?.stop(), eido?.stop(), live911?.stop(), cameras?.stop()]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('sent everything without a failure, and no adapter rejected anything', () => {
    expect(failures).toEqual([]);
    const status = simulator.status();
    expect(status).toMatchObject({
      running: true,
      ticks: SECONDS,
      failedTicks: 0,
      unencodable: 0,
      avl: { sent: ofType(expected, 'position.fix').length, failed: 0, queued: 0 },
      eido: { failed: 0, refused: 0, rejectedParts: 0, queued: 0 },
      callFeed: { failed: 0, dropped: 0, buffered: 0, clients: 1 },
      cameraCsv: { failed: 0 },
      // EIDO speaks of units only on an incident: each unit's first status has no protocol.
      notCarried: { 'unit.statusChanged': simulator.deviceAssignments().length },
    });
    expect(status.eido?.posts).toBeLessThanOrEqual(SECONDS + 1);
    for (const sink of Object.values(sinks)) expect(sink.rejections).toEqual([]);
  });

  it('AVL: every fix, for its unit, within the NMEA tolerances', () => {
    const received = new Map(ofType(sinks.avl.events, 'position.fix').map((fix) => [`${fix.unitId}@${fix.fixAt}`, fix]));
    const sent = ofType(expected, 'position.fix');
    expect(sinks.avl.events).toHaveLength(sent.length);
    const problems = sent.flatMap((fix) => {
      const back = received.get(`${fix.unitId}@${fix.fixAt}`);
      return back ? fixDifferences(back as PositionFix, fix) : [`${fix.unitId}@${fix.fixAt} missing`];
    });
    expect(problems).toEqual([]);
  });

  it('911 calls: every call event, in order, with its own event id, buffered ones included', () => {
    const sent = expected.filter((event) => event.type === 'call.received' || event.type === 'call.updated');
    expect(ofType(expected, 'call.received').some((call) => Date.parse(call.occurredAt) < START.getTime() + 90_000)).toBe(true);
    expect(sinks.calls.events).toEqual(sent.map((event) => ({ ...event, source: 'live911' })));
  });

  it('EIDO: the same incidents and units go through the same states', () => {
    expectSameHistories(incidentHistories(sinks.eido.events), incidentHistories(expected), 1000);
    expectSameHistories(unitHistories(sinks.eido.events), unitHistories(unitEventsOnIncidents(expected)), 0);
    const incidents = expected.filter((event) => event.type === 'incident.created' || event.type === 'incident.updated');
    expect([...incidentHistories(sinks.eido.events).values()].flat()).toHaveLength(incidents.length);
    expect(incidents.length).toBeGreaterThan(20);
  });

  it('cameras: every camera as it stands now, and every status change, under the file’s id namespace', () => {
    const latest = new Map<string, DomainEvent & { type: 'camera.discovered' }>();
    const statuses = new Map<string, string[]>();
    for (const event of ofType(sinks.cameras.events, 'camera.discovered')) {
      latest.set(event.cameraId, event);
      const history = statuses.get(event.cameraId) ?? [];
      if (history[history.length - 1] !== event.status) history.push(event.status);
      statuses.set(event.cameraId, history);
    }
    const now = new Map(ofType(expected, 'camera.discovered').map((event) => [event.cameraId, cameraRowOf(event)]));
    const expectedStatuses = new Map([...now.values()].map((camera) => [`sim-cameras:${camera.cameraId}`, [camera.status]]));
    for (const change of ofType(expected, 'camera.statusChanged')) {
      now.set(change.cameraId, { ...(now.get(change.cameraId) as ReturnType<typeof cameraRowOf>), status: change.status });
      expectedStatuses.get(`sim-cameras:${change.cameraId}`)?.push(change.status);
    }
    const expectedRows = [...now.values()].map((camera) => cameraAsCsvCarries(camera, 'sim-cameras'));
    expect(cameraDifferences([...latest.values()].map(cameraRowOf), expectedRows)).toEqual([]);
    expect(statuses).toEqual(expectedStatuses);
    expect(ofType(expected, 'camera.statusChanged').length).toBeGreaterThan(2);
  });
});

describe('createProtocolSimulator when sends fail', () => {
  it('keeps EIDO documents while the endpoint is down, retries once a tick, and delivers them in order', async () => {
    const time = createFakeTime(START);
    const eido = createEidoHttpAdapter({ authentication: null, codeTable, now: wallClock });
    const sink = createRecordingSink();
    await eido.start(sink);
    let endpoint: 'unreachable' | 'busy' | 'up' = 'unreachable';
    const failures: (ProtocolFailure | SimulationFailure)[] = [];
    const simulator = createProtocolSimulator({
      simulation: createTestCity(SEED),
      now: time.now,
      schedule: time.schedule,
      eidoUrl: eido.url(),
      // The endpoint is unreachable, then answers 503, then comes back.
      fetch: async (url, init) => {
        if (endpoint === 'unreachable') throw new TypeError('fetch failed: connect ECONNREFUSED');
        if (endpoint === 'busy') return new Response('{"error":"warming up"}', { status: 503 });
        return fetch(url, init);
      },
      onError: (failure) => failures.push(failure),
    });
    try {
      await simulator.start();
      for (let second = 1; second <= 240; second += 1) {
        time.tick(1000);
        await simulator.idle();
      }
      const down = simulator.status().eido;
      expect(down?.sent).toBe(0);
      expect(down?.queued).toBeGreaterThan(0);
      // One attempt per tick that had something to send, never a storm.
      expect(down?.posts).toBe(down?.failed);
      expect(down?.posts).toBeLessThanOrEqual(240);
      expect(failures.every((failure) => failure.reason === 'http-unreachable')).toBe(true);
      expect(failures[0]?.detail).toContain(eido.url());

      endpoint = 'busy';
      time.tick(1000);
      await simulator.idle();
      expect(failures[failures.length - 1]).toMatchObject({ protocol: 'eido', reason: 'http-server-error' });
      expect(failures[failures.length - 1]?.detail).toContain('answered 503 {"error":"warming up"}');
      expect(simulator.status().eido?.sent).toBe(0);

      endpoint = 'up';
      time.tick(1000);
      await simulator.idle();
      expect(simulator.status().eido).toMatchObject({ queued: 0, refused: 0, rejectedParts: 0 });
      expect(sink.rejections).toEqual([]);
      const cad = playCity(SEED, 242);
      expectSameHistories(incidentHistories(sink.events), incidentHistories(cad), 1000);
      expectSameHistories(unitHistories(sink.events), unitHistories(unitEventsOnIncidents(cad)), 0);
    } finally {
      await simulator.stop();
      await eido.stop();
    }
  });

  it('counts AVL datagrams it cannot send and carries on', async () => {
    const time = createFakeTime(START);
    const failures: (ProtocolFailure | SimulationFailure)[] = [];
    const simulator = createProtocolSimulator({
      simulation: createTestCity(SEED),
      now: time.now,
      schedule: time.schedule,
      // Port 0 is not a destination: every send fails at once.
      avlUdp: { host: '127.0.0.1', port: 0 },
      onError: (failure) => failures.push(failure),
    });
    try {
      await simulator.start();
      time.tick(1000);
      time.tick(1000);
      await simulator.idle();
      const status = simulator.status();
      expect(status.avl?.sent).toBe(0);
      expect(status.avl?.failed).toBe(ofType(playCity(SEED, 2), 'position.fix').length);
      expect(status.ticks).toBe(2);
      expect(failures[0]).toMatchObject({ protocol: 'avl', reason: 'send-failed' });
      // Protocols that are off count what they would have carried.
      expect(status.notCarried['call.received'] ?? 0).toBe(ofType(playCity(SEED, 2), 'call.received').length);
      expect(status.notCarried['camera.discovered']).toBe(300);
    } finally {
      await simulator.stop();
    }
  });

  it('refuses to start twice and tells the hub where its call feed is only once it listens', async () => {
    const time = createFakeTime(START);
    const simulator = createProtocolSimulator({ simulation: createTestCity(SEED), now: time.now, schedule: time.schedule, callFeed: { port: 0 } });
    expect(() => simulator.callFeedUrl()).toThrow(/not listening/);
    await simulator.listen();
    expect(simulator.callFeedUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    await simulator.start();
    await expect(simulator.start()).rejects.toThrow(/cannot start when running/);
    await simulator.stop();
    expect(simulator.status()).toMatchObject({ running: false, callFeed: { buffered: expect.any(Number), clients: 0 } });
  });
});

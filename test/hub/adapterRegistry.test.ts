import pino from 'pino';
import type { AdapterFactoryContext } from '../../adapters/adapterFactoryContext';
import { UnknownAdapterError } from '../../adapters/adapterRegistry';
import { BUILT_IN_ADAPTERS, createBuiltInAdapterRegistry } from '../../adapters/builtInAdapters';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { readHubConfig } from '../../config/hubConfig';
import type { Adapter, AdapterStatus, EventSink, Replayable, UnitStatus } from '../../contract';
import { FREE_PORTS, type GraphQLBody } from '../support/startTestHub';
import { eventually } from '../support/subscribeThroughGateway';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The hub as `npm start` assembles it, on free ports, without the simulated city. */
const hubSettings = (adapters: string) =>
  readHubConfig({
    ...FREE_PORTS,
    ADAPTERS: adapters,
    SIM_ENABLED: 'false',
    AUTH_DEV_KEY_FILE: 'memory',
    PGLITE_DATA_DIR: 'memory',
    RATE_LIMIT_PER_MINUTE: '0',
  });

const UNIT_STATUSES: readonly string[] = ['AVAILABLE', 'DISPATCHED', 'ENROUTE', 'ON_SCENE', 'TRANSPORTING', 'OUT_OF_SERVICE'];

/**
 * A vendor adapter of the test's own, from outside the repository's adapters: a dispatch system
 * that sends lines `unit <id> <callSign> <status>`. On start it has two lines waiting, one good
 * and one it must reject; it replays a dead letter's line when asked.
 */
function createFakeDispatchAdapter(now: () => Date) {
  const name = 'fake-dispatch';
  const lifecycle: string[] = [];
  const replayed: string[] = [];
  let sink: EventSink | null = null;
  let accepted = 0;
  let rejected = 0;
  const take = async (raw: string) => {
    if (!sink) throw new Error(`${name} is not started`);
    const [word, unitId, callSign, status] = raw.split(' ');
    if (word !== 'unit' || !unitId || !callSign || !status || !UNIT_STATUSES.includes(status)) {
      rejected += 1;
      await sink.reject({ source: name, reason: 'bad-line', detail: `not a unit line: ${raw}`, raw, receivedAt: now().toISOString() });
      return;
    }
    accepted += 1;
    await sink.emit({ type: 'unit.statusChanged', eventId: `${name}:${raw}`, source: name, occurredAt: now().toISOString(), unitId, callSign, status: status as UnitStatus, incidentId: null });
  };
  const adapter: Adapter & Replayable = {
    name,
    async start(target) {
      sink = target;
      lifecycle.push('started');
      await take('unit fake-7 F7 ENROUTE');
      await take('unit fake-8 F8 NAPPING');
    },
    async stop() {
      sink = null;
      lifecycle.push('stopped');
    },
    status: (): AdapterStatus => ({ name, connected: sink !== null, lastMessageAt: null, accepted, rejected }),
    async replay(raw) {
      replayed.push(raw);
      await take(raw);
    },
  };
  return { adapter, lifecycle, replayed };
}

describe('the adapter registry picks the hub’s adapters by name (ADAPTERS)', () => {
  let running: ConfiguredHub | undefined;
  let fake: ReturnType<typeof createFakeDispatchAdapter> | undefined;
  let givenContext: AdapterFactoryContext | undefined;
  let loads = 0;

  const query = async <T>(text: string): Promise<GraphQLBody<T>> => {
    const token = await running!.hub.issueToken?.({ subject: 'test-supervisor', roles: ['supervisor'] });
    const response = await fetch(running!.hub.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'TEST-0001' },
      body: JSON.stringify({ query: text }),
    });
    return (await response.json()) as GraphQLBody<T>;
  };

  beforeAll(async () => {
    // The only step that adds the adapter: registering it. No file of the hub names it.
    const registry = createBuiltInAdapterRegistry();
    registry.register('fake-dispatch', async () => {
      loads += 1;
      return (context) => {
        givenContext = context;
        fake = createFakeDispatchAdapter(context.now);
        return fake.adapter;
      };
    });
    expect(loads).toBe(0);
    running = await createConfiguredHub({ config: hubSettings('fake-dispatch'), logger, registry });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('loads, builds and starts the registered adapter alone, with the hub’s settings, lookups and clock', () => {
    expect(loads).toBe(1);
    // AVL_UDP_PORT and EIDO_HTTP_PORT keep their defaults, yet only the named adapter runs.
    expect(running!.adapters.map((adapter) => adapter.name)).toEqual(['fake-dispatch']);
    expect(fake!.lifecycle).toEqual(['started']);
    expect(givenContext!.config.adapters).toEqual(['fake-dispatch']);
    expect(typeof givenContext!.lookups.devices.unitFor).toBe('function');
    expect(givenContext!.now()).toBeInstanceOf(Date);
  });

  it('delivers its events to the sink: the unit and the adapter’s counts are visible through the gateway', async () => {
    await eventually(async () => (await query<{ unit: { status: string } | null }>('{ unit(id: "fake-7") { status } }')).data?.unit?.status === 'ENROUTE', 10_000, 'the fake unit stored');
    const unit = await query<{ unit: { callSign: string; status: string } }>('{ unit(id: "fake-7") { callSign status } }');
    expect(unit.data?.unit).toEqual({ callSign: 'F7', status: 'ENROUTE' });
    const adapters = await query<{ adapters: { name: string; connected: boolean; accepted: number; rejected: number }[] }>('{ adapters { name connected accepted rejected } }');
    expect(adapters.data?.adapters).toEqual([{ name: 'fake-dispatch', connected: true, accepted: 1, rejected: 1 }]);
  });

  it('keeps what it rejected as a dead letter and replays it through the adapter (its Replayable ability)', async () => {
    const letters = await query<{ deadLetters: { edges: { node: { id: string; source: string; reason: string; raw: string } }[] } }>(
      '{ deadLetters(filter: { source: "fake-dispatch" }) { edges { node { id source reason raw } } } }',
    );
    const letter = letters.data?.deadLetters.edges[0]?.node;
    expect(letter).toMatchObject({ source: 'fake-dispatch', reason: 'bad-line', raw: 'unit fake-8 F8 NAPPING' });
    const replay = await query<{ replayDeadLetter: { outcome: string } }>(`mutation { replayDeadLetter(id: "${letter!.id}") { outcome } }`);
    expect(replay.errors).toBeUndefined();
    expect(replay.data?.replayDeadLetter.outcome).toBe('REPLAYED');
    expect(fake!.replayed).toEqual(['unit fake-8 F8 NAPPING']);
  });

  it('stops it when the hub closes', async () => {
    await running!.close();
    expect(fake!.lifecycle).toEqual(['started', 'stopped']);
  });
});

describe('ADAPTERS', () => {
  it('by default names every built-in adapter, so that `npm start` runs those its settings switch on', () => {
    expect(readHubConfig({}).adapters).toEqual(Object.keys(BUILT_IN_ADAPTERS));
    expect(createBuiltInAdapterRegistry().names()).toEqual(['avl', 'eido-http', 'live911', 'onvif', 'camera-csv']);
  });

  it('fails the start on a name no adapter is registered under, naming it and the known ones', async () => {
    const started = createConfiguredHub({ config: hubSettings('avl,fake-cad'), logger });
    await expect(started).rejects.toBeInstanceOf(UnknownAdapterError);
    await expect(started).rejects.toThrow('no adapter is registered as "fake-cad"; known adapters: avl, eido-http, live911, onvif, camera-csv');
  });

  it('refuses a malformed or repeated name as a bad setting, and `none` runs no adapter', () => {
    expect(() => readHubConfig({ ADAPTERS: 'avl,,onvif' })).toThrow(/ADAPTERS="avl,,onvif" has ""/);
    expect(() => readHubConfig({ ADAPTERS: 'AVL' })).toThrow(/ADAPTERS="AVL" has "AVL"/);
    expect(() => readHubConfig({ ADAPTERS: 'avl, onvif, avl' })).toThrow(/ADAPTERS="avl, onvif, avl" names avl twice/);
    expect(readHubConfig({ ADAPTERS: ' avl , onvif ' }).adapters).toEqual(['avl', 'onvif']);
    expect(readHubConfig({ ADAPTERS: 'none' }).adapters).toEqual([]);
  });
});

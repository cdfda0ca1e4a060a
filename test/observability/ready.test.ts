import { checkReadiness } from '../../observability/createReadiness';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

/** Every storage target, with the gateway in the main thread and in its own (GATEWAY_THREAD). */
const MODES = STORAGE_TARGETS.flatMap((target) => (['main', 'worker'] as const).map((thread) => ({ target, name: target.name, thread })));

interface NotReadyBody {
  status: string;
  notReady: { name: string; reason: string }[];
}

describe.each(MODES)('/ready of a running hub ($name, gateway thread: $thread)', ({ target, thread }) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(target, { env: { GATEWAY_THREAD: thread } });
    expect(hub.gateway.thread).toBe(thread);
  });
  afterAll(() => hub?.close());

  it('is 200 while the databases, the bus and every subgraph answer, and 503 naming a stopped subgraph', async () => {
    const readyUrl = new URL('/ready', hub.gatewayUrl);
    const ready = await fetch(readyUrl);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });

    await hub.stopSubgraph('cad');
    const notReady = await fetch(readyUrl);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as NotReadyBody;
    expect(body.status).toBe('not-ready');
    expect(body.notReady.map((check) => check.name)).toEqual(['subgraph cad']);
    // /health says only that the gateway is alive.
    expect((await fetch(new URL('/health', hub.gatewayUrl))).status).toBe(200);

    await hub.startSubgraph('cad');
    expect((await fetch(readyUrl)).status).toBe(200);
  });

  it('is 503 naming a database that does not answer, checked in the main thread that holds it', async () => {
    const readyUrl = new URL('/ready', hub.gatewayUrl);
    // The cameras subgraph's connection pool, closed: its `select 1` cannot get a connection.
    const { knex } = hub.subgraphs.cameras.db;
    await knex.destroy();
    try {
      const notReady = await fetch(readyUrl);
      expect(notReady.status).toBe(503);
      const body = (await notReady.json()) as NotReadyBody;
      expect(body.notReady.map((check) => check.name)).toEqual(['database cameras']);
      expect(body.notReady[0]?.reason).not.toBe('');
    } finally {
      knex.initialize();
    }
    expect((await fetch(readyUrl)).status).toBe(200);
  });
});

describe('checkReadiness', () => {
  it('names each check that fails or does not answer in time, and only those', async () => {
    const report = await checkReadiness([
      { name: 'database calls', check: async () => undefined },
      { name: 'database cad', check: async () => Promise.reject(new Error('connection terminated')) },
      { name: 'bus', check: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) },
    ], 50);
    expect(report.ready).toBe(false);
    expect(report.notReady).toEqual([
      { name: 'database cad', reason: 'connection terminated' },
      { name: 'bus', reason: 'no answer within 50 ms' },
    ]);
    expect(await checkReadiness([{ name: 'bus', check: async () => undefined }], 50)).toEqual({ ready: true, notReady: [] });
  });
});

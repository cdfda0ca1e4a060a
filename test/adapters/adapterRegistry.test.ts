import { UnknownAdapterError, createAdapterRegistry } from '../../adapters/adapterRegistry';
import type { AdapterFactoryContext } from '../../adapters/adapterFactoryContext';
import { createBuiltInAdapterRegistry } from '../../adapters/builtInAdapters';
import { readHubConfig } from '../../config/hubConfig';
import type { Adapter } from '../../contract';
import { MODULE_LOADS } from './registryFixtures/moduleLoads';

interface EchoContext {
  readonly name: string | null;
}

const echoModule = async () => (await import('./registryFixtures/lazyEchoAdapter.js')).createLazyEchoAdapter;

describe('createAdapterRegistry', () => {
  it('does not import a registered module until the adapter is asked for, then imports it once', async () => {
    const registry = createAdapterRegistry<EchoContext>();
    registry.register('echo', echoModule);
    expect(registry.names()).toEqual(['echo']);
    expect(MODULE_LOADS).toEqual([]);

    const [first, second] = await Promise.all([registry.create('echo', { name: 'echo-1' }), registry.create('echo', { name: 'echo-2' })]);
    expect(MODULE_LOADS).toEqual(['lazyEchoAdapter']);
    expect([first?.name, second?.name]).toEqual(['echo-1', 'echo-2']);
    expect(await registry.create('echo', { name: null })).toBeNull();
    expect(MODULE_LOADS).toEqual(['lazyEchoAdapter']);
  });

  it('calls a loader at its first use only, and again after it failed', async () => {
    const registry = createAdapterRegistry<EchoContext>();
    let calls = 0;
    let failNext = true;
    registry.register('flaky', async () => {
      calls += 1;
      if (failNext) {
        failNext = false;
        throw new Error('module not installed');
      }
      return (context): Adapter | null => (context.name === null ? null : { name: context.name, start: async () => undefined, stop: async () => undefined, status: () => ({ name: 'flaky', connected: false, lastMessageAt: null, accepted: 0, rejected: 0 }) });
    });
    expect(calls).toBe(0);
    await expect(registry.load('flaky')).rejects.toThrow('module not installed');
    const factory = await registry.load('flaky');
    expect(await registry.load('flaky')).toBe(factory);
    expect(calls).toBe(2);
  });

  it('rejects an unknown name with an error naming it and every registered one', async () => {
    const registry = createAdapterRegistry<EchoContext>();
    registry.register('echo', echoModule);
    registry.register('other', echoModule);
    const loading = registry.create('ecko', { name: 'x' });
    await expect(loading).rejects.toBeInstanceOf(UnknownAdapterError);
    await expect(loading).rejects.toMatchObject({ adapter: 'ecko', known: ['echo', 'other'], message: 'no adapter is registered as "ecko"; known adapters: echo, other' });
    await expect(createAdapterRegistry<EchoContext>().load('echo')).rejects.toThrow('known adapters: (none)');
  });

  it('refuses a name registered twice or not written as adapter names are', () => {
    const registry = createAdapterRegistry<EchoContext>();
    registry.register('echo', echoModule);
    expect(() => registry.register('echo', echoModule)).toThrow('an adapter is already registered as "echo"');
    for (const bad of ['', 'Echo', 'echo one', '-echo', 'echo/1']) expect(() => registry.register(bad, echoModule)).toThrow(/lower-case letters, digits and dashes/);
    expect(registry.names()).toEqual(['echo']);
  });
});

describe('createBuiltInAdapterRegistry', () => {
  const lookups: AdapterFactoryContext['lookups'] = {
    devices: { unitFor: () => undefined },
    auditLog: { append: async () => undefined },
    verifyIngestToken: async () => ({ ok: false, status: 401, reason: 'no tokens in this test' }),
  };
  const contextFor = (env: Record<string, string>, supplied: AdapterFactoryContext['supplied'] = {}): AdapterFactoryContext => ({
    config: readHubConfig(env),
    lookups,
    now: () => new Date(),
    supplied,
  });

  it('builds each built-in adapter under its name when its settings switch it on', async () => {
    const registry = createBuiltInAdapterRegistry();
    const context = contextFor({ AVL_UDP_PORT: '0', EIDO_HTTP_PORT: '0', CALL_FEED_URL: 'ws://127.0.0.1:9/feed' }, {
      cameraCsvFiles: ['/nonexistent/cameras.csv'],
      onvifDevices: [{ cameraId: 'ptz-1', name: 'PTZ 1', deviceServiceUrl: 'http://127.0.0.1:9/onvif/device_service', username: 'admin', password: 'secret', location: { lat: 33.4, lon: -111.8 } }],
    });
    const built = await Promise.all(registry.names().map((name) => registry.create(name, context)));
    expect(built.map((adapter) => adapter?.name)).toEqual(['avl', 'eido-http', 'live911', 'onvif', 'camera-csv']);
  });

  it('leaves out each built-in adapter its settings leave nothing to do', async () => {
    const registry = createBuiltInAdapterRegistry();
    const context = contextFor({ AVL_UDP_PORT: 'off', AVL_TCP_PORT: 'off', EIDO_HTTP_PORT: 'off' });
    const built = await Promise.all(registry.names().map((name) => registry.create(name, context)));
    expect(built).toEqual([null, null, null, null, null]);
  });
});

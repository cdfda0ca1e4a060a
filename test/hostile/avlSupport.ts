import { createSocket } from 'node:dgram';
import { type AvlAdapter, type AvlAdapterOptions, createAvlAdapter } from '../../adapters/avl';
import { type TestHub, startTestHub } from '../support/startTestHub';
import type { StorageTarget } from '../support/storageTargets';

/** What the AVL hostile-input suites share: a hub with one AVL adapter, and ways to read back what it kept. */

/** Centre of the test fleet (Mesa, AZ): every unit is well inside 100 km of it. */
export const FLEET_CENTRE = { lat: 33.4152, lon: -111.8315 } as const;

/** Rejections are many here on purpose: the sink's per-source dead-letter cap must not sample them away. */
const UNCAPPED_DEAD_LETTERS = { DEAD_LETTERS_PER_SOURCE_PER_MINUTE: '1000000' };

export interface AvlHub {
  readonly hub: TestHub;
  readonly adapter: AvlAdapter;
}

/** A test hub whose only adapter is an AVL adapter on free ports, with the hub's device table. */
export async function startAvlHub(
  target: StorageTarget,
  options: Partial<Omit<AvlAdapterOptions, 'unitFor'>> = {},
  env: Record<string, string> = {},
): Promise<AvlHub> {
  let adapter: AvlAdapter | undefined;
  const hub = await startTestHub(target, {
    env: { ...UNCAPPED_DEAD_LETTERS, ...env },
    adapters: (lookups) => {
      adapter = createAvlAdapter({ name: 'avl', udpPort: 0, now: () => new Date(), ...options, unitFor: (id) => lookups.devices.unitFor(id) });
      return [adapter];
    },
  });
  return { hub, adapter: adapter! };
}

/** Sends one datagram from 127.0.0.1 and resolves once the kernel took it. */
export function sendDatagram(port: number, payload: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.send(typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload, port, '127.0.0.1', (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Polls `predicate` every 20 ms until it holds; fails with `describe()` after `timeoutMs` (a bound, not a measurement). */
export async function waitFor(predicate: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Everything an adapter took in: delivered fixes and rejections, and what the sink failed to take. */
export const handled = (adapter: AvlAdapter): number => {
  const status = adapter.status();
  return status.accepted + status.rejected + status.deliveryFailures;
};

export { type DeadLetterNode, listDeadLetters } from '../support/hostileInput';

export interface UnitPosition {
  readonly unitId: string;
  readonly lat: number;
  readonly lon: number;
  readonly fixAt: string;
  readonly stale: boolean;
}

/** Each positioned unit within 100 km of {@link FLEET_CENTRE}, read through the gateway, by unit id. */
export async function unitPositions(hub: TestHub): Promise<Map<string, UnitPosition>> {
  const body = await hub.query<{ unitsNear: { unit: { id: string; position: { point: { lat: number; lon: number }; fixAt: string; stale: boolean } } }[] }>(
    'query ($p: GeoPointInput!) { unitsNear(point: $p, radiusMeters: 100000, limit: 100) { unit { id position { point { lat lon } fixAt stale } } } }',
    { p: FLEET_CENTRE },
  );
  if (body.errors || !body.data) throw new Error(`unitsNear failed: ${JSON.stringify(body.errors)}`);
  return new Map(
    body.data.unitsNear.map(({ unit }) => [unit.id, { unitId: unit.id, ...unit.position.point, fixAt: unit.position.fixAt, stale: unit.position.stale }]),
  );
}

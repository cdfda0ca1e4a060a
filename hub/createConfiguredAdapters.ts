import { readFileSync } from 'node:fs';
import { createAvlAdapter } from '../adapters/avl';
import type { Adapter } from '../adapters/contract';
import { createApcoIncidentCodeTable, parseIncidentCodeTable } from '../adapters/eido';
import { createEidoHttpAdapter } from '../adapters/eido-http';
import { createCallFeedAdapter } from '../adapters/live911';
import type { AdapterLookups } from './createHub';
import type { HubConfig } from './hubConfig';

/**
 * The vendor adapters the configuration asks for: AVL (UDP/TCP), EIDO (HTTP push or poll) and
 * the 911 call feed (WebSocket). `callFeedUrl` overrides the configured feed (the simulator's).
 */
export function createConfiguredAdapters(
  config: HubConfig,
  lookups: AdapterLookups,
  options: { now: () => Date; callFeedUrl?: string | undefined },
): Adapter[] {
  const { now } = options;
  const adapters: Adapter[] = [];
  if (config.avlUdpPort !== null || config.avlTcpPort !== null) {
    adapters.push(
      createAvlAdapter({
        name: 'avl',
        host: config.host,
        udpPort: config.avlUdpPort,
        tcpPort: config.avlTcpPort,
        unitFor: (deviceId) => lookups.devices.unitFor(deviceId),
        now,
      }),
    );
  }
  if (config.eidoHttpPort !== null) {
    const codeTable = config.eidoCodeTable
      ? parseIncidentCodeTable(readFileSync(config.eidoCodeTable, 'utf8'))
      : createApcoIncidentCodeTable();
    adapters.push(
      createEidoHttpAdapter({
        name: 'eido-http',
        host: config.host,
        port: config.eidoHttpPort,
        pollUrl: config.eidoPollUrl ?? null,
        pollIntervalMs: config.eidoPollIntervalMs,
        codeTable,
        now,
      }),
    );
  }
  const callFeedUrl = options.callFeedUrl ?? config.callFeedUrl;
  if (callFeedUrl) {
    adapters.push(
      createCallFeedAdapter({
        name: 'live911',
        url: callFeedUrl,
        now,
        ...(config.callFeedApiKey ? { headers: { authorization: `Bearer ${config.callFeedApiKey}` } } : {}),
      }),
    );
  }
  return adapters;
}

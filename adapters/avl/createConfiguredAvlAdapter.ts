import type { AdapterFactoryContext } from '../adapterFactoryContext';
import { type AvlAdapter, createAvlAdapter } from './createAvlAdapter';

/**
 * The registry's `avl`: NMEA / TAIP on AVL_UDP_PORT and AVL_TCP_PORT, devices mapped to units by
 * the hub's device directory, refused senders audited. Null when both ports are `off`.
 */
export function createConfiguredAvlAdapter({ config, lookups, now, logger }: AdapterFactoryContext): AvlAdapter | null {
  if (config.avlUdpPort === null && config.avlTcpPort === null) return null;
  return createAvlAdapter({
    name: 'avl',
    host: config.host,
    udpPort: config.avlUdpPort,
    tcpPort: config.avlTcpPort,
    unitFor: (deviceId) => lookups.devices.unitFor(deviceId),
    now,
    maxFutureSkewMs: config.avlMaxFutureSkewMs,
    // A fix older than its retention would be purged at once: it cannot be meant.
    maxFixAgeMs: config.retentionAvlPositionsDays * 86_400_000,
    maxLinesPerPayload: config.avlMaxLinesPerDatagram,
    allowedSources: config.avlAllowedSources,
    tcpIdleTimeoutMs: config.avlTcpIdleTimeoutMs,
    tcpMaxConnections: config.avlTcpMaxConnections,
    tcpMaxConnectionsPerAddress: config.avlTcpMaxConnectionsPerAddress,
    ...(logger ? { logger: logger.child({ component: 'avl' }) } : {}),
    // One `ingest-refused` record per address a minute, with a count (the adapter aggregates).
    onRefused: ({ address, transport, count, reason }) =>
      void lookups.auditLog
        .append({ kind: 'ingest-refused', subject: null, outcome: 'denied', reason, details: { adapter: 'avl', transport, address, count } })
        .catch((error: unknown) => logger?.warn({ err: error, address, count }, 'could not audit refused AVL input')),
  });
}

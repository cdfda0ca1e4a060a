import { readFileSync } from 'node:fs';
import { createAvlAdapter } from '../adapters/avl';
import type { Adapter } from '../contract';
import { createApcoIncidentCodeTable, parseIncidentCodeTable } from '../adapters/eido';
import { createEidoHttpAdapter } from '../adapters/eido-http';
import { parseSourceSecrets } from '../config/parseSourceSecrets';
import { createCallFeedAdapter } from '../adapters/live911';
import { type OnvifDeviceConfig, createOnvifAdapter } from '../adapters/onvif-device';
import type { Logger } from 'pino';
import type { AdapterLookups } from './createHub';
import type { HubConfig } from '../config/hubConfig';

/**
 * The vendor adapters the configuration asks for: AVL (UDP/TCP), EIDO (HTTP push or poll), the
 * 911 call feed (WebSocket) and ONVIF cameras (polled SOAP). `callFeedUrl` overrides the
 * configured feed and `onvifDevices` adds to ONVIF_DEVICES_FILE's (both the simulator's).
 */
export function createConfiguredAdapters(
  config: HubConfig,
  lookups: AdapterLookups,
  options: {
    now: () => Date;
    callFeedUrl?: string | undefined;
    onvifDevices?: readonly OnvifDeviceConfig[] | undefined;
    /** Source secrets besides EIDO_SOURCE_SECRETS (the simulated CAD's). */
    eidoSourceSecrets?: ReadonlyMap<string, string> | undefined;
    logger?: Logger;
  },
): Adapter[] {
  const { now, logger, onvifDevices = [] } = options;
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
        ...(config.eidoPollAuthorization ? { pollHeaders: { authorization: config.eidoPollAuthorization } } : {}),
        codeTable,
        now,
        bodyLimitBytes: config.eidoBodyLimitBytes,
        maxDocumentsPerRequest: config.eidoMaxDocumentsPerRequest,
        maxJsonDepth: config.eidoMaxJsonDepth,
        // A POST needs a bearer token of role adapter or a source secret (the configured ones and the simulated CAD's).
        authentication: {
          verifyBearer: lookups.verifyIngestToken,
          sourceSecrets: new Map([...(config.eidoSourceSecrets ? parseSourceSecrets(config.eidoSourceSecrets) : []), ...(options.eidoSourceSecrets ?? [])]),
        },
        audit: lookups.auditLog,
        onError: (error, { during }) => logger?.error({ err: error, during }, 'EIDO adapter failure'),
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
        maxFutureMs: config.callFeedMaxFutureMs,
        maxAgeMs: config.callFeedMaxAgeMs,
        maxMessagesPerFrame: config.callFeedMaxMessagesPerFrame,
        maxFrameBytes: config.callFeedMaxFrameBytes,
        ...(config.callFeedApiKey ? { headers: { authorization: `Bearer ${config.callFeedApiKey}` } } : {}),
      }),
    );
  }
  if (config.onvifDevicesFile || onvifDevices.length > 0) {
    const devices = [...(config.onvifDevicesFile ? readOnvifDevices(config.onvifDevicesFile) : []), ...onvifDevices];
    const cameraIds = new Set(devices.map((device) => device.cameraId));
    const onvif = createOnvifAdapter({
      name: 'onvif',
      devices,
      now,
      pollIntervalMs: config.onvifPollIntervalMs,
      maxResponseBytes: config.onvifMaxResponseBytes,
      onError: (error, { cameraId }) => logger?.warn({ err: error, cameraId }, 'ONVIF poll failed inside the hub'),
    });
    // The hub's camera control asks which adapter commands a camera.
    adapters.push(Object.assign(onvif, { controls: (cameraId: string) => cameraIds.has(cameraId) }));
  }
  return adapters;
}

/** Reads ONVIF_DEVICES_FILE; the adapter checks each entry in depth when it is created. */
function readOnvifDevices(path: string): OnvifDeviceConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`ONVIF_DEVICES_FILE ${path}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`ONVIF_DEVICES_FILE ${path}: must hold a JSON array of devices`);
  return parsed as OnvifDeviceConfig[];
}

import { readFileSync } from 'node:fs';
import type { AdapterFactoryContext } from '../adapterFactoryContext';
import type { OnvifDeviceConfig } from './cameraDiscoveredFrom';
import { type OnvifAdapter, createOnvifAdapter } from './createOnvifAdapter';

/**
 * The registry's `onvif`: polls the devices of ONVIF_DEVICES_FILE and the supplied ones every
 * ONVIF_POLL_INTERVAL_MS, and aims them for `pointCamera`. Null when there is no device.
 */
export function createConfiguredOnvifAdapter({ config, now, logger, supplied }: AdapterFactoryContext): OnvifAdapter | null {
  const devices = [...(config.onvifDevicesFile ? readOnvifDevices(config.onvifDevicesFile) : []), ...(supplied.onvifDevices ?? [])];
  if (devices.length === 0 && !config.onvifDevicesFile) return null;
  return createOnvifAdapter({
    name: 'onvif',
    devices,
    now,
    pollIntervalMs: config.onvifPollIntervalMs,
    maxResponseBytes: config.onvifMaxResponseBytes,
    onError: (error, { cameraId }) => logger?.warn({ err: error, cameraId }, 'ONVIF poll failed inside the hub'),
  });
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

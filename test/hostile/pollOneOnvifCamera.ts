import { type OnvifAdapter, createOnvifAdapter } from '../../adapters/onvif-device';

/**
 * An ONVIF adapter polling one test device every 20 ms as `admin`/`secret` (the fake device's
 * credentials), placed in the simulated city, giving up on an answer after `requestTimeoutMs`.
 */
export function pollOneOnvifCamera(options: { cameraId: string; name: string; deviceServiceUrl: string; requestTimeoutMs: number }): OnvifAdapter {
  const { cameraId, name, deviceServiceUrl, requestTimeoutMs } = options;
  return createOnvifAdapter({
    devices: [{ cameraId, name, deviceServiceUrl, username: 'admin', password: 'secret', location: { lat: 33.4152, lon: -111.8315 } }],
    now: () => new Date(),
    pollIntervalMs: 20,
    requestTimeoutMs,
  });
}

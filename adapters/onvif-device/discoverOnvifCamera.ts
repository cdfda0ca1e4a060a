/**
 * One discovery pass over a device, as named phases:
 * readClock → readServices → readProfiles → readMediaUris.
 */
import { type CameraStream } from '../../contract';
import { cameraStreamFrom, clockOffsetMs, faultHasSubcode, type MediaProfile } from '../onvif';
import { type DeviceCallFailure, type OnvifDeviceClient } from './createOnvifDeviceClient';

/** Profiles whose stream and snapshot URIs a pass asks for, at most. */
export const MAX_STREAM_PROFILES = 16;

/** What a pass learnt about a device. */
export interface OnvifDiscovery {
  readonly services: { readonly media: string; readonly ptz: string | null };
  /** Profiles in stream order: the main stream (highest resolution) first, then the device's order. */
  readonly profiles: readonly MediaProfile[];
  readonly streams: readonly CameraStream[];
  /** The first profile's snapshot URI that the device offers. */
  readonly snapshotUrl: string | null;
  /** Where PTZ commands go: the first profile with a PTZConfiguration, if the device has a PTZ service. */
  readonly ptzProfileToken: string | null;
}

export type DiscoveryOutcome = { readonly ok: true; readonly discovery: OnvifDiscovery } | { readonly ok: false; readonly failure: DeviceCallFailure };

type Phase<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: DeviceCallFailure };

export interface DiscoverOnvifCameraInput {
  readonly client: OnvifDeviceClient;
  readonly deviceServiceUrl: string;
  readonly now: () => Date;
}

/** Ask the device what it streams and whether it moves. Never throws. */
export async function discoverOnvifCamera({ client, deviceServiceUrl, now }: DiscoverOnvifCameraInput): Promise<DiscoveryOutcome> {
  const clock = await readClock(client, deviceServiceUrl, now);
  if (!clock.ok) return clock;
  const services = await readServices(client, deviceServiceUrl);
  if (!services.ok) return services;
  const profiles = await readProfiles(client, services.value.media);
  if (!profiles.ok) return profiles;
  const media = await readMediaUris(client, services.value.media, profiles.value);
  if (!media.ok) return media;
  const ptzProfile = services.value.ptz === null ? undefined : profiles.value.profiles.find((profile) => profile.ptz !== null);
  return {
    ok: true,
    discovery: { services: services.value, profiles: profiles.value.profiles, ...media.value, ptzProfileToken: ptzProfile?.token ?? null },
  };
}

/** Core spec, "Get system date and time" (answered without authentication): sets the clock offset for WS-Security. */
async function readClock(client: OnvifDeviceClient, url: string, now: () => Date): Promise<Phase<number>> {
  const answer = await client.call(url, { operation: 'GetSystemDateAndTime' });
  if (!answer.ok) return answer;
  client.clockOffsetMs = clockOffsetMs(answer.value, now());
  return { ok: true, value: client.clockOffsetMs };
}

/** Core spec, "Capabilities" (GetCapabilities, category All): the media and PTZ service XAddrs, on the device's origin. */
async function readServices(client: OnvifDeviceClient, url: string): Promise<Phase<OnvifDiscovery['services']>> {
  const answer = await client.call(url, { operation: 'GetCapabilities', category: 'All' });
  if (!answer.ok) return answer;
  const { media, ptz } = answer.value;
  if (media === null) {
    const failure = { ok: false as const, reason: 'missing-field' as const, detail: 'GetCapabilitiesResponse/Capabilities/Media is missing: the device streams nothing' };
    return { ok: false, failure: { kind: 'bad-answer', operation: 'GetCapabilities', failure, httpStatus: answer.httpStatus, raw: answer.raw } };
  }
  return { ok: true, value: { media: onDeviceOrigin(media.xaddr, url), ptz: ptz === null ? null : onDeviceOrigin(ptz.xaddr, url) } };
}

/**
 * A service XAddr moved onto the configured device's origin (scheme, host, port), keeping its
 * path and query. Devices behind NAT report their inside address; and a device that names
 * another host would have the hub send its signed requests there (server-side request forgery).
 */
function onDeviceOrigin(xaddr: string, deviceServiceUrl: string): string {
  const service = new URL(xaddr);
  const device = new URL(deviceServiceUrl);
  return new URL(`${service.pathname}${service.search}`, device.origin).toString();
}

/** Media spec, "Get media profiles"; sorted main stream first. */
async function readProfiles(client: OnvifDeviceClient, mediaUrl: string): Promise<Phase<ProfilesAnswer>> {
  const answer = await client.call(mediaUrl, { operation: 'GetProfiles' });
  if (!answer.ok) return answer;
  const pixels = (profile: MediaProfile): number => (profile.videoEncoder === null ? -1 : profile.videoEncoder.width * profile.videoEncoder.height);
  // Array.prototype.sort is stable (ES2019): equal resolutions keep the device's order.
  return { ok: true, value: { profiles: [...answer.value].sort((a, b) => pixels(b) - pixels(a)), httpStatus: answer.httpStatus, raw: answer.raw } };
}

interface ProfilesAnswer {
  readonly profiles: readonly MediaProfile[];
  readonly httpStatus: number;
  readonly raw: string;
}

/**
 * Media spec, "Request stream URI" and "Request snapshot URI", for every profile with a video
 * encoder (a profile without one has no video to stream). A device that does not do snapshots
 * answers `ter:ActionNotSupported`; that is an answer, not a failure.
 */
async function readMediaUris(
  client: OnvifDeviceClient,
  mediaUrl: string,
  { profiles, httpStatus, raw }: ProfilesAnswer,
): Promise<Phase<{ streams: CameraStream[]; snapshotUrl: string | null }>> {
  // A token the request builder refuses (over 64 characters …) came from GetProfiles: that answer is at fault.
  const blamingProfiles = (failure: DeviceCallFailure): Phase<never> =>
    failure.kind === 'bad-request'
      ? { ok: false, failure: { kind: 'bad-answer', operation: 'GetProfiles', failure: { ok: false, reason: 'bad-value', detail: failure.detail }, httpStatus, raw } }
      : { ok: false, failure };
  const streams: CameraStream[] = [];
  let snapshotUrl: string | null = null;
  // A device lists a handful of profiles; a hostile one listing thousands would make every poll
  // thousands of requests. The main streams come first, so the first ones are the ones to keep.
  for (const profile of profiles.slice(0, MAX_STREAM_PROFILES)) {
    if (profile.videoEncoder === null) continue;
    const stream = await client.call(mediaUrl, { operation: 'GetStreamUri', profileToken: profile.token });
    if (!stream.ok) return blamingProfiles(stream.failure);
    // Profiles sharing an encoder configuration share a stream.
    if (!streams.some((known) => known.url === stream.value.uri)) streams.push(cameraStreamFrom(profile, stream.value));
    const snapshot = await client.call(mediaUrl, { operation: 'GetSnapshotUri', profileToken: profile.token });
    if (snapshot.ok) snapshotUrl ??= snapshot.value.uri;
    else if (!isUnsupported(snapshot.failure)) return blamingProfiles(snapshot.failure);
  }
  return { ok: true, value: { streams, snapshotUrl } };
}

function isUnsupported(failure: DeviceCallFailure): boolean {
  return failure.kind === 'bad-answer' && failure.failure.fault !== undefined && faultHasSubcode(failure.failure.fault, 'ActionNotSupported');
}

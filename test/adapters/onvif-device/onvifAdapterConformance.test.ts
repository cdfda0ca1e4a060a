import { defineAdapterConformanceSuite } from '../../../adapters/conformance';
import { createOnvifAdapter } from '../../../adapters/onvif-device';
import { readReference } from '../onvif/onvifReference';
import { createFakeOnvifDevice, soapFault } from './createFakeOnvifDevice';

const PASSWORD = 'correct horse';
const PROFILES = readReference('GetProfiles.xml');

/** The reference GetProfiles answer with its one profile renamed: a device reconfigured, so a new stream. */
const profilesNamed = (token: string) => PROFILES.replace('<trt:Profiles fixed="true" token="main">', `<trt:Profiles fixed="true" token="${token}">`);

/**
 * A polling adapter has nothing pushed to it: it asks. A payload here is the answer the fake
 * device gives to GetProfiles from now on, and `send` resolves once the adapter has finished a
 * poll that read it. The adapter reports changes only (`reportsChanges`): asking again and
 * hearing the same answer brings no event. Each valid answer names a different profile, so each
 * changes the camera's streams; each invalid one is an answer the adapter must refuse and keep
 * as a dead letter.
 */
defineAdapterConformanceSuite(
  'onvif (polled device over SOAP)',
  async () => {
    const device = await createFakeOnvifDevice({ label: 'conformance', password: PASSWORD });
    const adapter = createOnvifAdapter({
      name: 'onvif',
      devices: [
        {
          cameraId: 'cam-conformance',
          name: 'Main St & Center St (PTZ)',
          deviceServiceUrl: device.deviceServiceUrl,
          username: 'admin',
          password: PASSWORD,
          location: { lat: 33.4152, lon: -111.8315 },
          headingDegrees: 90,
          mountHeightMeters: 8,
        },
      ],
      now: () => new Date(),
      pollIntervalMs: 20,
      requestTimeoutMs: 2_000,
    });

    /** Resolves once a poll that asked GetProfiles after request `from` has ended (the next poll has begun). */
    const pollEndedAfter = async (from: number) => {
      for (;;) {
        const since = device.requests.slice(from).map((request) => request.operation);
        const asked = since.indexOf('GetProfiles');
        if (asked >= 0 && since.indexOf('GetSystemDateAndTime', asked) > asked) return;
        // A stopped adapter asks nothing more.
        if (!adapter.status().connected) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    return {
      adapter,
      send: async (raw) => {
        const from = device.requests.length;
        device.override('GetProfiles', { status: raw.includes(':Fault>') ? 400 : 200, body: raw });
        await pollEndedAfter(from);
      },
      valid: ['cam-main-1', 'cam-main-2', 'cam-main-3', 'cam-main-4'].map(profilesNamed),
      invalid: [
        // The reference fault template: typographic quotes in the declaration, an undeclared prefix, placeholder codes.
        readReference('Error.xml'),
        PROFILES.slice(0, Math.floor(PROFILES.length / 2)),
        soapFault('env:Receiver', ['ter:Action', 'ter:ConfigurationConflict'], 'Encoder busy'),
        PROFILES.replace('<trt:Profiles fixed="true" token="main">', '<trt:Profiles fixed="true">'),
        readReference('GetStreamUri.xml'),
        // What a hostile device answers: entity expansion, 10,000 levels, a NUL, a bidi override in the token.
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${PROFILES.replace(/^<\?xml[^>]*>/, '').replace('<tt:Name>main</tt:Name>', '<tt:Name>&lol2;</tt:Name>')}`,
        PROFILES.replace('<trt:GetProfilesResponse>', `<trt:GetProfilesResponse>${'<tt:X>'.repeat(10_000)}${'</tt:X>'.repeat(10_000)}`),
        PROFILES.replace('<tt:Name>main</tt:Name>', '<tt:Name>ma\u0000in</tt:Name>'),
        PROFILES.replace('token="main"', 'token="ma\u202ein"'),
      ],
      interrupt: () => device.goDown(),
      restore: () => device.comeBack(),
      close: () => device.close(),
    };
  },
  { reconnects: true, reportsChanges: true },
);

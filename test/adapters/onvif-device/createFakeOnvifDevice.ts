/**
 * A fake ONVIF device: a real HTTP server on port 0 answering SOAP by operation with the
 * reference responses (shared/reference/onvif), rendered and patched to point at itself.
 *
 * It checks WS-Security like a device: every request but GetSystemDateAndTime must carry a
 * UsernameToken whose PasswordDigest matches its own password, whose nonce is fresh, and whose
 * `Created` is within 30 s of its clock; otherwise it answers a `ter:NotAuthorized` fault. Its
 * clock is frozen at the reference GetSystemDateAndTime (2014-12-24T19:14:37Z), so a client that
 * does not stamp tokens in device time is refused.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { readReference, renderDotTemplate } from '../onvif/onvifReference';

export interface FakeOnvifDeviceOptions {
  /** Makes this device's stream and snapshot URIs distinct from every other fake's. */
  readonly label: string;
  readonly username?: string;
  readonly password: string;
  /** Keep the reference profile's PTZConfiguration. Default true. */
  readonly ptz?: boolean;
  /** Add a low-resolution `sub` profile, listed before `main`. */
  readonly subProfile?: boolean;
}

export interface RecordedRequest {
  /** The local name of the element in the SOAP Body, e.g. `GetProfiles`. */
  readonly operation: string;
  /** The `action` parameter of the Content-Type (SOAP 1.2, RFC 3902). */
  readonly action: string | null;
  readonly path: string;
  /** Whether the request carried a UsernameToken, and whether the device accepted it. */
  readonly token: 'none' | 'accepted' | 'refused';
}

export interface RecordedMove {
  readonly profileToken: string;
  readonly pan: number;
  readonly tilt: number;
  readonly space: string;
}

export interface CannedAnswer {
  readonly status: number;
  readonly body: string;
}

export interface FakeOnvifDevice {
  readonly deviceServiceUrl: string;
  readonly requests: RecordedRequest[];
  /** AbsoluteMove positions, in order. */
  readonly moves: RecordedMove[];
  /** GotoPreset and Stop commands, in order. */
  readonly commands: { readonly operation: string; readonly profileToken: string; readonly presetToken: string | null }[];
  /** The stream URI this device gives for a profile. */
  streamUri(profileToken: string): string;
  snapshotUri(profileToken: string): string;
  /** Answer `operation` with `answer` instead of the reference response; null restores it. */
  override(operation: string, answer: CannedAnswer | null): void;
  /** Changes every stream URI (as a reconfigured encoder would). */
  setStreamSuffix(suffix: string): void;
  /** Accept requests and never answer them. */
  hang(on: boolean): void;
  /** Stop listening and drop open connections: clients see refused connections. */
  goDown(): Promise<void>;
  /** Listen again on the same port. */
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export const REFERENCE_DEVICE_CLOCK = new Date('2014-12-24T19:14:37Z');
const ALLOWED_CLOCK_SKEW_MS = 30_000;
const REFERENCE_HOST = '192.168.68.111';

const FILES: Readonly<Record<string, string>> = {
  GetSystemDateAndTime: 'GetSystemDateAndTime.xml',
  GetCapabilities: 'GetCapabilities.xml',
  GetDeviceInformation: 'GetDeviceInformation.xml',
  GetProfiles: 'GetProfiles.xml',
  GetStreamUri: 'GetStreamUri.xml',
  GetSnapshotUri: 'GetSnapshotUri.xml',
  GetStatus: 'GetStatus.xml',
  GetPresets: 'ptz.GetPresets.xml',
  AbsoluteMove: 'ptz.AbsoluteMove.xml',
  ContinuousMove: 'ptz.ContinuousMove.xml',
  Stop: 'ptz.Stop.xml',
};

export async function createFakeOnvifDevice(options: FakeOnvifDeviceOptions): Promise<FakeOnvifDevice> {
  const { label, username = 'admin', password, ptz = true, subProfile = false } = options;
  const requests: RecordedRequest[] = [];
  const moves: RecordedMove[] = [];
  const commands: { operation: string; profileToken: string; presetToken: string | null }[] = [];
  const overrides = new Map<string, CannedAnswer>();
  const seenNonces = new Set<string>();
  let streamSuffix = '';
  let hanging = false;
  let port = 0;

  const base = (): string => `http://127.0.0.1:${port}`;
  const streamUri = (profileToken: string): string => `rtsp://127.0.0.1:${port}/${label}/h264${profileToken}${streamSuffix}`;
  const snapshotUri = (profileToken: string): string =>
    `${base()}/${label}/onvif-cgi/jpg/image.cgi?resolution=800x600&compression=20&camera=1&profile=${profileToken}`;

  const reference = (operation: string): string => {
    const file = FILES[operation];
    if (file === undefined) throw new Error(`no reference response for ${operation}`);
    return renderDotTemplate(readReference(file), {
      hostname: '127.0.0.1',
      port,
      pullPointUrl: '/onvif/subscription?Idx=0',
      now: REFERENCE_DEVICE_CLOCK,
      conditionsHold: true,
    });
  };

  const answer = (operation: string, body: string): CannedAnswer => {
    const profileToken = /<(?:\w+:)?ProfileToken>([^<]*)</.exec(body)?.[1] ?? '';
    switch (operation) {
      case 'GetCapabilities':
        return ok(reference(operation).replaceAll(`http://${REFERENCE_HOST}/onvif/services`, `${base()}/onvif/services`));
      case 'GetProfiles':
        return ok(profilesAnswer(reference(operation), { ptz, subProfile }));
      case 'GetStreamUri':
        return ok(reference(operation).replace(`rtsp://${REFERENCE_HOST}/h264main`, escapeXml(streamUri(profileToken))));
      case 'GetSnapshotUri':
        return ok(reference(operation).replace(/http:\/\/192\.168\.68\.111\/onvif-cgi[^<]*/, escapeXml(snapshotUri(profileToken))));
      case 'AbsoluteMove': {
        const panTilt = /<(?:\w+:)?PanTilt x="([^"]*)" y="([^"]*)" space="([^"]*)"/.exec(body);
        if (panTilt === null) return fault(400, 'env:Sender', ['ter:InvalidArgVal', 'ter:InvalidPosition'], 'No PanTilt position');
        moves.push({ profileToken, pan: Number(panTilt[1]), tilt: Number(panTilt[2]), space: panTilt[3] ?? '' });
        return ok(reference(operation));
      }
      case 'GotoPreset': {
        const presetToken = /<(?:\w+:)?PresetToken>([^<]*)</.exec(body)?.[1] ?? '';
        // The reference device's presets (ptz.GetPresets.xml); the reference has no GotoPreset answer, so Stop's is adapted.
        if (!reference('GetPresets').includes(`token="${presetToken}"`)) return fault(400, 'env:Sender', ['ter:InvalidArgVal', 'ter:NoToken'], 'No such preset');
        commands.push({ operation, profileToken, presetToken });
        return ok(reference('Stop').replace(/StopResponse/g, 'GotoPresetResponse'));
      }
      case 'Stop':
        commands.push({ operation, profileToken, presetToken: null });
        return ok(reference(operation));
      default:
        return FILES[operation] === undefined
          ? fault(400, 'env:Receiver', ['ter:ActionNotSupported'], `${operation} is not supported`)
          : ok(reference(operation));
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    if (hanging) return; // the socket stays open until the client gives up or the server closes
    const operation = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(body)?.[1] ?? '';
    const action = /action="([^"]*)"/.exec(request.headers['content-type'] ?? '')?.[1] ?? null;
    const token = checkToken(body);
    requests.push({ operation, action, path: request.url ?? '', token: token.present ? (token.accepted ? 'accepted' : 'refused') : 'none' });
    let reply: CannedAnswer;
    if (operation === '') reply = fault(400, 'env:Sender', ['ter:InvalidArgVal'], 'No operation in the SOAP Body');
    else if (action !== null && !action.endsWith(`/${operation}`)) reply = fault(400, 'env:Sender', ['ter:InvalidArgVal'], `Action ${action} does not match ${operation}`);
    // Core spec: GetSystemDateAndTime is answered to anyone, so that clients can learn the device clock.
    else if (operation !== 'GetSystemDateAndTime' && !token.accepted) reply = fault(400, 'env:Sender', ['ter:NotAuthorized'], 'Sender not Authorized');
    else reply = overrides.get(operation) ?? answer(operation, body);
    response.writeHead(reply.status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(reply.body);
  };

  /** WS-Security UsernameToken Profile 1.0 §3.1, computed here independently of the code under test. */
  const checkToken = (body: string): { present: boolean; accepted: boolean } => {
    const field = (pattern: RegExp): string | undefined => pattern.exec(body)?.[1];
    const user = field(/<wsse:Username>([^<]*)<\/wsse:Username>/);
    const digest = field(/<wsse:Password Type="[^"]*#PasswordDigest">([^<]*)<\/wsse:Password>/);
    const nonce = field(/<wsse:Nonce[^>]*>([^<]*)<\/wsse:Nonce>/);
    const created = field(/<wsu:Created>([^<]*)<\/wsu:Created>/);
    if (user === undefined || digest === undefined || nonce === undefined || created === undefined) return { present: false, accepted: false };
    const expected = createHash('sha1').update(Buffer.from(nonce, 'base64')).update(created).update(password).digest('base64');
    const fresh = Math.abs(Date.parse(created) - REFERENCE_DEVICE_CLOCK.getTime()) <= ALLOWED_CLOCK_SKEW_MS && !seenNonces.has(nonce);
    seenNonces.add(nonce);
    return { present: true, accepted: user === username && digest === expected && fresh };
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  const listen = (at: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const shut = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await listen(0);
  port = (server.address() as AddressInfo).port;

  return {
    deviceServiceUrl: `${base()}/onvif/device_service`,
    requests,
    moves,
    commands,
    streamUri,
    snapshotUri,
    override: (operation, canned) => void (canned === null ? overrides.delete(operation) : overrides.set(operation, canned)),
    setStreamSuffix: (suffix) => void (streamSuffix = suffix),
    hang: (on) => void (hanging = on),
    goDown: shut,
    comeBack: () => listen(port),
    close: async () => {
      if (server.listening) await shut();
    },
  };
}

/** The reference GetProfiles, without its PTZConfiguration or with a `sub` profile placed first. */
function profilesAnswer(xml: string, { ptz, subProfile }: { ptz: boolean; subProfile: boolean }): string {
  let profiles = ptz ? xml : xml.replace(/<tt:PTZConfiguration[\s\S]*?<\/tt:PTZConfiguration>/, '');
  if (subProfile) {
    const main = /<trt:Profiles fixed="true" token="main">[\s\S]*?<\/trt:Profiles>/.exec(profiles)?.[0];
    if (main === undefined) throw new Error('reference GetProfiles has no main profile');
    const sub = main
      .replace('token="main"', 'token="sub"')
      .replace('<tt:Name>main</tt:Name>', '<tt:Name>sub</tt:Name>')
      .replace('<tt:VideoEncoderConfiguration token="main">', '<tt:VideoEncoderConfiguration token="sub">')
      .replace('<tt:Width>1920</tt:Width>', '<tt:Width>640</tt:Width>')
      .replace('<tt:Height>1080</tt:Height>', '<tt:Height>360</tt:Height>')
      .replace(/<tt:PTZConfiguration[\s\S]*?<\/tt:PTZConfiguration>/, '');
    profiles = profiles.replace(main, `${sub}\n${main}`);
  }
  return profiles;
}

/** A SOAP 1.2 Fault (Part 1 §5.4) with ONVIF subcodes (Core spec, "Error handling"). */
export function soapFault(code: string, subcodes: readonly string[], reason: string): string {
  const subcode = subcodes.reduceRight((inner, value) => `<env:Subcode><env:Value>${value}</env:Value>${inner}</env:Subcode>`, '');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error">' +
    `<env:Body><env:Fault><env:Code><env:Value>${code}</env:Value>${subcode}</env:Code>` +
    `<env:Reason><env:Text xml:lang="en">${reason}</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`
  );
}

const fault = (status: number, code: string, subcodes: readonly string[], reason: string): CannedAnswer => ({ status, body: soapFault(code, subcodes, reason) });
const ok = (body: string): CannedAnswer => ({ status: 200, body });
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * SOAP 1.2 request envelopes for the ONVIF operations the hub uses, with a WS-Security
 * UsernameToken (PasswordDigest) header. Pure: the clock and the nonce source are injected.
 */
import { createHash, randomBytes } from 'node:crypto';
import { OnvifError } from './onvifErrors';

export type OnvifService = 'device' | 'media' | 'ptz' | 'events';

export type CapabilityCategory = 'All' | 'Analytics' | 'Device' | 'Events' | 'Imaging' | 'Media' | 'PTZ';

/** A PTZ speed in the generic speed spaces, each in [0, 1]. */
export interface PtzSpeed {
  readonly panTilt?: number;
  readonly zoom?: number;
}

/** One request, by operation. Profile and preset tokens are ONVIF ReferenceTokens (≤ 64 characters). */
export type OnvifRequest =
  | { readonly operation: 'GetCapabilities'; readonly category?: CapabilityCategory }
  | { readonly operation: 'GetDeviceInformation' }
  | { readonly operation: 'GetSystemDateAndTime' }
  | { readonly operation: 'GetProfiles' }
  | { readonly operation: 'GetStreamUri'; readonly profileToken: string }
  | { readonly operation: 'GetSnapshotUri'; readonly profileToken: string }
  | { readonly operation: 'GetStatus'; readonly profileToken: string }
  | { readonly operation: 'GetPresets'; readonly profileToken: string }
  | {
      readonly operation: 'AbsoluteMove';
      readonly profileToken: string;
      /** Generic position space: pan and tilt in [-1, 1], zoom in [0, 1]. */
      readonly position: { readonly pan: number; readonly tilt: number; readonly zoom?: number };
      readonly speed?: PtzSpeed;
    }
  | {
      readonly operation: 'ContinuousMove';
      readonly profileToken: string;
      /** Generic velocity space, each in [-1, 1]. */
      readonly velocity: { readonly pan: number; readonly tilt: number; readonly zoom?: number };
      /** xs:duration after which the device stops by itself, e.g. `PT2S`. */
      readonly timeout?: string;
    }
  | { readonly operation: 'GotoPreset'; readonly profileToken: string; readonly presetToken: string; readonly speed?: PtzSpeed }
  | { readonly operation: 'Stop'; readonly profileToken: string; readonly panTilt?: boolean; readonly zoom?: boolean }
  | {
      readonly operation: 'CreatePullPointSubscription';
      /** xs:duration, default `PT60S`. */
      readonly initialTerminationTime?: string;
      /** Topic expressions (ConcreteSet dialect) to subscribe to, e.g. `KEPT_TOPICS`; all topics when absent. */
      readonly topicFilter?: readonly string[];
    }
  | { readonly operation: 'PullMessages'; readonly timeout?: string; readonly messageLimit?: number };

export type OnvifOperation = OnvifRequest['operation'];

/** WS-Security UsernameToken settings (Core spec, Security, "User token profile"). */
export interface UsernameTokenOptions {
  readonly username: string;
  readonly password: string;
  /** The local clock. */
  readonly now: () => Date;
  /** Fresh random bytes for every request; {@link randomNonce} in production. */
  readonly nonce: () => Uint8Array;
  /**
   * Device clock minus local clock in ms (from GetSystemDateAndTime, see `clockOffsetMs`):
   * `Created` is stamped in device time, since devices reject tokens outside their own window.
   */
  readonly clockOffsetMs?: number;
}

export interface BuildSoapRequestOptions {
  readonly request: OnvifRequest;
  /** Omit for unauthenticated calls: GetSystemDateAndTime must be answered without credentials. */
  readonly usernameToken?: UsernameTokenOptions | null;
}

/** What a transport needs to POST the request. */
export interface SoapRequest {
  readonly operation: OnvifOperation;
  /** Which service XAddr to send it to (from GetCapabilities). */
  readonly service: OnvifService;
  /** The SOAP 1.2 action (also in `contentType`, RFC 3902 `action` parameter). */
  readonly action: string;
  readonly contentType: string;
  readonly envelope: string;
}

/** The token fields as sent, for logs and tests. */
export interface UsernameToken {
  readonly username: string;
  readonly passwordDigest: string;
  readonly nonceBase64: string;
  readonly created: string;
}

const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  tt: 'http://www.onvif.org/ver10/schema',
  tns1: 'http://www.onvif.org/ver10/topics',
} as const;

const ENVELOPE_NAMESPACES = (['soap', 'tt', 'tds', 'trt', 'tptz', 'tev', 'wsnt'] as const)
  .map((prefix) => `xmlns:${prefix === 'soap' ? 's' : prefix}="${NS[prefix]}"`)
  .join(' ');

const PASSWORD_DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
const GENERIC_PAN_TILT_POSITION = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace';
const GENERIC_ZOOM_POSITION = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace';
const GENERIC_PAN_TILT_VELOCITY = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace';
const GENERIC_ZOOM_VELOCITY = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace';
const CONCRETE_SET_DIALECT = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';

/** Build the SOAP 1.2 envelope for one request. Throws {@link OnvifError} `bad-input` for bad arguments. */
export function buildSoapRequest({ request, usernameToken = null }: BuildSoapRequestOptions): SoapRequest {
  const { service, body } = requestBody(request);
  const header = usernameToken === null ? '' : `<s:Header>${securityHeader(createUsernameToken(usernameToken))}</s:Header>`;
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<s:Envelope ${ENVELOPE_NAMESPACES}>${header}<s:Body>${body}</s:Body></s:Envelope>`;
  const action = actionOf(request.operation, service);
  return { operation: request.operation, service, action, contentType: `application/soap+xml; charset=utf-8; action="${action}"`, envelope };
}

/**
 * WS-Security UsernameToken Profile 1.0 §3.1: PasswordDigest = Base64(SHA-1(nonce + created + password)),
 * over the raw nonce bytes and the UTF-8 of `created` and the password.
 */
export function passwordDigest(nonce: Uint8Array, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created, 'utf8').update(password, 'utf8').digest('base64');
}

/** A token stamped now in device time (local clock + `clockOffsetMs`), with a fresh nonce. */
export function createUsernameToken({ username, password, now, nonce, clockOffsetMs = 0 }: UsernameTokenOptions): UsernameToken {
  if (username === '' || hasUnsendableCharacter(username)) throw badInput('usernameToken.username', 'must be non-empty text without control characters', username);
  // The password itself never appears in an error.
  if (typeof password !== 'string') throw badInput('usernameToken.password', 'must be a string', undefined);
  if (!Number.isFinite(clockOffsetMs)) throw badInput('usernameToken.clockOffsetMs', 'must be a finite number', clockOffsetMs);
  const instant = now().getTime() + clockOffsetMs;
  if (!Number.isFinite(instant)) throw badInput('usernameToken.now', 'must return a valid date', instant);
  const nonceBytes = nonce();
  if (!(nonceBytes instanceof Uint8Array) || nonceBytes.length === 0) throw badInput('usernameToken.nonce', 'must return at least one byte', nonceBytes);
  // wsu:Created is xs:dateTime in UTC; toISOString gives `2014-12-24T16:20:37.475Z` as ONVIF clients send.
  const created = new Date(instant).toISOString();
  return { username, passwordDigest: passwordDigest(nonceBytes, created, password), nonceBase64: Buffer.from(nonceBytes).toString('base64'), created };
}

/** 16 random bytes, the customary nonce size. */
export function randomNonce(): Uint8Array {
  return randomBytes(16);
}

// ---- envelope parts -----------------------------------------------------------------------

function securityHeader(token: UsernameToken): string {
  return (
    `<wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(token.username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST_TYPE}">${token.passwordDigest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${token.nonceBase64}</wsse:Nonce>` +
    `<wsu:Created>${token.created}</wsu:Created>` +
    '</wsse:UsernameToken></wsse:Security>'
  );
}

function requestBody(request: OnvifRequest): { service: OnvifService; body: string } {
  switch (request.operation) {
    // Core spec, Device management: "Capabilities", "Get device information", "Get system date and time".
    case 'GetCapabilities':
      return device(`<tds:GetCapabilities><tds:Category>${capabilityCategory(request.category ?? 'All')}</tds:Category></tds:GetCapabilities>`);
    case 'GetDeviceInformation':
      return device('<tds:GetDeviceInformation/>');
    case 'GetSystemDateAndTime':
      return device('<tds:GetSystemDateAndTime/>');
    // Media spec: "Get media profiles", "Request stream URI", "Request snapshot URI".
    case 'GetProfiles':
      return media('<trt:GetProfiles/>');
    case 'GetStreamUri':
      // Streaming spec, "RTP/RTSP/TCP": unicast RTP set up over RTSP, the transport every Profile S device offers.
      return media(
        '<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>' +
          `<trt:ProfileToken>${token(request.profileToken, 'profileToken')}</trt:ProfileToken></trt:GetStreamUri>`,
      );
    case 'GetSnapshotUri':
      return media(`<trt:GetSnapshotUri><trt:ProfileToken>${token(request.profileToken, 'profileToken')}</trt:ProfileToken></trt:GetSnapshotUri>`);
    // PTZ spec: "GetStatus", "GetPresets", "AbsoluteMove", "ContinuousMove", "GotoPreset", "Stop".
    case 'GetStatus':
      return ptz(`<tptz:GetStatus>${profile(request.profileToken)}</tptz:GetStatus>`);
    case 'GetPresets':
      return ptz(`<tptz:GetPresets>${profile(request.profileToken)}</tptz:GetPresets>`);
    case 'AbsoluteMove': {
      const { pan, tilt, zoom } = request.position;
      const zoomVector = zoom === undefined ? '' : `<tt:Zoom x="${coordinate(zoom, 0, 1, 'position.zoom')}" space="${GENERIC_ZOOM_POSITION}"/>`;
      return ptz(
        `<tptz:AbsoluteMove>${profile(request.profileToken)}<tptz:Position>` +
          `<tt:PanTilt x="${coordinate(pan, -1, 1, 'position.pan')}" y="${coordinate(tilt, -1, 1, 'position.tilt')}" space="${GENERIC_PAN_TILT_POSITION}"/>` +
          `${zoomVector}</tptz:Position>${speed(request.speed)}</tptz:AbsoluteMove>`,
      );
    }
    case 'ContinuousMove': {
      const { pan, tilt, zoom } = request.velocity;
      const zoomVector = zoom === undefined ? '' : `<tt:Zoom x="${coordinate(zoom, -1, 1, 'velocity.zoom')}" space="${GENERIC_ZOOM_VELOCITY}"/>`;
      const timeout = request.timeout === undefined ? '' : `<tptz:Timeout>${duration(request.timeout, 'timeout')}</tptz:Timeout>`;
      return ptz(
        `<tptz:ContinuousMove>${profile(request.profileToken)}<tptz:Velocity>` +
          `<tt:PanTilt x="${coordinate(pan, -1, 1, 'velocity.pan')}" y="${coordinate(tilt, -1, 1, 'velocity.tilt')}" space="${GENERIC_PAN_TILT_VELOCITY}"/>` +
          `${zoomVector}</tptz:Velocity>${timeout}</tptz:ContinuousMove>`,
      );
    }
    case 'GotoPreset':
      return ptz(
        `<tptz:GotoPreset>${profile(request.profileToken)}<tptz:PresetToken>${token(request.presetToken, 'presetToken')}</tptz:PresetToken>` +
          `${speed(request.speed)}</tptz:GotoPreset>`,
      );
    case 'Stop':
      return ptz(
        `<tptz:Stop>${profile(request.profileToken)}<tptz:PanTilt>${request.panTilt ?? true}</tptz:PanTilt><tptz:Zoom>${request.zoom ?? true}</tptz:Zoom></tptz:Stop>`,
      );
    // Core spec, Event handling, "Real-time Pull-Point Notification Interface".
    case 'CreatePullPointSubscription': {
      const filter =
        request.topicFilter === undefined
          ? ''
          : `<tev:Filter><wsnt:TopicExpression xmlns:tns1="${NS.tns1}" Dialect="${CONCRETE_SET_DIALECT}">` +
            `${topicExpression(request.topicFilter)}</wsnt:TopicExpression></tev:Filter>`;
      return events(
        `<tev:CreatePullPointSubscription>${filter}<tev:InitialTerminationTime>${duration(request.initialTerminationTime ?? 'PT60S', 'initialTerminationTime')}` +
          '</tev:InitialTerminationTime></tev:CreatePullPointSubscription>',
      );
    }
    case 'PullMessages':
      return events(
        `<tev:PullMessages><tev:Timeout>${duration(request.timeout ?? 'PT10S', 'timeout')}</tev:Timeout>` +
          `<tev:MessageLimit>${messageLimit(request.messageLimit ?? 10)}</tev:MessageLimit></tev:PullMessages>`,
      );
  }
}

const device = (body: string): { service: OnvifService; body: string } => ({ service: 'device', body });
const media = (body: string): { service: OnvifService; body: string } => ({ service: 'media', body });
const ptz = (body: string): { service: OnvifService; body: string } => ({ service: 'ptz', body });
const events = (body: string): { service: OnvifService; body: string } => ({ service: 'events', body });

function actionOf(operation: OnvifOperation, service: OnvifService): string {
  switch (service) {
    case 'device':
      return `${NS.tds}/${operation}`;
    case 'media':
      return `${NS.trt}/${operation}`;
    case 'ptz':
      return `${NS.tptz}/${operation}`;
    case 'events':
      // WS-Addressing actions of the events WSDL.
      return operation === 'PullMessages'
        ? `${NS.tev}/PullPointSubscription/PullMessagesRequest`
        : `${NS.tev}/EventPortType/${operation}Request`;
  }
}

// ---- argument checks ----------------------------------------------------------------------

function profile(profileToken: string): string {
  return `<tptz:ProfileToken>${token(profileToken, 'profileToken')}</tptz:ProfileToken>`;
}

/** tt:ReferenceToken: xs:string, at most 64 characters (ONVIF schema). */
function token(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 64 || hasUnsendableCharacter(value)) {
    throw badInput(name, 'must be a token of 1 to 64 characters without control characters', value);
  }
  return escapeXml(value);
}

function coordinate(value: unknown, min: number, max: number, name: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw badInput(name, `must be a number in [${min}, ${max}]`, value);
  // Six decimals are finer than any PTZ head resolves; avoids exponent notation such as 1e-7.
  const rounded = Math.round(value * 1e6) / 1e6;
  return String(rounded === 0 ? 0 : rounded);
}

function speed(value: PtzSpeed | undefined): string {
  if (value === undefined || (value.panTilt === undefined && value.zoom === undefined)) return '';
  const panTilt = value.panTilt === undefined ? '' : `<tt:PanTilt x="${coordinate(value.panTilt, 0, 1, 'speed.panTilt')}" y="${coordinate(value.panTilt, 0, 1, 'speed.panTilt')}"/>`;
  const zoom = value.zoom === undefined ? '' : `<tt:Zoom x="${coordinate(value.zoom, 0, 1, 'speed.zoom')}"/>`;
  return `<tptz:Speed>${panTilt}${zoom}</tptz:Speed>`;
}

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function duration(value: unknown, name: string): string {
  if (typeof value !== 'string' || !DURATION.test(value)) throw badInput(name, 'must be a positive xs:duration such as PT60S', value);
  return value;
}

function messageLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) throw badInput('messageLimit', 'must be an integer in [1, 1000]', value);
  return value;
}

const CATEGORIES: readonly CapabilityCategory[] = ['All', 'Analytics', 'Device', 'Events', 'Imaging', 'Media', 'PTZ'];

function capabilityCategory(value: unknown): CapabilityCategory {
  const category = CATEGORIES.find((known) => known === value);
  if (category === undefined) throw badInput('category', `must be one of ${CATEGORIES.join(', ')}`, value);
  return category;
}

const TOPIC_EXPRESSION = /^[A-Za-z_][\w.-]*:[A-Za-z_][\w.-]*(\/[A-Za-z_][\w.:-]*)*$/;

function topicExpression(topics: readonly string[]): string {
  if (topics.length === 0) throw badInput('topicFilter', 'must name at least one topic', topics);
  for (const topic of topics) if (!TOPIC_EXPRESSION.test(topic)) throw badInput('topicFilter', 'must hold concrete topics such as tns1:VideoSource/MotionAlarm', topic);
  // ConcreteSet dialect: alternatives joined by "|".
  return topics.join('|');
}

/** Control characters, and what XML 1.0 §2.2 cannot carry at all (U+FFFE, U+FFFF, unpaired surrogates). */
function hasUnsendableCharacter(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);
}

function badInput(argument: string, problem: string, value: unknown): OnvifError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value === 'number' ? String(value) : typeof value;
  return new OnvifError('bad-input', `${argument} ${problem}; got ${shown}`);
}

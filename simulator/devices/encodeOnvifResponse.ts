/**
 * SOAP 1.2 answers of a simulated ONVIF device (Core, Media and PTZ specifications), built from
 * plain data. Pure. The shapes follow what devices send (the reference answers in
 * shared/reference/onvif); nothing is read from there.
 */

const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  ter: 'http://www.onvif.org/ver10/error',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
} as const;

export const GENERIC_PAN_TILT_SPACE = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace';
export const GENERIC_ZOOM_SPACE = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace';

/** One media profile: an encoder and the stream it feeds, PTZ-capable or not. */
export interface OnvifProfileSheet {
  readonly token: string;
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly frameRateLimit: number;
  readonly streamUri: string;
  /** The profile carries the device's PTZConfiguration. */
  readonly ptz: boolean;
}

/** A PTZ position in the generic spaces: pan and tilt in [-1, 1], zoom in [0, 1]. */
export interface PtzPosition {
  readonly pan: number;
  readonly tilt: number;
  readonly zoom: number;
}

export interface OnvifPresetSheet extends PtzPosition {
  readonly token: string;
  readonly name: string;
}

export interface DeviceInformationSheet {
  readonly manufacturer: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serialNumber: string;
  readonly hardwareId: string;
}

/** Where the device's services answer. */
export interface ServiceAddresses {
  readonly device: string;
  readonly media: string;
  /** Null for a device without pan/tilt. */
  readonly ptz: string | null;
}

/** SOAP 1.2 Part 1 §5.4; ONVIF Core, "Error handling", for the subcodes. */
export interface SoapFaultSheet {
  readonly code: 'env:Sender' | 'env:Receiver';
  /** Outermost first, e.g. `['ter:InvalidArgVal', 'ter:NoProfile']`. */
  readonly subcodes: readonly string[];
  readonly reason: string;
}

export function encodeSoapFault({ code, subcodes, reason }: SoapFaultSheet): string {
  const nested = subcodes.reduceRight((inner, value) => `<env:Subcode><env:Value>${value}</env:Value>${inner}</env:Subcode>`, '');
  return envelope(
    `<env:Fault><env:Code><env:Value>${code}</env:Value>${nested}</env:Code>` +
      `<env:Reason><env:Text xml:lang="en">${escapeXml(reason)}</env:Text></env:Reason></env:Fault>`,
  );
}

/** Core, "Get system date and time": the device clock in UTC, whole seconds. */
export function encodeSystemDateAndTime(now: Date, posixTimeZone: string): string {
  const field = (name: string, value: number) => `<tt:${name}>${value}</tt:${name}>`;
  return response(
    'tds:GetSystemDateAndTimeResponse',
    '<tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>' +
      `<tt:TimeZone><tt:TZ>${escapeXml(posixTimeZone)}</tt:TZ></tt:TimeZone><tt:UTCDateTime>` +
      `<tt:Time>${field('Hour', now.getUTCHours())}${field('Minute', now.getUTCMinutes())}${field('Second', now.getUTCSeconds())}</tt:Time>` +
      `<tt:Date>${field('Year', now.getUTCFullYear())}${field('Month', now.getUTCMonth() + 1)}${field('Day', now.getUTCDate())}</tt:Date>` +
      '</tt:UTCDateTime></tds:SystemDateAndTime>',
  );
}

/** Core, "Get device information". */
export function encodeDeviceInformation(info: DeviceInformationSheet): string {
  return response(
    'tds:GetDeviceInformationResponse',
    `<tds:Manufacturer>${escapeXml(info.manufacturer)}</tds:Manufacturer><tds:Model>${escapeXml(info.model)}</tds:Model>` +
      `<tds:FirmwareVersion>${escapeXml(info.firmwareVersion)}</tds:FirmwareVersion><tds:SerialNumber>${escapeXml(info.serialNumber)}</tds:SerialNumber>` +
      `<tds:HardwareId>${escapeXml(info.hardwareId)}</tds:HardwareId>`,
  );
}

/** Core, "Capabilities": `category` one of All, Device, Media, PTZ (the caller has checked it). */
export function encodeCapabilities(services: ServiceAddresses, category: 'All' | 'Device' | 'Media' | 'PTZ'): string {
  const wanted = (name: 'Device' | 'Media' | 'PTZ') => category === 'All' || category === name;
  const device =
    `<tt:Device><tt:XAddr>${escapeXml(services.device)}</tt:XAddr><tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve>` +
    '<tt:DiscoveryBye>false</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup>' +
    '<tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade></tt:System>' +
    '<tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>false</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration>' +
    '<tt:AccessPolicyConfig>false</tt:AccessPolicyConfig><tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken>' +
    '<tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security></tt:Device>';
  const media =
    `<tt:Media><tt:XAddr>${escapeXml(services.media)}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>` +
    '<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>';
  const ptz = services.ptz === null ? '' : `<tt:PTZ><tt:XAddr>${escapeXml(services.ptz)}</tt:XAddr></tt:PTZ>`;
  return response(
    'tds:GetCapabilitiesResponse',
    `<tds:Capabilities>${wanted('Device') ? device : ''}${wanted('Media') ? media : ''}${wanted('PTZ') ? ptz : ''}</tds:Capabilities>`,
  );
}

/** Core, "Get services" (without capabilities): one entry per service the device offers. */
export function encodeServices(services: ServiceAddresses): string {
  const entry = (namespace: string, xaddr: string, major: number, minor: number) =>
    `<tds:Service><tds:Namespace>${namespace}</tds:Namespace><tds:XAddr>${escapeXml(xaddr)}</tds:XAddr>` +
    `<tds:Version><tt:Major>${major}</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`;
  return response(
    'tds:GetServicesResponse',
    entry(NS.tds, services.device, 2, 60) + entry(NS.trt, services.media, 2, 60) + (services.ptz === null ? '' : entry(NS.tptz, services.ptz, 2, 60)),
  );
}

/** Media, "Get media profiles": one video source shared by every profile, one encoder each. */
export function encodeProfiles(profiles: readonly OnvifProfileSheet[]): string {
  const largest = profiles.reduce((best, profile) => (profile.width * profile.height > best.width * best.height ? profile : best), profiles[0] ?? { width: 0, height: 0 });
  const items = profiles.map((profile) => {
    const token = escapeXml(profile.token);
    const ptz = profile.ptz
      ? '<tt:PTZConfiguration token="PTZ_1"><tt:Name>PTZ</tt:Name><tt:UseCount>1</tt:UseCount><tt:NodeToken>PTZNode_1</tt:NodeToken>' +
        `<tt:DefaultAbsolutePantTiltPositionSpace>${GENERIC_PAN_TILT_SPACE}</tt:DefaultAbsolutePantTiltPositionSpace>` +
        `<tt:DefaultAbsoluteZoomPositionSpace>${GENERIC_ZOOM_SPACE}</tt:DefaultAbsoluteZoomPositionSpace>` +
        '<tt:DefaultPTZTimeout>PT5S</tt:DefaultPTZTimeout></tt:PTZConfiguration>'
      : '';
    return (
      `<trt:Profiles fixed="true" token="${token}"><tt:Name>${escapeXml(profile.name)}</tt:Name>` +
      `<tt:VideoSourceConfiguration token="VideoSourceConfig_1"><tt:Name>VideoSource</tt:Name><tt:UseCount>${profiles.length}</tt:UseCount>` +
      `<tt:SourceToken>VideoSource_1</tt:SourceToken><tt:Bounds x="0" y="0" width="${largest.width}" height="${largest.height}"/></tt:VideoSourceConfiguration>` +
      `<tt:VideoEncoderConfiguration token="Encoder_${token}"><tt:Name>${escapeXml(profile.name)} encoder</tt:Name><tt:UseCount>1</tt:UseCount>` +
      `<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${profile.width}</tt:Width><tt:Height>${profile.height}</tt:Height></tt:Resolution>` +
      `<tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>${profile.frameRateLimit}</tt:FrameRateLimit>` +
      `<tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${Math.round((profile.width * profile.height) / 512)}</tt:BitrateLimit></tt:RateControl>` +
      '<tt:H264><tt:GovLength>30</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>' +
      '<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>' +
      `${ptz}</trt:Profiles>`
    );
  });
  return response('trt:GetProfilesResponse', items.join(''));
}

/** Media, "Request stream URI" and "Request snapshot URI": a tt:MediaUri valid until reboot. */
export function encodeMediaUri(operation: 'GetStreamUri' | 'GetSnapshotUri', uri: string): string {
  return response(
    `trt:${operation}Response`,
    `<trt:MediaUri><tt:Uri>${escapeXml(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>` +
      '<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>',
  );
}

/** PTZ, "GetStatus": the head at rest where the last command left it. */
export function encodePtzStatus(position: PtzPosition, now: Date): string {
  return response(
    'tptz:GetStatusResponse',
    `<tptz:PTZStatus><tt:Position>${vector(position)}</tt:Position>` +
      `<tt:MoveStatus><tt:PanTilt>IDLE</tt:PanTilt><tt:Zoom>IDLE</tt:Zoom></tt:MoveStatus><tt:UtcTime>${wholeSeconds(now)}</tt:UtcTime></tptz:PTZStatus>`,
  );
}

/** PTZ, "GetPresets". */
export function encodePresets(presets: readonly OnvifPresetSheet[]): string {
  return response(
    'tptz:GetPresetsResponse',
    presets
      .map((preset) => `<tptz:Preset token="${escapeXml(preset.token)}"><tt:Name>${escapeXml(preset.name)}</tt:Name><tt:PTZPosition>${vector(preset)}</tt:PTZPosition></tptz:Preset>`)
      .join(''),
  );
}

/** PTZ AbsoluteMove, GotoPreset and Stop answer with an empty element. */
export function encodeEmptyPtzResponse(operation: 'AbsoluteMove' | 'GotoPreset' | 'Stop'): string {
  return response(`tptz:${operation}Response`, '');
}

function vector({ pan, tilt, zoom }: PtzPosition): string {
  return `<tt:PanTilt x="${pan}" y="${tilt}" space="${GENERIC_PAN_TILT_SPACE}"/><tt:Zoom x="${zoom}" space="${GENERIC_ZOOM_SPACE}"/>`;
}

function response(element: string, content: string): string {
  return envelope(content === '' ? `<${element}/>` : `<${element}>${content}</${element}>`);
}

function envelope(body: string): string {
  const namespaces = Object.entries(NS)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope ${namespaces}><env:Body>${body}</env:Body></env:Envelope>`;
}

const wholeSeconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

import {
  OnvifError,
  cameraStreamFrom,
  clockOffsetMs,
  faultHasSubcode,
  onvifErrorFrom,
  parseSoapResponse,
  rejectionFrom,
  type OnvifReason,
  type OnvifResponseOperation,
  type OnvifResult,
} from '../../../adapters/onvif';
import { DOT_VALUES, readReference, referenceFileNames, renderDotTemplate } from './onvifReference';

const soap = (body: string, prefix = 'env'): string =>
  `<?xml version="1.0" encoding="UTF-8"?><${prefix}:Envelope xmlns:${prefix}="http://www.w3.org/2003/05/soap-envelope" ` +
  'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" ' +
  `xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><${prefix}:Body>${body}</${prefix}:Body></${prefix}:Envelope>`;

function valueOf<T>(result: OnvifResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.detail}`);
  return result.value;
}

describe('parseSoapResponse on the reference files', () => {
  // What each reference file yields when read as the response it is (or, for the two that are
  // not ONVIF responses, as GetProfiles). Templates are read as stored here; rendered below.
  const expectations: readonly [file: string, operation: OnvifResponseOperation, outcome: 'ok' | OnvifReason][] = [
    ['Error.xml', 'GetProfiles', 'soap-fault'],
    ['GetCapabilities.xml', 'GetCapabilities', 'ok'],
    ['GetDeviceInformation.xml', 'GetDeviceInformation', 'ok'],
    ['GetProfiles.xml', 'GetProfiles', 'ok'],
    ['GetSnapshotUri.xml', 'GetSnapshotUri', 'ok'],
    ['GetStatus.xml', 'GetStatus', 'ok'],
    ['GetStreamUri.xml', 'GetStreamUri', 'ok'],
    ['GetSystemDateAndTime.xml', 'GetSystemDateAndTime', 'ok'],
    ['Probe.xml', 'GetProfiles', 'unexpected-response'],
    ['PullMessages.xml', 'PullMessages', 'malformed-xml'],
    ['events.CreatePullPointSubscription.xml', 'CreatePullPointSubscription', 'bad-value'],
    ['ptz.AbsoluteMove.xml', 'AbsoluteMove', 'ok'],
    ['ptz.ContinuousMove.xml', 'ContinuousMove', 'ok'],
    ['ptz.GetPresets.xml', 'GetPresets', 'ok'],
    ['ptz.Stop.xml', 'Stop', 'ok'],
  ];

  it('covers every file in the reference folder', () => {
    expect(expectations.map(([file]) => file).sort()).toEqual(referenceFileNames());
  });

  it.each(expectations)('%s read as %s → %s', (file, operation, outcome) => {
    const result = parseSoapResponse(operation, readReference(file));
    expect(result.ok ? 'ok' : result.reason).toBe(outcome);
  });

  it('GetProfiles: one fixed profile "main", H264 1920×1080 at 5 fps, with a PTZ configuration', () => {
    expect(valueOf(parseSoapResponse('GetProfiles', readReference('GetProfiles.xml')))).toEqual([
      {
        token: 'main',
        name: 'main',
        fixed: true,
        videoSource: { token: 'vscfg0', sourceToken: 'vidsrc0' },
        videoEncoder: { token: 'main', encoding: 'H264', width: 1920, height: 1080, frameRateLimit: 5 },
        ptz: { token: 'default', nodeToken: 'default' },
      },
    ]);
  });

  it('GetStreamUri: the RTSP URI, and the contract CameraStream made from it', () => {
    const uri = valueOf(parseSoapResponse('GetStreamUri', readReference('GetStreamUri.xml')));
    expect(uri).toEqual({ uri: 'rtsp://192.168.68.111/h264main', invalidAfterConnect: false, invalidAfterReboot: false, timeout: 'PT0S' });
    const [profile] = valueOf(parseSoapResponse('GetProfiles', readReference('GetProfiles.xml')));
    expect(profile && cameraStreamFrom(profile, uri)).toEqual({ protocol: 'RTSP', url: 'rtsp://192.168.68.111/h264main', profile: 'main' });
  });

  it('GetSnapshotUri: &amp; unescaped, read despite the undeclared SOAP-ENV prefix', () => {
    expect(valueOf(parseSoapResponse('GetSnapshotUri', readReference('GetSnapshotUri.xml'))).uri).toBe(
      'http://192.168.68.111/onvif-cgi/jpg/image.cgi?resolution=800x600&compression=20&camera=1',
    );
  });

  it('GetStatus: position in the generic spaces, both axes idle', () => {
    expect(valueOf(parseSoapResponse('GetStatus', readReference('GetStatus.xml')))).toEqual({
      position: {
        pan: -0.864665985,
        tilt: 0.267444015,
        zoom: 0.211861998,
        panTiltSpace: 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace',
        zoomSpace: 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace',
      },
      moveStatus: { panTilt: 'IDLE', zoom: 'IDLE' },
      error: null,
      utcTime: '2014-12-29T20:01:31.000Z',
    });
  });

  it('GetDeviceInformation: strings kept as text (serial 00000000 is not the number 0)', () => {
    expect(valueOf(parseSoapResponse('GetDeviceInformation', readReference('GetDeviceInformation.xml')))).toEqual({
      manufacturer: 'Mockup Manufacturer',
      model: 'Mockup Model',
      firmwareVersion: 'Mockup_15_14_13',
      serialNumber: '00000000',
      hardwareId: 'MOCKUP',
    });
  });

  it('GetSystemDateAndTime: the device UTC clock, and the offset to stamp tokens with', () => {
    const time = valueOf(parseSoapResponse('GetSystemDateAndTime', readReference('GetSystemDateAndTime.xml')));
    expect(time).toEqual({ dateTimeType: 'Manual', daylightSavings: true, timeZone: 'MoroccoStandardTime0', utc: '2014-12-24T19:14:37.000Z' });
    // The reference token in GetCapabilities.xml was created at 16:20:37.475Z the same day:
    // that client's clock ran 2 h 54 min behind this device's.
    expect(clockOffsetMs(time, new Date('2014-12-24T16:20:37.475Z'))).toBe(((2 * 60 + 54) * 60) * 1000 - 475);
  });

  it('GetCapabilities: the service addresses and pull-point support', () => {
    const services = 'http://192.168.68.111/onvif/services';
    expect(valueOf(parseSoapResponse('GetCapabilities', readReference('GetCapabilities.xml')))).toEqual({
      device: { xaddr: services },
      media: { xaddr: services, rtpMulticast: false, rtpTcp: true, rtpRtspTcp: true },
      ptz: { xaddr: services },
      events: { xaddr: services, wsPullPointSupport: true },
      imaging: { xaddr: services },
    });
  });

  it('GetPresets: the doT directive sits in text, so the stored file reads as 46 presets without positions', () => {
    const presets = valueOf(parseSoapResponse('GetPresets', readReference('ptz.GetPresets.xml')));
    expect(presets).toHaveLength(46);
    expect(presets[0]).toEqual({ token: 'P001', name: 'P001', position: null });
    expect(presets.at(-1)).toEqual({ token: 'Home2', name: 'Home', position: null });
    const onlyOne = renderDotTemplate(readReference('ptz.GetPresets.xml'), { ...DOT_VALUES, conditionsHold: false });
    expect(valueOf(parseSoapResponse('GetPresets', onlyOne)).map((preset) => preset.token)).toEqual(['P001']);
  });

  it('CreatePullPointSubscription: fails on the unrendered address, reads once the template is rendered', () => {
    const stored = parseSoapResponse('CreatePullPointSubscription', readReference('events.CreatePullPointSubscription.xml'));
    expect(stored).toMatchObject({ ok: false, reason: 'bad-value', detail: expect.stringContaining('SubscriptionReference/Address') });
    const rendered = renderDotTemplate(readReference('events.CreatePullPointSubscription.xml'), DOT_VALUES);
    expect(valueOf(parseSoapResponse('CreatePullPointSubscription', rendered))).toEqual({
      address: 'http://192.168.68.111:8000/onvif/subscription?Idx=0',
      currentTime: '2015-05-14T13:57:50.230Z',
      terminationTime: '2015-05-14T13:57:55.230Z',
    });
  });

  it('Probe.xml is WS-Discovery, not a device service answer: unexpected-response naming what it holds', () => {
    expect(parseSoapResponse('GetProfiles', readReference('Probe.xml'))).toEqual({
      ok: false,
      reason: 'unexpected-response',
      detail: 'the SOAP Body holds wsdd:ProbeMatches; expected GetProfilesResponse',
    });
  });
});

describe('SOAP Faults', () => {
  it('Error.xml: the typographic quotes in its XML declaration are recovered, and the fault named', () => {
    const result = parseSoapResponse('GetStreamUri', readReference('Error.xml'));
    expect(result).toEqual({
      ok: false,
      reason: 'soap-fault',
      detail: 'the device answered SOAP 1.2 Fault fault code / ter:fault subcode / ter:fault subcode: fault reason',
      fault: {
        soapVersion: '1.2',
        code: 'fault code',
        subcodes: ['ter:fault subcode', 'ter:fault subcode'],
        reason: 'fault reason',
        node: 'http://www.w3.org/2003/05/soap-envelope/node/ultimateReceiver',
        role: 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver',
        detail: 'fault detail',
      },
    });
  });

  it('typographic quotes are recovered only in the XML declaration', () => {
    const inBody = readReference('Error.xml').replace('xml:lang="en"', 'xml:lang=\u201den\u201d');
    expect(parseSoapResponse('GetProfiles', inBody)).toMatchObject({ ok: false, reason: 'malformed-xml' });
    const brokenDeclaration = readReference('Error.xml').replace('<?xml version=\u201d1.0\u201d ?>', '<?xml version=1.0 ?>');
    expect(parseSoapResponse('GetProfiles', brokenDeclaration)).toMatchObject({ ok: false, reason: 'malformed-xml' });
  });

  it('an ONVIF NotAuthorized fault: code, nested subcodes, the English reason', () => {
    const xml = soap(
      '<env:Fault xmlns:ter="http://www.onvif.org/ver10/error"><env:Code><env:Value>env:Sender</env:Value>' +
        '<env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>' +
        '<env:Reason><env:Text xml:lang="de">Nicht berechtigt</env:Text><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault>',
    );
    const result = parseSoapResponse('GetProfiles', xml);
    expect(result).toMatchObject({
      ok: false,
      reason: 'soap-fault',
      detail: 'the device answered SOAP 1.2 Fault env:Sender / ter:NotAuthorized: Sender not Authorized',
    });
    expect(!result.ok && result.fault !== undefined && faultHasSubcode(result.fault, 'NotAuthorized')).toBe(true);
    const error = onvifErrorFrom(result.ok ? fail() : result);
    expect(error).toBeInstanceOf(OnvifError);
    expect(error.code).toBe('soap-fault');
    expect(error.message).toContain('ter:NotAuthorized');
  });

  it('a SOAP 1.1 fault from old firmware', () => {
    const xml =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>' +
      '<faultcode>s:Client</faultcode><faultstring>Invalid profile token</faultstring><detail><e>NoProfile</e></detail></s:Fault></s:Body></s:Envelope>';
    expect(parseSoapResponse('GetStreamUri', xml)).toMatchObject({
      ok: false,
      reason: 'soap-fault',
      fault: { soapVersion: '1.1', code: 's:Client', subcodes: [], reason: 'Invalid profile token', detail: 'NoProfile' },
    });
  });

  it('a fault with nothing in it is still the device answering with a fault', () => {
    expect(parseSoapResponse('Stop', soap('<env:Fault/>'))).toMatchObject({
      ok: false,
      reason: 'soap-fault',
      detail: 'the device answered SOAP 1.2 Fault (no code): (no reason)',
    });
  });

  it('a failure becomes the contract Rejection with the raw payload', () => {
    const raw = readReference('Error.xml');
    const result = parseSoapResponse('GetProfiles', raw);
    expect(rejectionFrom(result.ok ? fail() : result, { source: 'onvif', raw, receivedAt: '2024-05-01T00:00:00.000Z' })).toEqual({
      source: 'onvif',
      reason: 'soap-fault',
      detail: expect.stringContaining('fault reason'),
      raw,
      receivedAt: '2024-05-01T00:00:00.000Z',
    });
  });
});

describe('parseSoapResponse field checks', () => {
  const streamUri = (uri: string): string =>
    soap(
      `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${uri}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>` +
        '<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>',
    );

  it.each([
    ['any prefix for the envelope', soap('<trt:GetStreamUriResponse/>', 'SOAP-ENV'), 'missing-field'],
    ['padding around the URI', streamUri('\n   rtsp://10.0.0.5:554/stream1?a=1&amp;b=2  \n'), 'ok'],
    ['an http URI where RTSP was asked for', streamUri('http://10.0.0.5/stream'), 'bad-value'],
    ['not a URI', streamUri('stream1'), 'bad-value'],
    ['an empty Body', soap(''), 'unexpected-response'],
    ['another response', soap('<trt:GetSnapshotUriResponse/>'), 'unexpected-response'],
    ['no Body', '<env:Envelope xmlns:env="x"><env:Header/></env:Envelope>', 'not-soap'],
    ['not an Envelope', '<html><body>401 Unauthorized</body></html>', 'not-soap'],
  ])('GetStreamUri with %s', (_label, xml, outcome) => {
    const result = parseSoapResponse('GetStreamUri', xml);
    expect(result.ok ? 'ok' : result.reason).toBe(outcome);
    if (result.ok) expect(result.value.uri).toBe('rtsp://10.0.0.5:554/stream1?a=1&b=2');
  });

  it.each([
    ['a position outside the generic space', '<tt:PanTilt space="http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace" x="1.5" y="0"/>', 'bad-value'],
    ['a position in degrees (another space)', '<tt:PanTilt space="http://example.com/DegreesSpace" x="135" y="-20"/>', 'ok'],
    ['a coordinate that is not a number', '<tt:PanTilt x="NaN" y="0"/>', 'bad-value'],
    ['a missing y', '<tt:PanTilt x="0.5"/>', 'missing-field'],
  ])('GetStatus with %s', (_label, panTilt, outcome) => {
    const xml = soap(
      `<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position>${panTilt}</tt:Position>` +
        '<tt:MoveStatus><tt:PanTilt>MOVING</tt:PanTilt></tt:MoveStatus></tptz:PTZStatus></tptz:GetStatusResponse>',
    );
    const result = parseSoapResponse('GetStatus', xml);
    expect(result.ok ? 'ok' : result.reason).toBe(outcome);
  });

  it('rejects an unknown move status and a calendar date that does not exist', () => {
    const status = soap('<tptz:GetStatusResponse><tptz:PTZStatus><tt:MoveStatus><tt:Zoom>SPINNING</tt:Zoom></tt:MoveStatus></tptz:PTZStatus></tptz:GetStatusResponse>');
    expect(parseSoapResponse('GetStatus', status)).toMatchObject({ ok: false, reason: 'bad-value' });
    const february30 = readReference('GetSystemDateAndTime.xml').replace('<tt:Month>12</tt:Month>', '<tt:Month>2</tt:Month>').replace('<tt:Day>24</tt:Day>', '<tt:Day>30</tt:Day>');
    expect(parseSoapResponse('GetSystemDateAndTime', february30)).toMatchObject({ ok: false, reason: 'bad-value', detail: expect.stringContaining('calendar') });
  });

  it('rejects a profile without a token', () => {
    const noToken = readReference('GetProfiles.xml').replace('fixed="true" token="main"', 'fixed="true"');
    expect(parseSoapResponse('GetProfiles', noToken)).toEqual({ ok: false, reason: 'missing-field', detail: 'Profiles@token is missing' });
  });
});

function fail(): never {
  throw new Error('expected a failure');
}

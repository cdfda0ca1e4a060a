import fc from 'fast-check';
import {
  KEPT_TOPICS,
  filterEventNotifications,
  mentionsPeople,
  parsePullMessagesResponse,
  parseSoapResponse,
  type DropReason,
  type NotificationCandidate,
  type OnvifResult,
  type PullMessagesResult,
} from '../../../adapters/onvif';
import { DOT_VALUES, readReference, renderDotTemplate } from './onvifReference';

interface HandBuilt {
  readonly topic: string;
  readonly source?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, string>>;
  /** Raw XML placed in an ElementItem under Data. */
  readonly elementItem?: string;
  /** Extra namespace declarations on the Topic element. */
  readonly topicNamespaces?: string;
}

const items = (values: Readonly<Record<string, string>> | undefined): string =>
  Object.entries(values ?? {})
    .map(([name, value]) => `<tt:SimpleItem Name="${name}" Value="${value}"/>`)
    .join('');

const notification = ({ topic, source, data, elementItem, topicNamespaces = '' }: HandBuilt): string =>
  '<wsnt:NotificationMessage>' +
  `<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet"${topicNamespaces}>${topic}</wsnt:Topic>` +
  '<wsnt:Message><tt:Message UtcTime="2024-05-01T12:00:00Z" PropertyOperation="Changed">' +
  `<tt:Source>${items(source ?? { VideoSourceConfigurationToken: 'vsc0' })}</tt:Source>` +
  `<tt:Data>${items(data)}${elementItem === undefined ? '' : `<tt:ElementItem Name="Payload">${elementItem}</tt:ElementItem>`}</tt:Data>` +
  '</tt:Message></wsnt:Message></wsnt:NotificationMessage>';

const pullMessages = (...notifications: readonly HandBuilt[]): string =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" ' +
  'xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" ' +
  'xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:tnsaxis="http://www.axis.com/2009/event/topics"><env:Body>' +
  '<tev:PullMessagesResponse><tev:CurrentTime>2024-05-01T12:00:01Z</tev:CurrentTime><tev:TerminationTime>2024-05-01T12:01:01Z</tev:TerminationTime>' +
  notifications.map(notification).join('') +
  '</tev:PullMessagesResponse></env:Body></env:Envelope>';

function valueOf(result: OnvifResult<PullMessagesResult>): PullMessagesResult {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.detail}`);
  return result.value;
}

const filterOne = (built: HandBuilt): PullMessagesResult => valueOf(parsePullMessagesResponse(pullMessages(built)));

describe('the reference PullMessages.xml', () => {
  // The file is a doT template: `{{? Math.random() < 0.5 }} … {{?}}` around each notification
  // (the bare "<" makes it malformed as stored) and `{{=…}}` placeholders for the host and time.
  // renderDotTemplate (onvifReference.ts) substitutes fixed values; the conditions are taken as
  // true (both notifications present) or false (none).
  it('is malformed XML as stored', () => {
    expect(parsePullMessagesResponse(readReference('PullMessages.xml'))).toMatchObject({
      ok: false,
      reason: 'malformed-xml',
      detail: expect.stringContaining('line 18'),
    });
  });

  it('rendered with both notifications: two motion events kept, topic trimmed', () => {
    const result = valueOf(parseSoapResponse('PullMessages', renderDotTemplate(readReference('PullMessages.xml'), DOT_VALUES)));
    expect(result.currentTime).toBe('2000-01-03T03:58:33.000Z');
    expect(result.terminationTime).toBe('2000-01-03T04:04:02.000Z');
    expect(result.dropped).toEqual([]);
    expect(result.kept).toHaveLength(2);
    for (const kept of result.kept) {
      expect(kept).toEqual({
        topic: 'tns1:RuleEngine/CellMotionDetector/Motion',
        topicPath: 'RuleEngine/CellMotionDetector/Motion',
        kind: 'motion',
        utcTime: '2015-05-14T13:57:50.230Z',
        propertyOperation: null,
        source: [
          { name: 'VideoSourceConfigurationToken', value: '000' },
          { name: 'VideoAnalyticsConfigurationToken', value: '000' },
          { name: 'Rule', value: '000' },
        ],
        key: [],
        data: [{ name: 'IsMotion', value: 'true' }],
      });
    }
  });

  it('rendered with neither notification: an empty pull', () => {
    const result = valueOf(parsePullMessagesResponse(renderDotTemplate(readReference('PullMessages.xml'), { ...DOT_VALUES, conditionsHold: false })));
    expect([result.kept, result.dropped]).toEqual([[], []]);
  });
});

describe('biometric notifications are dropped', () => {
  const frameWith = (object: string): string =>
    `<tt:Frame UtcTime="2024-05-01T12:00:00Z"><tt:Object ObjectId="7"><tt:Appearance>${object}</tt:Appearance></tt:Object></tt:Frame>`;
  const variants: readonly [label: string, built: HandBuilt, reason: DropReason][] = [
    ['a face detector rule', { topic: 'tns1:RuleEngine/FaceDetector/Face' }, 'biometric-topic'],
    ['face recognition matches', { topic: 'tns1:RuleEngine/FaceRecognition/Match', data: { Score: '0.93' } }, 'biometric-topic'],
    ['Profile M recognition of a face', { topic: 'tns1:RuleEngine/Recognition/Face' }, 'biometric-topic'],
    ['a human detector', { topic: 'tns1:RuleEngine/HumanDetector/Human' }, 'biometric-topic'],
    ['a vendor people detector', { topic: 'tns1:RuleEngine/MyRuleDetector/PeopleDetect', data: { State: 'true' } }, 'biometric-topic'],
    ['person attributes', { topic: 'tns1:RuleEngine/PersonAttributes/Result', data: { Colour: 'red' } }, 'biometric-topic'],
    ['age and gender estimation', { topic: 'tns1:RuleEngine/AgeGenderDetector/Result' }, 'biometric-topic'],
    ['a tt:Face topic segment', { topic: 'tns1:VideoAnalytics/tt:Face' }, 'biometric-topic'],
    ['a tt:HumanBody topic segment', { topic: 'tns1:VideoAnalytics/tt:HumanBody' }, 'biometric-topic'],
    ['a tt:HumanFace topic segment', { topic: 'tns1:VideoAnalytics/tt:HumanFace' }, 'biometric-topic'],
    ['an Axis face detection app', { topic: 'tnsaxis:CameraApplicationPlatform/FaceDetection' }, 'biometric-topic'],
    ['an upper-case vendor face snapshot', { topic: 'tns1:UserAlarm/IVA/FACE_SNAP' }, 'biometric-topic'],
    ['a pedestrian counter', { topic: 'tns1:VideoAnalytics/PedestrianCounting/Count' }, 'biometric-topic'],
    ['body temperature screening', { topic: 'tns1:RuleEngine/BodyTemperature/Fever' }, 'biometric-topic'],
    ['crowd detection', { topic: 'tns1:RuleEngine/Crowd/Density' }, 'biometric-topic'],
    ['ObjectDetection with class Face', { topic: 'tns1:RuleEngine/ObjectDetection/Object', data: { ClassTypes: 'Face' } }, 'biometric-content'],
    ['ObjectDetection with class Human', { topic: 'tns1:RuleEngine/ObjectDetection/Object', data: { ObjectClass: 'Human' } }, 'biometric-content'],
    ['a line crossing by a person', { topic: 'tns1:RuleEngine/LineDetector/Crossed', data: { ObjectClass: 'Person' } }, 'biometric-content'],
    ['a field detector counting humans', { topic: 'tns1:RuleEngine/FieldDetector/ObjectsInside', data: { ClassTypes: 'Vehicle Human' } }, 'biometric-content'],
    ['Profile M counting of humans', { topic: 'tns1:RuleEngine/CountAggregation/Counter', data: { ObjectClass: 'human', Count: '12' } }, 'biometric-content'],
    ['a licence plate read with the driver', { topic: 'tns1:RuleEngine/LicensePlateRecognition/Plate', data: { Plate: 'ABC123', DriverFaceImage: 'img-7' } }, 'biometric-content'],
    ['a licence plate read with a person flag', { topic: 'tns1:RuleEngine/LicensePlateRecognition/Plate', data: { Plate: 'ABC123', PersonPresent: 'true' } }, 'biometric-content'],
    ['an analytics frame with a face object', { topic: 'tns1:VideoAnalytics/Frame', elementItem: frameWith('<tt:Class><tt:Type Likelihood="0.9">Face</tt:Type></tt:Class>') }, 'biometric-content'],
    [
      'an analytics frame with HumanFace metadata',
      { topic: 'tns1:VideoAnalytics/ObjectDetection', elementItem: frameWith('<tt:HumanFace xmlns:fc="http://www.onvif.org/ver20/analytics/humanface"><fc:Gender><fc:Male>0.8</fc:Male></fc:Gender></tt:HumanFace>') },
      'biometric-content',
    ],
    [
      'an analytics frame with HumanBody metadata',
      { topic: 'tns1:VideoAnalytics/ObjectDetection', elementItem: frameWith('<bd:HumanBody xmlns:bd="http://www.onvif.org/ver20/analytics/humanbody"><bd:Clothing/></bd:HumanBody>') },
      'biometric-content',
    ],
    ['motion, but flagged as human', { topic: 'tns1:RuleEngine/CellMotionDetector/Motion', data: { IsMotion: 'true', HumanDetected: 'true' } }, 'biometric-content'],
    ['motion from a face rule', { topic: 'tns1:RuleEngine/CellMotionDetector/Motion', source: { Rule: 'FaceZone' }, data: { IsMotion: 'true' } }, 'biometric-content'],
    ['tampering carrying a body frame', { topic: 'tns1:RuleEngine/TamperDetector/Tamper', elementItem: frameWith('<tt:Class><tt:Type>HumanBody</tt:Type></tt:Class>') }, 'biometric-content'],
  ];

  it('has at least 20 variants', () => expect(variants.length).toBeGreaterThanOrEqual(20));

  it.each(variants)('%s', (_label, built, reason) => {
    const result = filterOne(built);
    expect(result.kept).toEqual([]);
    expect(result.dropped).toEqual([{ topic: built.topic, reason }]);
  });

  it('keeps nothing of a dropped notification but its topic and the reason', () => {
    const [dropped] = filterOne(variants[15]?.[1] ?? { topic: '' }).dropped;
    expect(Object.keys(dropped ?? {}).sort()).toEqual(['reason', 'topic']);
  });
});

describe('health, motion and tampering notifications are kept', () => {
  it.each([
    ['tns1:RuleEngine/CellMotionDetector/Motion', { IsMotion: 'true' }, 'motion'],
    ['tns1:VideoSource/MotionAlarm', { State: 'true' }, 'motion'],
    ['tns1:RuleEngine/TamperDetector/Tamper', { IsTamper: 'true' }, 'tamper'],
    ['tns1:VideoSource/GlobalSceneChange/ImagingService', { State: 'true' }, 'tamper'],
    ['tns1:VideoSource/ImageTooBlurry/AnalyticsService', { State: 'true' }, 'tamper'],
    ['tns1:VideoSource/ImageTooDark/ImagingService', { State: 'false' }, 'tamper'],
    ['tns1:VideoSource/SignalLoss', { State: 'true' }, 'health'],
    ['tns1:Device/HardwareFailure/StorageFailure', { Failed: 'true' }, 'health'],
    ['tns1:Monitoring/ProcessorUsage', { Value: '0.42' }, 'health'],
    ['tns1:Monitoring/OperatingTime/LastReboot', { Status: '2024-05-01T11:00:00Z' }, 'health'],
    // Some firmware repeats the prefix on every segment.
    ['tns1:RuleEngine/tns1:CellMotionDetector/tns1:Motion', { IsMotion: 'true' }, 'motion'],
  ])('%s', (topic, data, kind) => {
    const result = filterOne({ topic: `\n      ${topic}\n    `, data });
    expect(result.dropped).toEqual([]);
    expect(result.kept).toMatchObject([{ topic, kind, utcTime: '2024-05-01T12:00:00.000Z', propertyOperation: 'Changed', data: Object.entries(data).map(([name, value]) => ({ name, value })) }]);
  });

  it('kept topics are exactly the whitelist offered to CreatePullPointSubscription', () => {
    for (const topic of KEPT_TOPICS) expect(filterOne({ topic }).kept).toHaveLength(1);
  });
});

describe('everything else is dropped too (the whitelist decides, not a blacklist)', () => {
  it.each<[string, HandBuilt, DropReason]>([
    ['a vehicle line crossing', { topic: 'tns1:RuleEngine/LineDetector/Crossed', data: { ObjectClass: 'Vehicle' } }, 'not-whitelisted'],
    ['a licence plate read', { topic: 'tns1:RuleEngine/LicensePlateRecognition/Plate', data: { Plate: 'ABC123' } }, 'not-whitelisted'],
    ['a digital input', { topic: 'tns1:Device/Trigger/DigitalInput', data: { LogicalState: 'true' } }, 'not-whitelisted'],
    ['a vendor topic under an ONVIF root', { topic: 'tns1:VideoSource/tnsaxis:Tampering' }, 'not-whitelisted'],
    ['a vendor namespace root', { topic: 'tnsaxis:VideoSource/MotionAlarm' }, 'not-whitelisted'],
    ['tns1 bound to a vendor namespace', { topic: 'tns1:VideoSource/MotionAlarm', topicNamespaces: ' xmlns:tns1="http://example.com/topics"' }, 'not-whitelisted'],
    ['an undeclared prefix other than tns1', { topic: 'ns9:VideoSource/MotionAlarm' }, 'not-whitelisted'],
    ['an unprefixed topic', { topic: 'VideoSource/MotionAlarm' }, 'not-whitelisted'],
    ['a wildcard', { topic: 'tns1:VideoSource//.' }, 'not-whitelisted'],
    ['an alternative', { topic: 'tns1:VideoSource/MotionAlarm|tns1:RuleEngine/FieldDetector/ObjectsInside' }, 'not-whitelisted'],
    ['a parent of a kept topic', { topic: 'tns1:VideoSource' }, 'not-whitelisted'],
    ['a whitelisted topic with an XML payload', { topic: 'tns1:VideoSource/MotionAlarm', elementItem: '<tt:Frame UtcTime="2024-05-01T12:00:00Z"/>' }, 'xml-payload'],
    ['an empty topic', { topic: '   ' }, 'malformed-notification'],
  ])('%s → %s', (_label, built, reason) => {
    expect(filterOne(built)).toMatchObject({ kept: [], dropped: [{ reason }] });
  });

  it('an undeclared tns1 prefix, as vendors send it, still reads as ONVIF', () => {
    const xml = pullMessages({ topic: 'tns1:VideoSource/MotionAlarm', data: { State: 'true' } }).replace(' xmlns:tns1="http://www.onvif.org/ver10/topics"', '');
    expect(valueOf(parsePullMessagesResponse(xml)).kept).toHaveLength(1);
  });

  it('a notification without a Message, or with a bad time or operation, is malformed and dropped alone', () => {
    const good = notification({ topic: 'tns1:VideoSource/MotionAlarm' });
    const xml = pullMessages()
      .replace(
        '</tev:PullMessagesResponse>',
        '<wsnt:NotificationMessage><wsnt:Topic>tns1:VideoSource/MotionAlarm</wsnt:Topic></wsnt:NotificationMessage>' +
          good.replace('2024-05-01T12:00:00Z', 'yesterday') +
          good.replace('"Changed"', '"Exploded"') +
          `${good}</tev:PullMessagesResponse>`,
      );
    const result = valueOf(parsePullMessagesResponse(xml));
    expect(result.kept).toHaveLength(1);
    expect(result.dropped.map((dropped) => dropped.reason)).toEqual(['malformed-notification', 'malformed-notification', 'malformed-notification']);
  });
});

describe('mentionsPeople', () => {
  it.each(['Face', 'HumanBody', 'tt:HumanFace', 'PERSON', 'people_count', 'FaceID2', 'IVSFaceDetect', 'AgeRange', 'Gender', 'biometrics', 'Pedestrian', 'http://www.onvif.org/ver20/analytics/humanface'])(
    'flags %s',
    (text) => expect(mentionsPeople(text)).toBe(true),
  );
  it.each(['Storage', 'Image', 'NetworkInterface', 'Surface', 'Message', 'VideoSourceConfigurationToken', 'IsMotion', 'ProcessorUsage', 'GlobalSceneChange', 'Vehicle', 'PrivacyMask', 'Voltage'])(
    'does not flag %s',
    (text) => expect(mentionsPeople(text)).toBe(false),
  );
});

describe('filterEventNotifications properties', () => {
  const word = fc.constantFrom('Motion', 'Face', 'Human', 'Vehicle', 'Tamper', 'Body', 'Person', 'State', 'Rule', 'Count', 'Gender', 'Plate', 'Zone');
  const topic = fc.oneof(
    fc.constantFrom(...KEPT_TOPICS),
    fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => `tns1:${words.join('/')}`),
    fc.string({ maxLength: 30 }),
  );
  const item = fc.record({ name: fc.oneof(word, fc.string({ maxLength: 10 })), value: fc.oneof(word, fc.string({ maxLength: 10 })) });
  const candidate: fc.Arbitrary<NotificationCandidate> = fc.record({
    topic,
    topicNamespace: fc.constantFrom(null, 'http://www.onvif.org/ver10/topics', 'http://example.com/topics'),
    utcTime: fc.constant(null),
    propertyOperation: fc.constantFrom(null, 'Initialized', 'Changed', 'Deleted', 'Other'),
    source: fc.array(item, { maxLength: 3 }),
    key: fc.array(item, { maxLength: 2 }),
    data: fc.array(item, { maxLength: 3 }),
    elementItems: fc.array(fc.record({ name: word, content: fc.string({ maxLength: 20 }) }), { maxLength: 1 }),
  });

  it('keeps only whitelisted topics whose every item is free of people, and says nothing else of the dropped', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 8 }), (candidates) => {
        const { kept, dropped } = filterEventNotifications(candidates);
        expect(kept.length + dropped.length).toBe(candidates.length);
        for (const notification of kept) {
          expect(KEPT_TOPICS).toContain(`tns1:${notification.topicPath}`);
          expect(mentionsPeople(notification.topic)).toBe(false);
          for (const { name, value } of [...notification.source, ...notification.key, ...notification.data]) {
            expect(mentionsPeople(name) || mentionsPeople(value)).toBe(false);
          }
        }
        for (const entry of dropped) expect(Object.keys(entry).sort()).toEqual(['reason', 'topic']);
      }),
      { numRuns: 500 },
    );
  });

  it('adding a biometric word to any item of a kept notification drops it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEPT_TOPICS), fc.constantFrom('Face', 'HumanBody', 'Person', 'Gender'), fc.nat(2), (keptTopic, biometric, where) => {
        const base: NotificationCandidate = {
          topic: keptTopic,
          topicNamespace: null,
          utcTime: null,
          propertyOperation: 'Changed',
          source: [{ name: 'VideoSourceConfigurationToken', value: 'vsc0' }],
          key: [],
          data: [{ name: 'State', value: 'true' }],
          elementItems: [],
        };
        expect(filterEventNotifications([base]).kept).toHaveLength(1);
        const tainted = { name: 'Note', value: `x ${biometric} y` };
        const variant =
          where === 0 ? { ...base, source: [...base.source, tainted] } : where === 1 ? { ...base, key: [tainted] } : { ...base, data: [...base.data, tainted] };
        expect(filterEventNotifications([variant])).toEqual({ kept: [], dropped: [{ topic: keptTopic, reason: 'biometric-content' }] });
      }),
    );
  });
});

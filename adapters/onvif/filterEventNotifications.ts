/**
 * ONVIF event notifications (Core spec, Event handling, "Real-time Pull-Point Notification
 * Interface" and "Notification structure"), read and filtered by a whitelist.
 *
 * The hub integrates no facial recognition (DESIGN.md, "No facial recognition"): only device
 * health, motion and tampering topics are kept, and only when nothing in them mentions people.
 * Everything else is dropped, and a dropped notification leaves nothing behind but its topic and
 * a reason code: no items, no payload.
 */
import { clip, type OnvifResult } from './onvifErrors';
import { attributeOf, childNamed, childrenNamed, descend, textOf, type XmlElement } from './parseXmlDocument';
import { readFields, requireText, toDateTime } from './readFieldValues';
import { readSoapBody } from './readSoapBody';

/** The namespace ONVIF topics live in; `tns1` is its customary prefix. */
export const ONVIF_TOPIC_NAMESPACE = 'http://www.onvif.org/ver10/topics';

export type NotificationKind = 'motion' | 'tamper' | 'health';

const serviceVariants = (topic: string): string[] =>
  ['AnalyticsService', 'ImagingService', 'RecordingService'].map((service) => `${topic}/${service}`);

/** The whitelist: prefix-free topic paths the hub keeps, and what each one is about. */
const KEPT_TOPIC_KINDS: ReadonlyMap<string, NotificationKind> = new Map<string, NotificationKind>([
  // Motion: Analytics spec "Cell motion detector", Core spec "Motion alarm".
  ['RuleEngine/CellMotionDetector/Motion', 'motion'],
  ['RuleEngine/MotionRegionDetector/Motion', 'motion'],
  ['VideoSource/MotionAlarm', 'motion'],
  // Tampering: Analytics spec "Tamper detector"; image quality alarms of the video source.
  ['RuleEngine/TamperDetector/Tamper', 'tamper'],
  ...serviceVariants('VideoSource/GlobalSceneChange').map((topic) => [topic, 'tamper'] as const),
  ...serviceVariants('VideoSource/ImageTooBlurry').map((topic) => [topic, 'tamper'] as const),
  ...serviceVariants('VideoSource/ImageTooDark').map((topic) => [topic, 'tamper'] as const),
  ...serviceVariants('VideoSource/ImageTooBright').map((topic) => [topic, 'tamper'] as const),
  // Device health: Core spec monitoring events.
  ['VideoSource/SignalLoss', 'health'],
  ['Device/HardwareFailure/FanFailure', 'health'],
  ['Device/HardwareFailure/PowerSupplyFailure', 'health'],
  ['Device/HardwareFailure/StorageFailure', 'health'],
  ['Device/HardwareFailure/TemperatureCritical', 'health'],
  ['Monitoring/ProcessorUsage', 'health'],
  ['Monitoring/OperatingTime/LastReboot', 'health'],
  ['Monitoring/OperatingTime/LastReset', 'health'],
  ['Monitoring/OperatingTime/LastClockSynchronization', 'health'],
]);

/**
 * The kept topics as `tns1:` topic expressions, for the CreatePullPointSubscription filter
 * (ConcreteSet dialect), so that a device that honours filters never sends anything else.
 */
export const KEPT_TOPICS: readonly string[] = [...KEPT_TOPIC_KINDS.keys()].map((path) => `tns1:${path}`);

export interface SimpleItem {
  readonly name: string;
  readonly value: string;
}

/** A notification as read from the device, before the whitelist is applied. */
export interface NotificationCandidate {
  /** Topic expression, trimmed, e.g. `tns1:RuleEngine/CellMotionDetector/Motion`. */
  readonly topic: string;
  /** Namespace URI the topic's prefix is bound to where the Topic element sits; null when undeclared. */
  readonly topicNamespace: string | null;
  readonly utcTime: string | null;
  readonly propertyOperation: string | null;
  readonly source: readonly SimpleItem[];
  readonly key: readonly SimpleItem[];
  readonly data: readonly SimpleItem[];
  /** ElementItems (arbitrary XML payloads): their names and flattened content, for scanning only. */
  readonly elementItems: readonly { readonly name: string; readonly content: string }[];
}

/** A notification the hub keeps. */
export interface EventNotification {
  readonly topic: string;
  /** The topic without prefixes, e.g. `RuleEngine/CellMotionDetector/Motion`. */
  readonly topicPath: string;
  readonly kind: NotificationKind;
  readonly utcTime: string | null;
  readonly propertyOperation: 'Initialized' | 'Changed' | 'Deleted' | null;
  readonly source: readonly SimpleItem[];
  readonly key: readonly SimpleItem[];
  readonly data: readonly SimpleItem[];
}

export type DropReason =
  /** The topic names faces, bodies, people or their attributes. */
  | 'biometric-topic'
  /** An item name or value, or an XML payload, does. */
  | 'biometric-content'
  /** Not a whitelisted ONVIF health, motion or tampering topic (vendor topics, analytics, I/O…). */
  | 'not-whitelisted'
  /** A whitelisted topic carrying an ElementItem: those topics define SimpleItems only. */
  | 'xml-payload'
  | 'malformed-notification';

export interface DroppedNotification {
  readonly topic: string;
  readonly reason: DropReason;
}

export interface FilteredNotifications {
  readonly kept: EventNotification[];
  readonly dropped: DroppedNotification[];
}

export interface PullMessagesResult extends FilteredNotifications {
  readonly currentTime: string;
  readonly terminationTime: string;
}

/** Read a PullMessagesResponse and filter its notifications. Never throws. */
export function parsePullMessagesResponse(xml: unknown): OnvifResult<PullMessagesResult> {
  const response = readSoapBody(xml, 'PullMessagesResponse');
  if (!response.ok) return response;
  return readFields(() => readPullMessagesResponse(response.value));
}

/** The PullMessagesResponse element → times and filtered notifications; throws FieldProblem (see readFields). */
export function readPullMessagesResponse(response: XmlElement): PullMessagesResult {
  const currentTime = toDateTime(requireText(response, 'CurrentTime'), 'PullMessagesResponse/CurrentTime');
  const terminationTime = toDateTime(requireText(response, 'TerminationTime'), 'PullMessagesResponse/TerminationTime');
  const read = childrenNamed(response, 'NotificationMessage').map(readNotificationCandidate);
  const unreadable = read.filter((entry): entry is DroppedNotification => 'reason' in entry);
  const filtered = filterEventNotifications(read.filter((entry): entry is NotificationCandidate => !('reason' in entry)));
  return { currentTime, terminationTime, kept: filtered.kept, dropped: [...unreadable, ...filtered.dropped] };
}

/** Apply the whitelist to notifications already read. */
export function filterEventNotifications(candidates: readonly NotificationCandidate[]): FilteredNotifications {
  const filtered: FilteredNotifications = { kept: [], dropped: [] };
  for (const candidate of candidates) {
    const outcome = classifyNotification(candidate);
    if ('kept' in outcome) filtered.kept.push(outcome.kept);
    else filtered.dropped.push(outcome.dropped);
  }
  return filtered;
}

/** One notification's fate. Biometric checks come first so that the reason says so. */
export function classifyNotification(
  candidate: NotificationCandidate,
): { readonly kept: EventNotification } | { readonly dropped: DroppedNotification } {
  const topic = clip(candidate.topic);
  const drop = (reason: DropReason): { dropped: DroppedNotification } => ({ dropped: { topic, reason } });
  if (candidate.topic === '') return drop('malformed-notification');
  if (mentionsPeople(candidate.topic)) return drop('biometric-topic');
  const items = [...candidate.source, ...candidate.key, ...candidate.data];
  if (items.some((item) => mentionsPeople(item.name) || mentionsPeople(item.value))) return drop('biometric-content');
  if (candidate.elementItems.some((item) => mentionsPeople(item.name) || mentionsPeople(item.content))) return drop('biometric-content');

  const topicPath = onvifTopicPath(candidate.topic, candidate.topicNamespace);
  const kind = topicPath === null ? undefined : KEPT_TOPIC_KINDS.get(topicPath);
  if (topicPath === null || kind === undefined) return drop('not-whitelisted');
  if (candidate.elementItems.length > 0) return drop('xml-payload');

  const operation = candidate.propertyOperation;
  if (operation !== null && operation !== 'Initialized' && operation !== 'Changed' && operation !== 'Deleted') {
    return drop('malformed-notification');
  }
  return {
    kept: {
      topic: candidate.topic,
      topicPath,
      kind,
      utcTime: candidate.utcTime,
      propertyOperation: operation,
      source: candidate.source,
      key: candidate.key,
      data: candidate.data,
    },
  };
}

// ---- reading ------------------------------------------------------------------------------

const MAX_ITEMS = 64;

/** wsnt:NotificationMessage → Topic + wsnt:Message/tt:Message (Source, Key, Data; UtcTime, PropertyOperation). */
function readNotificationCandidate(holder: XmlElement): NotificationCandidate | DroppedNotification {
  const topicElement = childNamed(holder, 'Topic');
  // The reference PullMessages.xml pads the topic with newlines and indentation.
  const topic = topicElement === undefined ? '' : textOf(topicElement).replace(/\s+/g, ' ');
  const message = descend(holder, 'Message', 'Message');
  if (topicElement === undefined || message === undefined) return { topic: clip(topic), reason: 'malformed-notification' };
  const prefix = topic.includes(':') ? topic.slice(0, topic.indexOf(':')) : null;
  const utcTimeText = attributeOf(message, 'UtcTime')?.trim();
  const utcTime = utcTimeText === undefined ? null : readFields(() => toDateTime(utcTimeText, 'Message@UtcTime'));
  if (utcTime !== null && !utcTime.ok) return { topic: clip(topic), reason: 'malformed-notification' };
  const items = (list: string): SimpleItem[] => {
    const container = childNamed(message, list);
    if (container === undefined) return [];
    return childrenNamed(container, 'SimpleItem')
      .slice(0, MAX_ITEMS)
      .map((item) => ({ name: attributeOf(item, 'Name') ?? '', value: attributeOf(item, 'Value') ?? '' }));
  };
  const elementItems = ['Source', 'Key', 'Data'].flatMap((list) => {
    const container = childNamed(message, list);
    return container === undefined
      ? []
      : childrenNamed(container, 'ElementItem').map((item) => ({ name: attributeOf(item, 'Name') ?? '', content: scannableContent(item) }));
  });
  return {
    topic,
    topicNamespace: prefix === null ? null : topicElement.namespaces.get(prefix) ?? null,
    utcTime: utcTime === null ? null : utcTime.value,
    propertyOperation: attributeOf(message, 'PropertyOperation')?.trim() ?? null,
    source: items('Source'),
    key: items('Key'),
    data: items('Data'),
    elementItems,
  };
}

/** Names, attribute values (namespace URIs included: `…/analytics/humanface`) and text, for scanning. */
function scannableContent(element: XmlElement): string {
  const parts = [element.name, ...element.attributes.flatMap((a) => [a.name, a.value]), element.text];
  for (const child of element.children) parts.push(scannableContent(child));
  return parts.join(' ');
}

// ---- topic and content checks -------------------------------------------------------------

const TOPIC_SEGMENT = /^(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)$/;

/**
 * `tns1:RuleEngine/CellMotionDetector/Motion` → `RuleEngine/CellMotionDetector/Motion` when it is
 * a concrete topic in the ONVIF namespace; null otherwise. The root must carry the prefix; later
 * segments may repeat it but a different prefix (`tns1:VideoSource/tnsaxis:Tampering`) is a
 * vendor extension. An undeclared prefix is accepted only when it is the customary `tns1`.
 */
function onvifTopicPath(topic: string, topicNamespace: string | null): string | null {
  const segments = topic.split('/').map((segment) => TOPIC_SEGMENT.exec(segment));
  const rootPrefix = segments[0]?.[1];
  if (rootPrefix === undefined) return null;
  if (topicNamespace === null ? rootPrefix !== 'tns1' : topicNamespace !== ONVIF_TOPIC_NAMESPACE) return null;
  const names: string[] = [];
  for (const segment of segments) {
    if (segment === null || (segment[1] !== undefined && segment[1] !== rootPrefix) || segment[2] === undefined) return null;
    names.push(segment[2]);
  }
  return names.join('/');
}

/** Word stems that only name people or their bodies: `FaceDetector`, `HumanBody`, `PersonAttributes`. */
const PERSON_STEMS = ['face', 'facial', 'human', 'person', 'people', 'pedestrian', 'body', 'bodies', 'gender', 'biometric', 'fingerprint', 'demographic', 'ethnic'];
/** Whole words that do, where a stem would match innocent words (`age` in `Storage` is no word of its own). */
const PERSON_WORDS = new Set(['age', 'hair', 'beard', 'mustache', 'moustache', 'iris', 'gait', 'glasses', 'eyeglasses', 'sunglasses', 'clothing', 'clothes', 'crowd', 'headcount', 'skin']);

/** Whether text mentions people: split into words at camelCase and punctuation, then matched. */
export function mentionsPeople(text: string): boolean {
  return words(text).some((word) => PERSON_WORDS.has(word) || PERSON_STEMS.some((stem) => word.startsWith(stem)));
}

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}
